package io.dnsprobe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.probe.Prober;
import io.dnsprobe.probe.QueryPacer;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.testing.CountingDnsServer;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodDns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The audit's promise to the cluster DNS, measured where the queries land: 2,000 names judged through the
 * audit's verdict path (shared engine, paced prober, musl's 5 s timeout and 2 attempts) while a server of
 * the test notes when each query arrives. No one-second window holds more than the cap. The cap is 200
 * here so the run takes about 25 s; the pacing does not depend on its value.
 */
class AuditQueryCapTest {
    private static final int CAP = 200;
    private static final int NAMES = 2000;

    @Test
    void noSecondOfTheAuditHoldsMoreQueriesThanTheCap() throws Exception {
        try (CountingDnsServer server = new CountingDnsServer();
                Prober engine = Prober.builder().build();
                QueryPacer pacer = new QueryPacer(CAP)) {
            ResolverConfig pod = ResolverConfig.of(List.of(server.address())).withSearch(List.of()).withNdots(1)
                    .withTimeout(Duration.ofSeconds(5)).withAttempts(2);
            AuditVerdicts verdicts = new AuditVerdicts((ns, dns) -> pod, engine.paced(pacer), Duration.ofHours(1));
            List<CompletableFuture<Optional<NameVerdicts>>> all = new ArrayList<>();
            for (int i = 0; i < NAMES; i++) {
                all.add(verdicts.lookup("team-a", "svc-" + i + ".test.example", PodDns.CLUSTER_FIRST).toCompletableFuture());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(all).allMatch(f -> f.join().isPresent() && f.join().get().known());
            List<Long> arrivals = server.arrivals();
            assertThat(arrivals).hasSize(2 * NAMES); // A and AAAA per name, nothing resent: the server answers at once
            int busiest = busiestSecond(arrivals);
            System.out.printf("audit query cap %d/s: %d queries, busiest one-second window %d, %d exchanges waited for a slot%n",
                    CAP, arrivals.size(), busiest, pacer.waited());
            assertThat(busiest).isLessThanOrEqualTo(CAP);
            assertThat(pacer.waited()).isGreaterThan(NAMES); // the cap, not the names, set the pace
        }
    }

    static int busiestSecond(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        int best = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= 1_000_000_000L) {
                j++;
            }
            best = Math.max(best, i - j + 1);
        }
        return best;
    }
}
