package io.dnsprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.testing.HostileDnsServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every kind of hostile reply in one run: each exchange ends, with its own outcome, and the names that
 * are answered properly keep their results beside the ones that are not.
 *
 * <p>The transport's time moves only when the test moves it ({@link ManualIoClock}): until every answer the server
 * gives has been read, no deadline can fall due, so no answer is late however busy the machine is; then the test
 * moves the time to the resends (half the timeout) and to the deadline, and what ends there ends exactly there.
 */
class HostileServerTest {
    private static final List<String> NAMES = List.of(
            "ok",
            "silent",
            "garbage",
            "wrongid",
            "wrongq",
            "loop",
            "counts",
            "big",
            "flood",
            "servfail",
            "refused",
            "tcstall",
            "tctrickle",
            "tcreset",
            "tcshort");
    /** The names that end at their deadline: nothing, only foreign IDs, or a TCP peer that never finishes. */
    private static final Set<String> AT_THE_DEADLINE = Set.of("silent", "wrongid", "tcstall", "tctrickle");

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void everyNameEndsWithItsOwnOutcome() throws Exception {
        Map<String, NameProbe> probes = new LinkedHashMap<>();
        ManualIoClock clock = new ManualIoClock();
        try (HostileDnsServer server = new HostileDnsServer();
                Prober prober = Prober.builder().transport(clock.transport()).build()) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                    .withTimeout(TIMEOUT)
                    .withAttempts(2);
            Map<String, CompletableFuture<NameProbe>> running = new LinkedHashMap<>();
            for (String n : NAMES) {
                running.put(
                        n,
                        prober.probe(n + ".test.example.", server.address(), config)
                                .toCompletableFuture());
            }
            // Time stands still: everything answered ends, and the rest has sent its first query (A and AAAA).
            await().atMost(PATIENCE)
                    .until(() -> running.entrySet().stream()
                                    .allMatch(e -> e.getValue().isDone() != AT_THE_DEADLINE.contains(e.getKey()))
                            && server.udpQueries("silent") == 2
                            && server.udpQueries("wrongid") == 2
                            && server.tcpQueries("tcstall") == 2
                            && server.tcpQueries("tctrickle") == 2);
            clock.awaitRound(); // the TCP queries are written and their reply deadlines armed from now

            // Half the timeout: what got no reply of its own is sent again, as musl does; a trickled byte comes in.
            clock.advance(TIMEOUT.dividedBy(2));
            int trickled = server.trickled();
            await().atMost(PATIENCE)
                    .until(() -> server.udpQueries("silent") == 4
                            && server.udpQueries("wrongid") == 4
                            && server.trickled() > trickled);
            clock.awaitRound();

            clock.advance(TIMEOUT.dividedBy(2));
            for (Map.Entry<String, CompletableFuture<NameProbe>> e : running.entrySet()) {
                probes.put(e.getKey(), e.getValue().get(PATIENCE.toSeconds(), TimeUnit.SECONDS)); // a hang guard
            }
        }
        Map<String, QueryProbe> a = new LinkedHashMap<>();
        probes.forEach((n, p) -> a.put(n, p.candidates().get(0).a()));

        assertThat(a.get("ok").udp().outcome()).isEqualTo(Outcome.REPLY);
        assertThat(a.get("ok").tcp()).isNull();
        assertThat(a.get("silent").udp().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(a.get("silent").udp().detail()).endsWith("in 500ms (2 sends)");
        assertThat(a.get("silent").udp().rttMicros())
                .as("at the deadline, on its clock")
                .isEqualTo(500_000);
        assertThat(a.get("garbage").udp().outcome()).isIn(Outcome.MALFORMED, Outcome.QUESTION_MISMATCH);
        assertThat(a.get("wrongid").udp().outcome()).isEqualTo(Outcome.ID_MISMATCH);
        assertThat(a.get("wrongid").udp().detail()).startsWith("only replies with another ID");
        assertThat(a.get("wrongq").udp().outcome()).isEqualTo(Outcome.QUESTION_MISMATCH);
        assertThat(a.get("loop").udp().outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(a.get("counts").udp().outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(a.get("big").udp().outcome()).isEqualTo(Outcome.REPLY);
        assertThat(a.get("big").udp().size()).as("kept whole, past 512").isGreaterThan(4000);
        assertThat(a.get("big").udp().truncated()).isFalse();
        assertThat(a.get("big").tcp().outcome())
                .as("over 512 bytes: asked again over TCP")
                .isEqualTo(Outcome.REPLY);
        assertThat(a.get("flood").udp().outcome())
                .as("the right reply among 200 foreign ones")
                .isEqualTo(Outcome.REPLY);
        assertThat(a.get("servfail").udp().reply().orElseThrow().rcode()).isEqualTo("SERVFAIL");
        assertThat(a.get("refused").udp().reply().orElseThrow().rcode()).isEqualTo("REFUSED");
        for (String tc : List.of("tcstall", "tctrickle", "tcreset", "tcshort")) {
            assertThat(a.get(tc).udp().truncated()).as(tc).isTrue();
            assertThat(a.get(tc).tcp()).as(tc).isNotNull();
        }
        assertThat(a.get("tcstall").tcp().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(a.get("tcstall").tcp().detail()).endsWith("no reply within 500ms after the query was sent");
        assertThat(a.get("tctrickle").tcp().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(a.get("tctrickle").tcp().detail()).contains("after the query was sent");
        assertThat(a.get("tctrickle").tcp().rttMicros())
                .as("a trickle does not extend the deadline")
                .isEqualTo(500_000);
        assertThat(a.get("tcreset").tcp().outcome()).isIn(Outcome.UNREACHABLE, Outcome.NETWORK_ERROR);
        assertThat(a.get("tcshort").tcp().outcome()).isEqualTo(Outcome.NETWORK_ERROR);
        assertThat(a.get("tcshort").tcp().detail()).isEqualTo("server closed the connection after 10 of 500 bytes");

        // Every model reads every record without failing, and the answered names keep their verdicts.
        Map<String, ProbeReport> reports = new LinkedHashMap<>();
        probes.forEach((n, p) -> reports.put(n, ProbeReport.of(p)));
        assertThat(reports.get("ok").unreachable()).isNull();
        assertThat(reports.get("ok").worstMusl()).isEqualTo(io.dnsprobe.libc.VerdictKind.OK);
        assertThat(reports.get("wrongid").unreachable())
                .as("a reply with another ID is not silence")
                .isNull();
        assertThat(reports.get("silent").unreachable()).contains("no reply from");
        assertThat(reports.get("big").worstMusl()).isEqualTo(io.dnsprobe.libc.VerdictKind.FAILS);
        assertThat(reports.get("big").verdicts().get(0).reason())
                .as("musl <= 1.2.3 reads 512 bytes of a UDP reply: the reason says UDP")
                .startsWith("UDP reply for A holds 250 records");
    }
}
