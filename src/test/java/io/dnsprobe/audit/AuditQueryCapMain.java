package io.dnsprobe.audit;

import io.dnsprobe.probe.Prober;
import io.dnsprobe.probe.QueryPacer;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.testing.CountingDnsServer;
import io.dnsprobe.testing.SlotTimes;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodDns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The audit's query cap measured where the queries land, in real time: NAMES names through the audit's verdict path
 * (shared engine, paced prober, musl's 5 s timeout and 2 attempts) against a loopback server that notes when each
 * query arrives. Prints the busiest one-second window; exits 1 when it holds more than the cap. A benchmark, not a
 * test: arrival times depend on how soon the server's thread gets the CPU. Run by {@code .ci/bench-query-cap}.
 */
public final class AuditQueryCapMain {
    private AuditQueryCapMain() {}

    public static void main(String[] args) throws Exception {
        int names = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int cap = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (CountingDnsServer server = new CountingDnsServer();
                Prober engine = Prober.builder().build();
                QueryPacer pacer = new QueryPacer(cap)) {
            ResolverConfig pod = ResolverConfig.of(List.of(server.address()))
                    .withSearch(List.of())
                    .withNdots(1)
                    .withTimeout(Duration.ofSeconds(5))
                    .withAttempts(2);
            AuditVerdicts verdicts = new AuditVerdicts((ns, dns) -> pod, engine.paced(pacer), Duration.ofHours(1));
            long start = System.nanoTime();
            List<CompletableFuture<Optional<NameVerdicts>>> all = new ArrayList<>();
            for (int i = 0; i < names; i++) {
                all.add(verdicts.lookup("team-a", "svc-" + i + ".test.example", PodDns.CLUSTER_FIRST)
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(10L * names / cap + 120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            long unknown = all.stream()
                    .filter(f -> !f.join().map(NameVerdicts::known).orElse(false))
                    .count();
            List<Long> arrivals = server.arrivals();
            int busiest = SlotTimes.busiestSecond(arrivals);
            System.out.printf(
                    "audit query cap %d/s: %d names in %.1f s, %d queries arrived (%d expected), busiest one-second "
                            + "window %d (cap / 1.2 = %d), %d exchanges waited for a slot, %d names unjudged%n",
                    cap,
                    names,
                    seconds,
                    arrivals.size(),
                    2 * names,
                    busiest,
                    (int) Math.ceil(cap / 1.2),
                    pacer.waited(),
                    unknown);
            if (busiest > cap) {
                System.out.println("OVER THE CAP");
                System.exit(1);
            }
        }
    }
}
