package io.dnsprobe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

        @JsonPropertyDescription(
                "Ready: the probes ran. Truncated: some reply needs TCP. MuslIncompatible: some name fails "
                        + "or is partial on a musl model.")
        List<Condition> conditions) {

    /** No round yet: what an error status starts from when the probe never had one. */
    public static final DnsProbeStatus NONE = new DnsProbeStatus(null, null, null, null, null, null, null, null, null);

    public DnsProbeStatus {
        results = results == null ? null : List.copyOf(results);
        conditions = conditions == null ? null : List.copyOf(conditions);
    }

    /** This status with {@code c} in place of the condition of its type (added when there is none). */
    public DnsProbeStatus withCondition(Condition c) {
        List<Condition> next = new ArrayList<>();
        boolean replaced = false;
        for (Condition old : conditions == null ? List.<Condition>of() : conditions) {
            boolean same = old.getType().equals(c.getType());
            next.add(same ? c : old);
            replaced |= same;
        }
        if (!replaced) {
            next.add(c);
        }
        return new DnsProbeStatus(
                observedGeneration, lastProbeTime, names, truncated, muslFails, muslPartial, maxBytes, results, next);
    }

    /** The condition of this type, if the status has one. */
    public Optional<Condition> condition(String type) {
        return conditions == null
                ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
