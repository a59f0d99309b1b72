package io.dnsprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.resolver.ResolverConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The I/O thread off the CPU for longer than the timeout, every time it wakes (as on a node busy with
 * other work), while the server answers at once: replies that arrived meanwhile are replies, never
 * timeouts, and no UDP query is sent twice because of it.
 */
class StarvedEngineTest {
    @Test
    void repliesThatArrivedWhileTheThreadWasBusyAreNotTimeouts() throws Exception {
        Zone zone = new Zone().manyA("big.test.example", 40);
        for (int i = 0; i < 20; i++) {
            zone.a("n" + i + ".test.example", "192.0.2." + (i + 1));
        }
        Runnable starve = () -> {
            try {
                Thread.sleep(250); // longer than the 100 ms timeout below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (LoopbackDnsServer server = LoopbackDnsServer.start(zone, Truncation.EMPTY);
             NioDnsTransport transport = new NioDnsTransport(starve);
             Prober prober = Prober.builder().transport(transport).build()) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address())).withTimeout(Duration.ofMillis(100)).withAttempts(2);
            List<CompletableFuture<NameProbe>> running = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                running.add(prober.probe("n" + i + ".test.example.", server.address(), config).toCompletableFuture());
            }
            running.add(prober.probe("big.test.example.", server.address(), config).toCompletableFuture());
            List<Exchange> all = new ArrayList<>();
            for (CompletableFuture<NameProbe> f : running) {
                for (CandidateProbe c : f.get(60, TimeUnit.SECONDS).candidates()) {
                    for (QueryProbe q : List.of(c.a(), c.aaaa())) {
                        all.add(q.udp());
                        if (q.tcp() != null) {
                            all.add(q.tcp());
                        }
                    }
                }
            }
            assertThat(all).hasSize(20 * 2 + 3); // big: A over UDP and TCP, AAAA over UDP
            assertThat(all).allSatisfy(e -> assertThat(e.outcome()).as(e.toString()).isEqualTo(Outcome.REPLY));
            assertThat(server.udpQueries()).as("each UDP query sent once: a late wake-up is not a retry").isEqualTo(42);
        }
    }
}
