package io.dnsprobe.probe;

import static io.dnsprobe.testing.SlotTimes.busiestSecond;
import static io.dnsprobe.testing.SlotTimes.closest;
import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The audit's cap on queries per second: slots, resends, slots given back, and a prober that uses them. The pacer's
 * time is a {@link ManualTicker}: every slot is where the pacer puts it, however busy the machine is.
 */
class QueryPacerTest {
    private final ManualTicker ticker = new ManualTicker();

    @Test
    void noSecondHoldsMoreThanTheCapWhateverIsAskedAtOnce() {
        try (QueryPacer pacer = new QueryPacer(400, ticker)) {
            List<QueryPacer.Reservation> all = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                all.add(pacer.reserve(i % 3 == 0 ? 2 : 1, Duration.ofMillis(700)));
            }
            ticker.runAll();
            assertThat(all).allMatch(r -> r.ready().isDone()); // kept, not released: every resend slot stays taken
            List<Long> times = new ArrayList<>();
            all.forEach(r -> times.addAll(r.times()));
            assertThat(times).hasSize(800).doesNotHaveDuplicates();
            assertThat(closest(times)).as("slots 1.2 / cap apart").isEqualTo(3_000_000L);
            // At most the cap, and not far below 1/1.2 of it (334): the resend slots do not thin out the rest.
            assertThat(busiestSecond(times)).isLessThanOrEqualTo(400).isGreaterThanOrEqualTo(300);
            assertThat(pacer.waited()).isGreaterThan(500);
            assertThat(pacer.sent()).isEqualTo(800);
        }
    }

    @Test
    void aResendGetsItsSlotAtMuslsRetryTimeAndGivesItBackWhenAReplyCame() {
        try (QueryPacer pacer = new QueryPacer(50, ticker)) {
            QueryPacer.Reservation udp = pacer.reserve(2, Duration.ofMillis(500));
            assertThat(udp.ready()).as("a free pacer: at once").isDone();
            List<Long> slots = udp.times();
            assertThat(slots.get(1) - slots.get(0)).isEqualTo(500_000_000L);
            assertThat(udp.ready()).isDone();
            assertThat(pacer.sent()).isEqualTo(2);

            udp.release();
            assertThat(pacer.sent()).isEqualTo(1);
            // The slot given back is free again: a send that would have needed to avoid it can take it.
            List<Long> later = new ArrayList<>();
            List<QueryPacer.Reservation> queued = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                queued.add(pacer.reserve(1, Duration.ofSeconds(1)));
            }
            ticker.runAll();
            queued.forEach(r -> later.addAll(r.ready().thenApply(v -> r.times()).join()));
            // 30 sends at 50 a second reach past the resend's old slot; one of them now sits where it was.
            assertThat(later).anyMatch(t -> Math.abs(t - slots.get(1)) < 24_000_000L);
            later.add(slots.get(0));
            assertThat(busiestSecond(later)).isLessThanOrEqualTo(50);
        }
    }

    @Test
    void aPacedProberSendsEveryQueryInItsSlotAndSharesTheEngine() throws Exception {
        ConcurrentLinkedQueue<Long> sentAt = new ConcurrentLinkedQueue<>();
        DnsTransport answersAtOnce = new DnsTransport() {
            @Override
            public CompletionStage<Exchange> exchange(
                    ServerAddress server, Transport transport, byte[] query, Duration timeout, int attempts) {
                sentAt.add(ticker.nanoTime());
                byte[] reply = query.clone();
                reply[2] |= (byte) 0x80; // QR: a reply with no records (NODATA)
                return CompletableFuture.completedFuture(Exchange.reply(transport, Outcome.REPLY, reply, 100));
            }

            @Override
            public void close() {}
        };
        try (Prober shared = Prober.builder().transport(answersAtOnce).build();
                QueryPacer pacer = new QueryPacer(40, ticker)) {
            Prober paced = shared.paced(pacer);
            ResolverConfig config = ResolverConfig.of(List.of(ServerAddress.parse("127.0.0.1:53")))
                    .withSearch(List.of("a.example", "b.example"))
                    .withNdots(5)
                    .withTimeout(Duration.ofSeconds(2))
                    .withAttempts(1);
            List<CompletableFuture<List<NameProbe>>> probes = new ArrayList<>();
            for (String name : List.of("db", "cache", "queue", "api", "auth", "search")) {
                probes.add(paced.probe(name, config).toCompletableFuture());
            }
            ticker.runAll();
            CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).join();
            paced.close();
            assertThat(sentAt).hasSize(36); // 6 names x 3 candidates x A and AAAA
            assertThat(closest(sentAt)).as("each send in its own slot").isGreaterThanOrEqualTo(30_000_000L);
            assertThat(busiestSecond(sentAt)).isLessThanOrEqualTo(40);
            assertThat(pacer.sent()).isEqualTo(36);
            // The shared engine still probes unpaced, and closing the paced view closed nothing.
            shared.probe("db", config).toCompletableFuture().join();
            assertThat(sentAt).hasSize(42);
        }
    }
}
