package io.dnsprobe.operator;

import io.dnsprobe.api.DnsProbeStatus;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator remembers per DnsProbe between reconciliations: the latest round, the one in
 * flight, when the next is due, and the status and events already derived from the latest round.
 * Memory only: after a restart every DnsProbe is probed again at once.
 */
@ApplicationScoped
public class ProbeRounds {

    /**
     * Immutable snapshot of one DnsProbe's state.
     *
     * @param published the status derived from {@code latest}, once it has been; from then on
     *     {@code latest} keeps no outcomes (the status has what matters), so a thousand DnsProbes do not
     *     keep every reply's addresses in memory
     */
    record State(ProbeRound latest, Long inFlight, Instant nextDue, DnsProbeStatus published) {
        static final State EMPTY = new State(null, null, Instant.EPOCH, null);

        boolean publishedLatest() {
            return published != null
                    && latest != null
                    && latest.outcomes().isEmpty()
                    && Long.valueOf(latest.generation()).equals(published.observedGeneration());
        }
    }

    private final Map<ResourceID, State> states = new ConcurrentHashMap<>();

    State get(ResourceID id) {
        return states.getOrDefault(id, State.EMPTY);
    }

    /** Marks a round for {@code generation} as started unless one is already running for it. */
    boolean tryStart(ResourceID id, long generation) {
        boolean[] started = {false};
        states.compute(id, (k, s) -> {
            State cur = s == null ? State.EMPTY : s;
            if (cur.inFlight() != null && cur.inFlight() == generation) {
                return cur;
            }
            started[0] = true;
            return new State(cur.latest(), generation, cur.nextDue(), cur.published());
        });
        return started[0];
    }

    /** Records a finished round; ignored when the DnsProbe was deleted meanwhile. */
    void complete(ResourceID id, ProbeRound round, Instant nextDue) {
        states.computeIfPresent(
                id,
                (k, s) -> new State(
                        round,
                        s.inFlight() != null && s.inFlight() == round.generation() ? null : s.inFlight(),
                        nextDue,
                        s.published()));
    }

    /** Records the status derived from {@code round} and lets go of the round's outcomes. */
    void published(ResourceID id, ProbeRound round, DnsProbeStatus status) {
        states.computeIfPresent(
                id,
                (k, s) -> s.latest() != round
                        ? s
                        : new State(round.withoutOutcomes(), s.inFlight(), s.nextDue(), status));
    }

    /** Forgets DnsProbes that no longer exist; returns the ones forgotten. */
    Set<ResourceID> retainOnly(Set<ResourceID> existing) {
        Set<ResourceID> gone = ConcurrentHashMap.newKeySet();
        states.keySet().stream().filter(id -> !existing.contains(id)).forEach(gone::add);
        gone.forEach(states::remove);
        return gone;
    }
}
