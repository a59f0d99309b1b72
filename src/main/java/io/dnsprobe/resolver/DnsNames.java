package io.dnsprobe.resolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Syntax rules for the names dnsprobe will query. Pure: returns every problem at once so a person
 * fixes a bad name in one go rather than one rule per run.
 */
public final class DnsNames {
    /** Longest name in presentation form without the trailing dot (RFC 1035: 255 octets on the wire). */
    public static final int MAX_NAME_LENGTH = 253;

    public static final int MAX_LABEL_LENGTH = 63;

    private DnsNames() {}

    /** Problems with {@code name} as a DNS name to look up; empty when it is valid. */
    public static List<String> problems(String name) {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            problems.add("name is empty");
            return problems;
        }
        if (isDottedQuad(name) || name.indexOf(':') >= 0) {
            problems.add("'" + name + "' is an IP address or has a port, not a DNS name");
            return problems;
        }
        String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (body.isEmpty()) {
            problems.add("'" + name + "' is the root, not a host name");
            return problems;
        }
        if (body.length() > MAX_NAME_LENGTH) {
            problems.add("'" + abbreviate(name) + "' is " + body.length() + " characters long; at most "
                    + MAX_NAME_LENGTH + " are allowed");
        }
        String[] labels = body.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (label.isEmpty()) {
                problems.add("'" + abbreviate(name) + "' has an empty label (two dots in a row, or a leading dot)");
            } else if (label.length() > MAX_LABEL_LENGTH) {
                problems.add("label '" + abbreviate(label) + "' is " + label.length() + " characters long; at most "
                        + MAX_LABEL_LENGTH + " are allowed");
            } else if (!isLabel(label)) {
                problems.add("label '" + label
                        + "' must be letters, digits, '-' or '_', and must not start or end with '-'");
            }
        }
        if (problems.isEmpty()
                && labels.length > 1
                && labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            problems.add("'" + name + "' ends in an all-numeric label, which no top-level domain is");
        }
        return problems;
    }

    // Hand-written rather than regexes: the webhook checks every token of every env value, and a
    // Matcher per token was a third of what a review allocated.

    /** Letters, digits, '-' and '_', not starting or ending with '-'. Underscore is allowed because
     *  service labels (_grpc._tcp) are real names people probe. */
    private static boolean isLabel(String label) {
        for (int i = 0; i < label.length(); i++) {
            char ch = label.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z')
                    || (ch >= 'A' && ch <= 'Z')
                    || (ch >= '0' && ch <= '9')
                    || ch == '_'
                    || (ch == '-' && i > 0 && i < label.length() - 1);
            if (!ok) {
                return false;
            }
        }
        return !label.isEmpty();
    }

    /** Four groups of one to three ASCII digits separated by dots (the IPv4 literal form). */
    private static boolean isDottedQuad(String s) {
        int groups = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (ch == '.' && digits > 0 && groups < 3) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }

    public static boolean isValid(String name) {
        return problems(name).isEmpty();
    }

    /** Lower-case, no trailing dot: the form names are compared and stored in. */
    public static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    public static int dots(String name) {
        int dots = 0;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                dots++;
            }
        }
        return dots;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
