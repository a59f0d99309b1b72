package io.dnsprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Fault;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine on real loopback sockets, against an in-process server that misbehaves on demand. The transport's time
 * is a {@link ManualIoClock}: it stands still while the server answers, so no reply is ever late and resent however
 * busy the machine is, and the tests that wait for a deadline move it there themselves.
 */
class ProberOverLoopbackTest {
    private static final Duration ANSWERED = Duration.ofSeconds(10);
    /** For what never answers (silence, a stalled TCP peer); the test moves the clock past it. */
    private static final Duration SILENT = Duration.ofMillis(300);

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Zone ZONE =
            new Zone().a("small.test.example", "192.0.2.1").manyA("big.test.example", 40);
    private static final ManualIoClock CLOCK = new ManualIoClock();
    private static Prober prober;

    @BeforeAll
    static void start() {
        prober = Prober.builder().transport(CLOCK.transport()).maxInFlight(16).build();
    }

    @AfterAll
    static void stop() {
        prober.close();
    }

    private static CandidateProbe probeOnce(LoopbackDnsServer server, String name) {
        return probeOnce(server, name, ANSWERED);
    }

    private static CandidateProbe probeOnce(LoopbackDnsServer server, String name, Duration timeout) {
        return candidate(probe(server, name, timeout));
    }

    private static CompletableFuture<NameProbe> probe(LoopbackDnsServer server, String name, Duration timeout) {
        return probe(prober, server, name, timeout);
    }

    private static CompletableFuture<NameProbe> probe(
            Prober p, LoopbackDnsServer server, String name, Duration timeout) {
        ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                .withTimeout(timeout)
                .withAttempts(2);
        return p.probe(name, server.address(), config).toCompletableFuture();
    }

    private static CandidateProbe candidate(CompletableFuture<NameProbe> probe) {
        NameProbe p = probe.orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join(); // a hang guard
        assertThat(p.candidates()).hasSize(1);
        return p.candidates().get(0);
    }

    /** Waits until the server has received {@code n} UDP queries: the ones before were answered, if it answers. */
    private static void awaitUdpQueries(LoopbackDnsServer server, int n) {
        await().atMost(PATIENCE).until(() -> server.udpQueries() >= n);
    }

    @Test
    void truncatedUdpIsFollowedByTcpWithTheFullAnswer() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL)) {
            CandidateProbe c = probeOnce(server, "big.test.example.");
            assertThat(c.a().udp().outcome()).isEqualTo(Outcome.REPLY);
            assertThat(c.a().udp().truncated()).isTrue();
            assertThat(c.a().udp().size()).isLessThanOrEqualTo(512);
            assertThat(c.a().udp().reply().orElseThrow().addressCount("A")).isEqualTo(29);
            assertThat(c.a().tcp().outcome()).isEqualTo(Outcome.REPLY);
            assertThat(c.a().tcp().reply().orElseThrow().addressCount("A")).isEqualTo(40);
            // AAAA: NODATA fits in UDP, so no TCP.
            assertThat(c.aaaa().tcp()).isNull();
            assertThat(server.tcpQueries()).isEqualTo(1);
        }
    }

    @Test
    void queriesAreAsMuslSendsThem() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL)) {
            probeOnce(server, "small.test.example.");
            List<byte[]> queries = server.receivedQueries();
            assertThat(queries).hasSize(2);
            for (byte[] q : queries) {
                assertThat(q[2] & 0xff).as("flags: RD only").isEqualTo(0x01);
                assertThat(q[3] & 0xff).as("no AD, no CD").isZero();
                assertThat(q[11] & 0xff).as("ARCOUNT 0: no OPT, so no EDNS0").isZero();
                assertThat(q).hasSize(12 + 20 + 4);
            }
            assertThat(QueryEncoder.id(queries.get(0)))
                    .as("fresh random IDs")
                    .isNotEqualTo(QueryEncoder.id(queries.get(1)));
        }
    }

    @Test
    void silenceIsATimeoutAfterEveryAttempt() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL, Fault.SILENT_UDP)) {
            CompletableFuture<NameProbe> probe = probe(server, "small.test.example.", SILENT);
            awaitUdpQueries(server, 2);
            CLOCK.advance(SILENT.dividedBy(2)); // musl's retry: timeout / attempts after the first send
            awaitUdpQueries(server, 4);
            CLOCK.advance(SILENT.dividedBy(2));
            CandidateProbe c = candidate(probe);
            assertThat(c.a().udp().outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(c.a().udp().detail()).endsWith("in 300ms (2 sends)");
            assertThat(c.a().udp().rttMicros()).isEqualTo(300_000);
            assertThat(server.udpQueries())
                    .as("two attempts for each of A and AAAA")
                    .isEqualTo(4);
        }
    }

    @Test
    void aClosedPortIsUnreachableNotATimeout() throws Exception {
        ServerAddress closed = new ServerAddress(InetAddress.getLoopbackAddress(), Ports.closedUdpPort());
        // A timeout far past the hang guard below: an engine that waited for it, whatever it then reported, fails.
        ResolverConfig config = ResolverConfig.of(List.of(closed)).withTimeout(Duration.ofMinutes(10));
        NameProbe probe = prober.probe("small.test.example.", closed, config)
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        Exchange udp = probe.candidates().get(0).a().udp();
        assertThat(udp.outcome()).isEqualTo(Outcome.UNREACHABLE);
        assertThat(udp.detail()).contains("ICMP port unreachable");
    }

    @Test
    void garbageWithOurIdIsMalformedAndKeepsTheBytes() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL, Fault.GARBAGE)) {
            Exchange udp = probeOnce(server, "small.test.example.").a().udp();
            assertThat(udp.outcome()).isEqualTo(Outcome.MALFORMED);
            assertThat(udp.size()).isEqualTo(9);
            assertThat(udp.detail()).contains("shorter than a DNS header");
        }
    }

    @Test
    void foreignIdsAreIgnoredAndReportedWhenNothingElseCame() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL, Fault.WRONG_ID)) {
            // Reported at the deadline, which comes once the server has answered the first sends (it then reads
            // the second ones) with foreign IDs.
            CompletableFuture<NameProbe> probe = probe(server, "small.test.example.", SILENT);
            awaitUdpQueries(server, 2);
            CLOCK.advance(SILENT.dividedBy(2));
            awaitUdpQueries(server, 4);
            CLOCK.advance(SILENT.dividedBy(2));
            Exchange udp = candidate(probe).a().udp();
            assertThat(udp.outcome()).isEqualTo(Outcome.ID_MISMATCH);
            assertThat(udp.wire()).isNull();
        }
    }

    @Test
    void anotherQuestionIsRecordedAsSuch() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL, Fault.WRONG_QUESTION)) {
            Exchange udp = probeOnce(server, "small.test.example.").a().udp();
            assertThat(udp.outcome()).isEqualTo(Outcome.QUESTION_MISMATCH);
            assertThat(udp.reply().orElseThrow().id())
                    .isEqualTo(QueryEncoder.id(server.receivedQueries().get(0)));
        }
    }

    @Test
    void aTcpPeerThatStallsTimesOutAndOneThatRefusesIsUnreachable() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY, Fault.TCP_STALL);
                CountingTransport counting = new CountingTransport(CLOCK.transport());
                Prober watched = Prober.builder().transport(counting).build()) {
            CompletableFuture<NameProbe> probe = probe(watched, server, "big.test.example.", SILENT);
            // The UDP replies (A truncated, AAAA whole) read before time moves; then on to the TCP deadline.
            await().atMost(PATIENCE).until(() -> counting.done(Transport.UDP) == 2 && counting.total() == 3);
            CLOCK.advanceUntil(probe::isDone, SILENT);
            QueryProbe a = candidate(probe).a();
            assertThat(a.udp().truncated()).isTrue();
            assertThat(a.tcp().outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(a.tcp().detail()).endsWith("no reply within 300ms after the query was sent");
        }
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY, Fault.TCP_REFUSED)) {
            QueryProbe a = probeOnce(server, "big.test.example.").a();
            assertThat(a.tcp().outcome()).isEqualTo(Outcome.UNREACHABLE);
            assertThat(a.tcp().detail()).contains("connection refused");
        }
    }

    @Test
    void anInvalidNameIsRefusedBeforeAnyQuery() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL)) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address()));
            assertThatThrownBy(() -> prober.probe("bad..name", server.address(), config))
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageContaining("empty label");
            assertThat(server.udpQueries()).isZero();
        }
    }

    @Test
    void manyNamesAtOnceShareOneBoundedEngine() throws IOException {
        Zone zone = new Zone();
        for (int i = 0; i < 200; i++) {
            zone.a("n" + i + ".test.example", "192.0.2." + (i % 250 + 1));
        }
        try (LoopbackDnsServer server = LoopbackDnsServer.start(zone, Truncation.PARTIAL);
                CountingTransport counting = new CountingTransport(CLOCK.transport());
                Prober small =
                        Prober.builder().transport(counting).maxInFlight(4).build()) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address())).withTimeout(Duration.ofSeconds(2));
            List<CompletableFuture<NameProbe>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(small.probe("n" + i + ".test.example.", server.address(), config)
                        .toCompletableFuture());
            }
            for (int i = 0; i < 200; i++) {
                DnsReply reply =
                        all.get(i).join().candidates().get(0).a().udp().reply().orElseThrow();
                assertThat(reply.answers())
                        .extracting(DnsReply.Answer::data)
                        .containsExactly("192.0.2." + (i % 250 + 1));
            }
            assertThat(counting.maxInFlight())
                    .as("never more than the cap in flight")
                    .isEqualTo(4);
            assertThat(counting.total()).isEqualTo(400);
        }
    }

    /** Counts exchanges in flight, and those done per transport, around a real transport. */
    static final class CountingTransport implements DnsTransport {
        private final DnsTransport delegate;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger max = new AtomicInteger();
        private final AtomicInteger total = new AtomicInteger();
        private final ConcurrentHashMap<Transport, AtomicInteger> done = new ConcurrentHashMap<>();

        CountingTransport(DnsTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<Exchange> exchange(
                ServerAddress server, Transport transport, byte[] query, Duration timeout, int attempts) {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            total.incrementAndGet();
            return delegate.exchange(server, transport, query, timeout, attempts)
                    .whenComplete((e, t) -> {
                        inFlight.decrementAndGet();
                        done.computeIfAbsent(transport, k -> new AtomicInteger())
                                .incrementAndGet();
                    });
        }

        int done(Transport transport) {
            return done.getOrDefault(transport, new AtomicInteger()).get();
        }

        int maxInFlight() {
            return max.get();
        }

        int total() {
            return total.get();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
