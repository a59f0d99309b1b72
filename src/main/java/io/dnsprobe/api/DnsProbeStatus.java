package io.dnsprobe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** The latest probe round, computed as one value and patched only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsProbeStatus(
        @JsonPropertyDescription("The spec generation the results belong to.")
        Long observedGeneration,

        @JsonPropertyDescription("When the latest probe round started (RFC 3339).")
        String lastProbeTime,

        @JsonPropertyDescription("How many names were probed.")
        Integer names,

        @JsonPropertyDescription("Names with a UDP reply that was truncated (needs TCP) on some server.")
        Integer truncated,

        @JsonPropertyDescription("Names that some musl model cannot resolve where glibc can.")
        Integer muslFails,

        @JsonPropertyDescription("Names that some musl model resolves only partially (and that no musl model fails).")
        Integer muslPartial,

        @JsonPropertyDescription("The largest reply seen, in bytes, over UDP or TCP.")
        Integer maxBytes,

        @JsonPropertyDescription("One entry per name and server.")
        List<NameResult> results,

        @JsonPropertyDescription("Ready: the probes ran. Truncated: some reply needs TCP. MuslIncompatible: some name fails "
                + "or is partial on a musl model.")
        List<Condition> conditions) {

    public DnsProbeStatus {
        results = results == null ? null : List.copyOf(results);
        conditions = conditions == null ? null : List.copyOf(conditions);
    }
}
