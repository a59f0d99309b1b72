package io.dnsprobe.workload;

import java.util.Locale;

/**
 * SnakeYAML's and Jackson's reasons in words a person editing a manifest knows: no token or event names
 * ({@code <block end>}, {@code MappingStartEvent(...)}), no Java class names, no "[Source: ...]".
 */
final class YamlProblems {
    private YamlProblems() {}

    /** A YAML problem; {@code context} is what the parser was in ("while parsing a block mapping"), or null. */
    static String human(String problem, String context) {
        String p = problem == null ? "" : problem.trim();
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.contains("\\t") || lower.contains("(tab)")) {
            return "a tab where YAML allows only spaces (YAML indents with spaces)";
        }
        if (lower.startsWith("number of aliases for non-scalar nodes exceeds")) {
            return "more than " + YamlTree.MAX_COLLECTION_ALIASES + " aliases of maps or lists in one document: "
                    + "refused (a document that grows without bound, like billion laughs)";
        }
        if (lower.startsWith("nesting depth exceed")) {
            return "nested deeper than " + YamlTree.MAX_DEPTH + " levels: refused";
        }
        if (lower.startsWith("the incoming yaml document exceeds the limit")) {
            return "larger than the reader allows: refused";
        }
        if (lower.startsWith("found undefined alias")) {
            return "an alias (*" + p.substring(p.lastIndexOf(' ') + 1) + ") with no anchor (&) of that name before it";
        }
        if (lower.startsWith("mapping values are not allowed")) {
            return "a ':' where no key can start: a value holding ': ' needs quotes, or the indentation is off";
        }
        if (lower.startsWith("expected <block end>") || lower.startsWith("did not find expected")) {
            return "the indentation is off: a line does not line up with the keys or list items above it";
        }
        if (lower.startsWith("could not find expected ':'")) {
            return "a key without ':' (or a quote left open)";
        }
        if (lower.contains("stream end") || lower.contains("end of stream")) {
            String in = context == null ? "" : context.toLowerCase(Locale.ROOT);
            return in.contains("quoted")
                    ? "the document ends inside a quoted string"
                    : in.contains("flow") ? "the document ends inside a [ ] or { }" : "the document ends too early";
        }
        if (lower.startsWith("found character") && lower.contains("cannot start any token")) {
            return "a character that cannot start a YAML value there (" + quoted(p) + "): quote the value";
        }
        if (lower.startsWith("expected ',' or ']'") || lower.startsWith("expected ',' or '}'")) {
            return "a [ ] or { } left open or a missing ','";
        }
        String c = context == null ? "" : plain(context.trim());
        return plain(p) + (c.isEmpty() ? "" : " (" + c + ")");
    }

    /** A JSON problem from Jackson, without its location tail, character codes or class names. */
    static String json(String message) {
        String m = message == null
                ? "not JSON"
                : message.lines().findFirst().orElse("").trim();
        int tail = m.indexOf(" (start marker at");
        if (tail >= 0) {
            m = m.substring(0, tail);
        }
        tail = m.indexOf(" at [Source");
        if (tail >= 0) {
            m = m.substring(0, tail);
        }
        m = m.replaceAll(" \\(code \\d+\\)", "").replaceAll("\\(CTRL-CHAR, code \\d+\\)", "(a control character)");
        if (m.contains("StreamReadConstraints") || m.toLowerCase(Locale.ROOT).contains("nesting depth")) {
            return "nested deeper than " + YamlTree.MAX_DEPTH + " levels: refused";
        }
        if (m.contains("Number value length") || m.contains("String value length")) {
            return "a number or string longer than the reader allows: refused";
        }
        return plain(m.replace("Object", "object").replace("Array", "array"));
    }

    /** Token names as words: "<block mapping start>" becomes "block mapping start". */
    private static String plain(String s) {
        return s.replace("<", "").replace(">", "");
    }

    private static String quoted(String p) {
        int open = p.indexOf('\'');
        int close = p.indexOf('\'', open + 1);
        return open >= 0 && close > open ? p.substring(open, close + 1) : "?";
    }
}
