package io.dnsprobe.report;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * For one truncated query type: how many records the UDP reply kept out of the full answer (the TCP
 * reply). Written {@code A 29/40}, or {@code A 0/?} when no full answer came.
 *
 * @param total records in the full answer, -1 when unknown
 */
public record Kept(String type, int kept, int total) {

    public boolean totalKnown() {
        return total >= 0;
    }

    @JsonValue
    @Override
    public String toString() {
        return type + " " + (kept < 0 ? "?" : String.valueOf(kept)) + "/" + (total < 0 ? "?" : String.valueOf(total));
    }
}
