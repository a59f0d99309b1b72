package io.dnsprobe.operator;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes writes them ({@code 90s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}). */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    private GoDuration() {}

    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("duration is empty");
        }
        Matcher m = PART.matcher(text);
        int at = 0;
        double millis = 0;
        while (m.find() && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            at = m.end();
        }
        if (at != text.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 30s, 10m or 1h30m");
        }
        return Duration.ofMillis(Math.round(millis));
    }
}
