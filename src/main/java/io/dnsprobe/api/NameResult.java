package io.dnsprobe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dnsprobe.report.Kept;
import java.util.List;
import java.util.Objects;

/** One name on one server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NameResult(
        @JsonPropertyDescription("The name as given in the spec.")
        String name,

        @JsonPropertyDescription("The nameserver asked, IP[:PORT].")
        String server,

        @JsonPropertyDescription("The candidate of the search walk that answered (or the name itself).")
        String candidate,

        @JsonPropertyDescription("Largest UDP reply for that candidate, in bytes.")
        Integer udpBytes,

        @JsonPropertyDescription("Largest TCP reply for that candidate, in bytes, when TCP was needed.")
        Integer tcpBytes,

        @JsonPropertyDescription("Query types whose UDP reply had the TC bit set.")
        List<String> truncated,

        @JsonPropertyDescription("Per truncated type, records kept in the UDP reply out of the full answer: A 29/40.")
        List<Kept> kept,

        @JsonPropertyDescription("The verdict of each libc model.")
        List<ModelVerdict> verdicts,

        @JsonPropertyDescription("Why this name could not be probed, when it could not.")
        String error) {

    public NameResult {
        name = Interned.of(name);
        server = Interned.of(server);
        candidate = Interned.of(candidate);
        error = Interned.of(error);
        truncated = Interned.of(truncated);
        kept = kept == null ? null : kept.stream().filter(Objects::nonNull).toList();
        verdicts = verdicts == null ? null : List.copyOf(verdicts);
    }
}
