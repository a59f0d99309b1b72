package io.dnsprobe.operator;

import static io.dnsprobe.testing.Statuses.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.testing.HostileDnsServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DnsProbe's Ready condition judges a server over all its names, as the CLI does. */
class ReachabilityStatusTest {
    /**
     * For a name the server answers: a hang guard's length, so that its reply is never late however busy the machine
     * (the timeout is all a test could race with here); a silent name gets a short one and ends at it.
     */
    private static final Duration ANSWERED = Duration.ofSeconds(30);

    private static final Duration SILENT = Duration.ofMillis(300);

    private static ProbeRound round(HostileDnsServer server, List<String> names) {
        List<ProbeRound.Outcome> outcomes = new ArrayList<>();
        try (Prober prober = Prober.builder().build()) {
            for (String n : names) {
                ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                        .withTimeout(n.startsWith("silent.") ? SILENT : ANSWERED)
                        .withAttempts(1);
                NameProbe p = prober.probe(n, server.address(), config)
                        .toCompletableFuture()
                        .join();
                outcomes.add(new ProbeRound.Outcome(n, server.address().toString(), ProbeReport.of(p), null));
            }
        }
        return new ProbeRound(1, Instant.now(), Duration.ofMillis(5), outcomes, List.of());
    }

    @Test
    void aSilentNameOnAServerThatAnswersTheOthersIsListedNotUnreachable() throws Exception {
        try (HostileDnsServer server = new HostileDnsServer()) {
            DnsProbeStatus mixed = StatusBuilder.build(
                    round(server, List.of("ok.test.example.", "silent.test.example.")), null, Instant.now());
            assertThat(ready(mixed).getStatus()).isEqualTo("True");
            assertThat(ready(mixed).getMessage()).endsWith("; no reply for 1: silent.test.example.");
            assertThat(mixed.results())
                    .filteredOn(r -> r.name().startsWith("silent"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.error()).startsWith("no reply from " + server.address()));

            DnsProbeStatus silent = StatusBuilder.build(
                    round(server, List.of("silent.test.example.", "silent.b.example.")), null, Instant.now());
            assertThat(ready(silent).getStatus()).isEqualTo("False");
            assertThat(ready(silent).getReason()).isEqualTo("ServerUnreachable");
        }
    }
}
