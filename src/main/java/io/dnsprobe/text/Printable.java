package io.dnsprobe.text;

/**
 * Text from outside (a registry's error message, a file in an image, a DNS server's reply) made safe for a
 * terminal, a log line, a Kubernetes status or an Event: one line, no control characters, bounded length.
 *
 * <p>Escaped as {@code \n}, {@code \r}, {@code \t} and {@code \\u001b}-style escapes: C0 controls, DEL, C1
 * controls (0x80-0x9f, which some terminals also obey), line and paragraph separators, and the bidirectional
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069) that can make a line read differently from what it
 * holds. Everything else passes as it is, so ordinary text is unchanged. Pure; no dependencies.
 */
public final class Printable {
    /** What a reason may take in a status, an Event or a warning line: long enough for a URL and a cause. */
    public static final int REASON_CHARS = 400;

    private Printable() {}

    /** {@code s} on one line, escaped, at most {@link #REASON_CHARS} characters (plus a note of what was cut). */
    public static String line(String s) {
        return line(s, REASON_CHARS);
    }

    /**
     * {@code s} on one line, escaped, cut to at most {@code max} characters of output followed by
     * {@code "... (N more characters)"} when longer. Null stays null.
     */
    public static String line(String s, int max) {
        if (s == null) {
            return null;
        }
        if (s.length() <= max && clean(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 32);
        int i = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            String escaped = escape(c);
            int need = escaped == null ? 1 : escaped.length();
            if (out.length() + need > max) {
                break;
            }
            if (escaped == null) {
                out.append(c);
            } else {
                out.append(escaped);
            }
        }
        if (i < s.length()) {
            out.append("... (").append(s.length() - i).append(" more characters)");
        }
        return out.toString();
    }

    /** Whether {@code s} has nothing {@link #line} would escape. */
    public static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (escape(s.charAt(i)) != null) {
                return false;
            }
        }
        return true;
    }

    private static String escape(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        boolean control = c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f;
        boolean invisibleLayout =
                c == '\u2028' || c == '\u2029' || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
        return control || invisibleLayout ? String.format("\\u%04x", (int) c) : null;
    }
}
