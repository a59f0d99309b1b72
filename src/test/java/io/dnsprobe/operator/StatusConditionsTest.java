package io.dnsprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dnsprobe.api.ConditionStatus;
import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.api.NameResult;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conditions as small values: one replaced by type, transition times that move only with the status. */
class StatusConditionsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-12-01T11:00:00Z");

    private static DnsProbeStatus probed() {
        List<Condition> conditions = List.of(
                StatusBuilder.condition(
                        StatusBuilder.READY, ConditionStatus.TRUE, "Probed", "probed 1 names", 3, null, T0),
                StatusBuilder.condition(
                        StatusBuilder.TRUNCATED, ConditionStatus.TRUE, "RepliesNeedTCP", "1 of 1", 3, null, T0));
        return new DnsProbeStatus(
                3L,
                T0.toString(),
                1,
                1,
                0,
                0,
                673,
                List.of(new NameResult("vis.company.com", "10.0.0.10", null, 497, 673, null, null, null, null)),
                conditions);
    }

    @Test
    void aFailedReconcileReplacesReadyAndKeepsWhatTheLastRoundFound() {
        DnsProbeStatus failed = StatusBuilder.failed(probed(), "ReconcileError", "boom", 4, T1);
        assertThat(failed.results()).isEqualTo(probed().results());
        assertThat(failed.conditions()).extracting(Condition::getType).containsExactly("Ready", "Truncated");
        Condition ready = failed.condition("Ready").orElseThrow();
        assertThat(List.of(ready.getStatus(), ready.getReason(), ready.getMessage(), ready.getLastTransitionTime()))
                .containsExactly("False", "ReconcileError", "boom", "2026-12-01T11:00:00Z");
        assertThat(ready.getObservedGeneration()).isEqualTo(4L);
        assertThat(failed.condition("Truncated"))
                .contains(probed().condition("Truncated").orElseThrow());
    }

    @Test
    void aProbeThatNeverHadAStatusGetsOnlyReady() {
        DnsProbeStatus failed = StatusBuilder.failed(null, "ReconcileError", "boom", 1, T1);
        assertThat(failed.results()).isNull();
        assertThat(failed.conditions())
                .extracting(Condition::getType, Condition::getStatus)
                .containsExactly(tuple("Ready", "False"));
    }

    @Test
    void theTransitionTimeMovesOnlyWhenTheStatusDoes() {
        DnsProbeStatus once = StatusBuilder.failed(probed(), "ReconcileError", "boom", 4, T1);
        DnsProbeStatus again =
                StatusBuilder.failed(once, "ReconcileError", "boom again", 4, Instant.parse("2026-12-01T12:00:00Z"));
        assertThat(again.condition("Ready").orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-12-01T11:00:00Z");
        Condition stillTrue = StatusBuilder.condition(
                StatusBuilder.TRUNCATED, ConditionStatus.TRUE, "RepliesNeedTCP", "x", 5, probed(), T1);
        assertThat(stillTrue.getLastTransitionTime()).isEqualTo("2026-12-01T10:00:00Z");
    }

    @Test
    void withConditionAddsATypeItDoesNotHave() {
        Condition c = StatusBuilder.condition(
                "MuslIncompatible", ConditionStatus.FALSE, "MuslCompatible", "fine", 3, null, T0);
        assertThat(probed().withCondition(c).conditions())
                .extracting(Condition::getType)
                .containsExactly("Ready", "Truncated", "MuslIncompatible");
    }
}
