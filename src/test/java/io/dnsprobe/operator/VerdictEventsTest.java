package io.dnsprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.libc.ModelId;
import io.dnsprobe.libc.VerdictKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictEventsTest {

    private static NameResult result(String name, String server, String musl123) {
        return new NameResult(
                name,
                server,
                name,
                100,
                null,
                null,
                null,
                List.of(
                        new ModelVerdict(
                                ModelId.MUSL_1_2_3, VerdictKind.valueOf(musl123), "1 addresses", "because " + musl123),
                        new ModelVerdict(ModelId.MUSL_1_2_5, VerdictKind.OK, "1 addresses", "fine"),
                        new ModelVerdict(ModelId.GLIBC, VerdictKind.OK, "1 addresses", "fine")),
                null);
    }

    private static DnsProbeStatus status(NameResult... results) {
        return new DnsProbeStatus(
                1L, "2026-11-25T00:00:00Z", results.length, 0, 0, 0, 100, List.of(results), List.of());
    }

    @Test
    void theFirstRoundReportsOnlyProblems() {
        var events = VerdictEvents.diff(null, status(result("a", "s1", "OK"), result("b", "s1", "FAILS")));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("Warning");
            assertThat(e.reason()).isEqualTo(VerdictEvents.Reason.MuslIncompatible);
            assertThat(e.message()).isEqualTo("b: musl-1.2.3 FAILS: because FAILS");
        });
    }

    @Test
    void anUnchangedRoundReportsNothingAndTheWorstServerCounts() {
        DnsProbeStatus s = status(result("a", "s1", "OK"), result("a", "s2", "PARTIAL"));
        assertThat(VerdictEvents.diff(s, s)).isEmpty();
        assertThat(VerdictEvents.diff(null, s))
                .singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("a: musl-1.2.3 PARTIAL"));
    }

    @Test
    void worseningAndRecoveringAreEachOneEvent() {
        DnsProbeStatus partial = status(result("a", "s1", "PARTIAL"));
        DnsProbeStatus fails = status(result("a", "s1", "FAILS"));
        DnsProbeStatus ok = status(result("a", "s1", "OK"));
        assertThat(VerdictEvents.diff(partial, fails))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(VerdictEvents.Reason.MuslIncompatible));
        assertThat(VerdictEvents.diff(fails, ok)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("Normal");
            assertThat(e.reason()).isEqualTo(VerdictEvents.Reason.Resolved);
        });
        assertThat(VerdictEvents.diff(fails, status()))
                .as("a name removed from the spec is no event")
                .isEmpty();
    }
}
