package io.dnsprobe.audit;

import static io.dnsprobe.testing.SlotTimes.busiestSecond;
import static io.dnsprobe.testing.SlotTimes.closest;
import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder;
import io.dnsprobe.demo.ZoneResponder.Fault;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.probe.DnsTransport;
import io.dnsprobe.probe.Exchange;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.probe.QueryPacer;
import io.dnsprobe.probe.Transport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.testing.ManualTicker;
import io.dnsprobe.testing.Recorder;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodDns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The audit's promise to the cluster DNS: 2,000 names judged through the audit's verdict path (paced prober, musl's
 * 5 s timeout and 2 attempts) send no more queries in any one second than the cap. The pacer's time is a
 * {@link ManualTicker} and the transport notes each query at that time and answers at once, so the count is exact
 * on any machine. Where the queries land in real time, on a real socket, is measured by {@code .ci/bench-query-cap}.
 */
class AuditQueryCapTest {
    private static final int CAP = 200;
    private static final int NAMES = 2000;

    @Test
    void noSecondOfTheAuditHoldsMoreQueriesThanTheCap() {
        Zone zone = new Zone();
        for (int i = 0; i < NAMES; i++) {
            zone.a("svc-" + i + ".test.example", "192.0.2.1");
        }
        Recorder answersAtOnce = new Recorder(new ZoneResponder(zone, Truncation.PARTIAL, Fault.NONE));
        ManualTicker ticker = new ManualTicker();
        List<Long> sentAt = new ArrayList<>();
        DnsTransport noting = new DnsTransport() {
            @Override
            public CompletionStage<Exchange> exchange(
                    ServerAddress server, Transport transport, byte[] query, Duration timeout, int attempts) {
                sentAt.add(ticker.nanoTime());
                return answersAtOnce.exchange(server, transport, query, timeout, attempts);
            }

            @Override
            public void close() {}
        };
        try (Prober engine = Prober.builder().transport(noting).build();
                QueryPacer pacer = new QueryPacer(CAP, ticker)) {
            ResolverConfig pod = ResolverConfig.of(List.of(Recorder.SERVER))
                    .withSearch(List.of())
                    .withNdots(1)
                    .withTimeout(Duration.ofSeconds(5))
                    .withAttempts(2);
            AuditVerdicts verdicts = new AuditVerdicts((ns, dns) -> pod, engine.paced(pacer), Duration.ofHours(1));
            List<CompletableFuture<Optional<NameVerdicts>>> all = new ArrayList<>();
            for (int i = 0; i < NAMES; i++) {
                all.add(verdicts.lookup("team-a", "svc-" + i + ".test.example", PodDns.CLUSTER_FIRST)
                        .toCompletableFuture());
            }
            ticker.runAll();

            assertThat(all)
                    .allMatch(f ->
                            f.isDone() && f.join().isPresent() && f.join().get().known());
            assertThat(sentAt).hasSize(2 * NAMES); // A and AAAA per name
            assertThat(pacer.sent())
                    .as("the resend slots given back: every reply came at once")
                    .isEqualTo(2 * NAMES);
            assertThat(closest(sentAt)).as("1.2 / cap apart").isGreaterThanOrEqualTo(6_000_000L);
            assertThat(busiestSecond(sentAt)).isLessThanOrEqualTo(CAP);
            assertThat(pacer.waited()).isGreaterThan(NAMES); // the cap, not the names, set the pace
        }
    }
}
