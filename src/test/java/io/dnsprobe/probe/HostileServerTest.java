package io.dnsprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.testing.HostileDnsServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every kind of hostile reply in one run: each exchange ends, with its own outcome, and the names that
 * are answered properly keep their results beside the ones that are not.
 */
class HostileServerTest {
    private static final List<String> NAMES = List.of("ok", "silent", "garbage", "wrongid", "wrongq", "loop", "counts", "big",
            "flood", "servfail", "refused", "tcstall", "tctrickle", "tcreset", "tcshort");

    @Test
    void everyNameEndsWithItsOwnOutcome() throws Exception {
        Map<String, NameProbe> probes = new LinkedHashMap<>();
        try (HostileDnsServer server = new HostileDnsServer(); Prober prober = Prober.builder().build()) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address())).withTimeout(Duration.ofMillis(500)).withAttempts(2);
            Map<String, CompletableFuture<NameProbe>> running = new LinkedHashMap<>();
            for (String n : NAMES) {
                running.put(n, prober.probe(n + ".test.example.", server.address(), config).toCompletableFuture());
            }
            for (Map.Entry<String, CompletableFuture<NameProbe>> e : running.entrySet()) {
                // Bounded: UDP within 500 ms, TCP within 500 ms to connect and send plus 500 ms to reply.
                probes.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS));
            }
        }
        Map<String, QueryProbe> a = new LinkedHashMap<>();
        probes.forEach((n, p) -> a.put(n, p.candidates().get(0).a()));

        assertThat(a.get("ok").udp().outcome()).isEqualTo(Outcome.REPLY);
        assertThat(a.get("ok").tcp()).isNull();
        assertThat(a.get("silent").udp().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(a.get("silent").udp().detail()).endsWith("in 500ms (2 sends)");
        assertThat(a.get("garbage").udp().outcome()).isIn(Outcome.MALFORMED, Outcome.QUESTION_MISMATCH);
        assertThat(a.get("wrongid").udp().outcome()).isEqualTo(Outcome.ID_MISMATCH);
        assertThat(a.get("wrongid").udp().detail()).startsWith("only replies with another ID");
        assertThat(a.get("wrongq").udp().outcome()).isEqualTo(Outcome.QUESTION_MISMATCH);
        assertThat(a.get("loop").udp().outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(a.get("counts").udp().outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(a.get("big").udp().outcome()).isEqualTo(Outcome.REPLY);
        assertThat(a.get("big").udp().size()).as("kept whole, past 512").isGreaterThan(4000);
        assertThat(a.get("big").udp().truncated()).isFalse();
        assertThat(a.get("big").tcp().outcome()).as("over 512 bytes: asked again over TCP").isEqualTo(Outcome.REPLY);
        assertThat(a.get("flood").udp().outcome()).as("the right reply among 200 foreign ones").isEqualTo(Outcome.REPLY);
        assertThat(a.get("servfail").udp().reply().orElseThrow().rcode()).isEqualTo("SERVFAIL");
        assertThat(a.get("refused").udp().reply().orElseThrow().rcode()).isEqualTo("REFUSED");
        for (String tc : List.of("tcstall", "tctrickle", "tcreset", "tcshort")) {
            assertThat(a.get(tc).udp().truncated()).as(tc).isTrue();
            assertThat(a.get(tc).tcp()).as(tc).isNotNull();
        }
        assertThat(a.get("tcstall").tcp().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(a.get("tcstall").tcp().detail()).endsWith("no reply within 500ms after the query was sent");
        assertThat(a.get("tctrickle").tcp().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(a.get("tctrickle").tcp().detail()).as("a trickle does not extend the deadline").contains("after the query was sent");
        assertThat(a.get("tcreset").tcp().outcome()).isIn(Outcome.UNREACHABLE, Outcome.NETWORK_ERROR);
        assertThat(a.get("tcshort").tcp().outcome()).isEqualTo(Outcome.NETWORK_ERROR);
        assertThat(a.get("tcshort").tcp().detail()).isEqualTo("server closed the connection after 10 of 500 bytes");

        // Every model reads every record without failing, and the answered names keep their verdicts.
        Map<String, ProbeReport> reports = new LinkedHashMap<>();
        probes.forEach((n, p) -> reports.put(n, ProbeReport.of(p)));
        assertThat(reports.get("ok").unreachable()).isNull();
        assertThat(reports.get("ok").worstMusl()).isEqualTo(io.dnsprobe.libc.VerdictKind.OK);
        assertThat(reports.get("wrongid").unreachable()).as("a reply with another ID is not silence").isNull();
        assertThat(reports.get("silent").unreachable()).contains("no reply from");
        assertThat(reports.get("big").worstMusl()).isEqualTo(io.dnsprobe.libc.VerdictKind.FAILS);
        assertThat(reports.get("big").verdicts().get(0).reason())
                .as("musl <= 1.2.3 reads 512 bytes of a UDP reply: the reason says UDP")
                .startsWith("UDP reply for A holds 250 records");
    }
}
