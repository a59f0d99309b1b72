package io.dnsprobe.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For one truncated query type: how many records the UDP reply kept out of the full answer (the TCP
 * reply). Written {@code A 29/40}, or {@code A 0/?} when no full answer came.
 *
 * @param total records in the full answer, -1 when unknown
 */
public record Kept(String type, int kept, int total) {
    private static final Pattern WRITTEN = Pattern.compile("([A-Z0-9]{1,10}) (\\?|\\d{1,5})/(\\?|\\d{1,5})");

    /** The one parser of what {@link #toString()} writes; empty for anything else. */
    public static Optional<Kept> parse(String text) {
        Matcher m = text == null ? null : WRITTEN.matcher(text);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Kept(m.group(1), count(m.group(2)), count(m.group(3))));
    }

    /**
     * As a status carries it: a value the operator did not write (someone edited the status) reads as
     * nothing, and the list holding it drops it, rather than failing the whole object.
     */
    @JsonCreator
    static Kept fromJson(String text) {
        return parse(text).orElse(null);
    }

    private static int count(String digits) {
        return digits.equals("?") ? -1 : Integer.parseInt(digits);
    }

    public boolean totalKnown() {
        return total >= 0;
    }

    @JsonValue
    @Override
    public String toString() {
        return type + " " + (kept < 0 ? "?" : String.valueOf(kept)) + "/" + (total < 0 ? "?" : String.valueOf(total));
    }
}
