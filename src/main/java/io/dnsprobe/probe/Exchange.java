package io.dnsprobe.probe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * One query on one transport and what came back, byte for byte. The bytes are the record: every
 * libc model parses them as that libc would, so a saved probe replays exactly.
 *
 * @param wire the reply as received (null when none), kept whole even past 512 bytes
 * @param rttMicros time from the first send to the reply or the give-up
 * @param detail what went wrong, for a person, when there is no clean reply
 */
@JsonIgnoreProperties(
        value = {"size", "reply"},
        allowGetters = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Exchange(Transport transport, Outcome outcome, byte[] wire, long rttMicros, String detail) {

    public Exchange {
        wire = wire == null ? null : wire.clone();
        if (outcome.hasReply() && wire == null) {
            throw new IllegalArgumentException(outcome + " needs the reply bytes");
        }
    }

    public static Exchange reply(Transport transport, Outcome outcome, byte[] wire, long rttMicros) {
        return new Exchange(transport, outcome, wire, rttMicros, null);
    }

    public static Exchange failure(Transport transport, Outcome outcome, long rttMicros, String detail) {
        return new Exchange(transport, outcome, null, rttMicros, detail);
    }

    @Override
    public byte[] wire() {
        return wire == null ? null : wire.clone();
    }

    /** Reply size in bytes, or -1 when there was none. */
    @JsonProperty("size")
    public int size() {
        return wire == null ? -1 : wire.length;
    }

    /** The reply as dnsjava reads it, when it parses. */
    @JsonProperty("reply")
    public Optional<DnsReply> reply() {
        if (wire == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(DnsReply.parse(wire));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @JsonIgnore
    public boolean truncated() {
        return wire != null && wire.length >= 3 && (wire[2] & 0x02) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Exchange e
                && transport == e.transport
                && outcome == e.outcome
                && Arrays.equals(wire, e.wire)
                && rttMicros == e.rttMicros
                && java.util.Objects.equals(detail, e.detail);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(transport, outcome, Arrays.hashCode(wire), rttMicros, detail);
    }

    @Override
    public String toString() {
        return transport + " " + outcome + (wire == null ? "" : " " + wire.length + "B")
                + (detail == null ? "" : " (" + detail + ")");
    }
}
