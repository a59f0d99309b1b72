package io.dnsprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine on real loopback sockets, against an in-process server that misbehaves on demand. */
class ProberOverLoopbackTest {
    /** For what the server answers: long enough that no reply is ever late and resent, however busy the machine. */
    private static final Duration ANSWERED = Duration.ofSeconds(10);
    /** For what never answers (silence, a stalled TCP peer): the wait is all this costs. */
    private static final Duration SILENT = Duration.ofMillis(300);
    private static final Zone ZONE = new Zone().a("small.test.example", "192.0.2.1").manyA("big.test.example", 40);
    private static Prober prober;

    @BeforeAll
    static void start() {
        prober = Prober.builder().maxInFlight(16).build();
    }

    @AfterAll
    static void stop() {
        prober.close();
    }

    private static CandidateProbe probeOnce(LoopbackDnsServer server, String name) {
        return probeOnce(server, name, ANSWERED);
    }

    private static CandidateProbe probeOnce(LoopbackDnsServer server, String name, Duration timeout) {
        ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                .withTimeout(timeout).withAttempts(2);
        NameProbe probe = prober.probe(name, server.address(), config).toCompletableFuture().join();
        assertThat(probe.candidates()).hasSize(1);
        return probe.candidates().get(0);
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
            assertThat(QueryEncoder.id(queries.get(0))).as("fresh random IDs").isNotEqualTo(QueryEncoder.id(queries.get(1)));
        }
    }

    @Test
    void silenceIsATimeoutAfterEveryAttempt() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL, Fault.SILENT_UDP)) {
            CandidateProbe c = probeOnce(server, "small.test.example.", SILENT);
            assertThat(c.a().udp().outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(c.a().udp().detail()).endsWith("in 300ms (2 sends)");
            assertThat(server.udpQueries()).as("two attempts for each of A and AAAA").isEqualTo(4);
        }
    }

    @Test
    void aClosedPortIsUnreachableNotATimeout() throws Exception {
        ServerAddress closed = new ServerAddress(InetAddress.getLoopbackAddress(), Ports.closedUdpPort());
        // A timeout far past the hang guard below: an engine that waited for it, whatever it then reported, fails.
        ResolverConfig config = ResolverConfig.of(List.of(closed)).withTimeout(Duration.ofMinutes(10));
        NameProbe probe = prober.probe("small.test.example.", closed, config).toCompletableFuture()
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
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
            // Reported at the deadline: the foreign replies must come before it, so not the shortest one.
            Exchange udp = probeOnce(server, "small.test.example.", Duration.ofSeconds(2)).a().udp();
            assertThat(udp.outcome()).isEqualTo(Outcome.ID_MISMATCH);
            assertThat(udp.wire()).isNull();
        }
    }

    @Test
    void anotherQuestionIsRecordedAsSuch() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL, Fault.WRONG_QUESTION)) {
            Exchange udp = probeOnce(server, "small.test.example.").a().udp();
            assertThat(udp.outcome()).isEqualTo(Outcome.QUESTION_MISMATCH);
            assertThat(udp.reply().orElseThrow().id()).isEqualTo(QueryEncoder.id(server.receivedQueries().get(0)));
        }
    }

    @Test
    void aTcpPeerThatStallsTimesOutAndOneThatRefusesIsUnreachable() throws IOException {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY, Fault.TCP_STALL)) {
            QueryProbe a = probeOnce(server, "big.test.example.", SILENT).a();
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
             CountingTransport counting = new CountingTransport(new NioDnsTransport());
             Prober small = Prober.builder().transport(counting).maxInFlight(4).build()) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address())).withTimeout(Duration.ofSeconds(2));
            List<java.util.concurrent.CompletableFuture<NameProbe>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(small.probe("n" + i + ".test.example.", server.address(), config).toCompletableFuture());
            }
            for (int i = 0; i < 200; i++) {
                DnsReply reply = all.get(i).join().candidates().get(0).a().udp().reply().orElseThrow();
                assertThat(reply.answers()).extracting(DnsReply.Answer::data).containsExactly("192.0.2." + (i % 250 + 1));
            }
            assertThat(counting.maxInFlight()).as("never more than the cap in flight").isEqualTo(4);
            assertThat(counting.total()).isEqualTo(400);
        }
    }

    /** Counts exchanges in flight around a real transport. */
    static final class CountingTransport implements DnsTransport {
        private final DnsTransport delegate;
        private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();

        CountingTransport(DnsTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public java.util.concurrent.CompletionStage<Exchange> exchange(ServerAddress server, Transport transport,
                byte[] query, Duration timeout, int attempts) {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            total.incrementAndGet();
            return delegate.exchange(server, transport, query, timeout, attempts)
                    .whenComplete((e, t) -> inFlight.decrementAndGet());
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
