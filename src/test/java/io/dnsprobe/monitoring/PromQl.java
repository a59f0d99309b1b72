package io.dnsprobe.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to check the queries against what the operator exports: the metric selectors
 * (name and label matchers) and the labels of {@code by}/{@code without} clauses. The operator's metrics
 * all start with {@code dnsprobe_}, and Quarkus's HTTP timer with {@code http_server_}; any other name
 * followed by a selector is reported, so no query escapes the check by a name this parser does not know.
 */
final class PromQl {
    private static final String METRIC_PREFIXES = "(?:dnsprobe_|http_server_)";
    private static final Pattern METRIC =
            Pattern.compile("(?<![\\w:$])(" + METRIC_PREFIXES + "[a-zA-Z0-9_:]*)\\s*(\\{([^}]*)\\})?");
    private static final Pattern ANY_SELECTOR =
            Pattern.compile("(?<![\\w:$])([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)\\}");
    private static final Pattern LABEL_MATCHER =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");

    record LabelMatcher(String label, String op, String value) {
        /** Values naming a dashboard variable ({@code $namespace}) match anything. */
        boolean matches(Map<String, String> labels) {
            if (value.contains("$")) {
                return labels.containsKey(label) || op.startsWith("!");
            }
            String actual = labels.getOrDefault(label, "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> actual.matches(value);
                case "!~" -> !actual.matches(value);
                default -> throw new IllegalArgumentException(op);
            };
        }
    }

    record Selector(String metric, List<LabelMatcher> matchers) {
        boolean matches(String name, Map<String, String> labels) {
            return metric.equals(name) && matchers.stream().allMatch(m -> m.matches(labels));
        }

        @Override
        public String toString() {
            return metric
                    + matchers.stream()
                            .map(m -> m.label() + m.op() + "\"" + m.value() + "\"")
                            .toList();
        }
    }

    private PromQl() {}

    static List<Selector> selectors(String expr) {
        List<Selector> found = new ArrayList<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            List<LabelMatcher> matchers = new ArrayList<>();
            if (m.group(3) != null) {
                Matcher l = LABEL_MATCHER.matcher(m.group(3));
                while (l.find()) {
                    matchers.add(new LabelMatcher(l.group(1), l.group(2), l.group(3)));
                }
            }
            found.add(new Selector(m.group(1), matchers));
        }
        return found;
    }

    /** Selectors whose metric name this parser does not recognise (a typo, or a metric from elsewhere). */
    static List<String> foreignSelectors(String expr) {
        List<String> foreign = new ArrayList<>();
        Matcher m = ANY_SELECTOR.matcher(expr);
        while (m.find()) {
            String name = m.group(1);
            if (name == null || !name.matches(METRIC_PREFIXES + ".*")) {
                foreign.add(m.group());
            }
        }
        return foreign;
    }

    /** Labels named in {@code by (...)} and {@code without (...)}. */
    static Set<String> groupingLabels(String expr) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = GROUPING.matcher(expr);
        while (m.find()) {
            for (String l : m.group(1).split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.trim());
                }
            }
        }
        return labels;
    }
}
