package io.dnsprobe.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.libc.LibcModels;
import io.dnsprobe.libc.Verdict;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The figures the DnsprobeMuslFails runbook (docs/runbooks/DnsprobeMuslFails.md) quotes for a headless Service,
 * each model's verdict and address count for one name probed as the operator probes it, from a server that
 * truncates as CoreDNS does when it answers from its own data (kubernetes plugin, cache: as many records as fit)
 * and from one that empties the reply as CoreDNS's forward plugin does when the upstream reply overflows.
 */
class RunbookFactsTest {
    private static final String NAME = "web.shop.svc.cluster.local.";
    /** Every query here is answered: a hang guard's length, so that no reply is late or resent on a busy machine. */
    private static final Duration ANSWERED = Duration.ofSeconds(30);

    private static Prober prober;

    @BeforeAll
    static void start() {
        prober = Prober.builder().maxInFlight(16).build();
    }

    @AfterAll
    static void stop() {
        prober.close();
    }

    /** Model id to "VERDICT result", e.g. "PARTIAL 29 addr". */
    private static Map<String, String> verdicts(int pods, Truncation truncation) throws Exception {
        try (LoopbackDnsServer server =
                LoopbackDnsServer.start(new Zone().manyA(NAME.substring(0, NAME.length() - 1), pods), truncation)) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                    .withTimeout(ANSWERED)
                    .withAttempts(2);
            NameProbe probe = prober.probe(NAME, server.address(), config)
                    .toCompletableFuture()
                    .join();
            Map<String, String> out = new LinkedHashMap<>();
            for (Verdict v : LibcModels.judge(probe)) {
                out.put(v.model().id(), v.kind() + " " + v.resolution().summary());
            }
            return out;
        }
    }

    @Test
    void aHeadlessServiceOf60Pods() throws Exception {
        // CoreDNS answers a headless Service from its own data: as many records as fit in 512 bytes.
        assertThat(verdicts(60, Truncation.PARTIAL))
                .isEqualTo(Map.of(
                        "musl-1.2.3",
                        "PARTIAL 29 addr",
                        "musl-1.2.4",
                        "PARTIAL 45 addr",
                        "musl-1.2.4_git20230717",
                        "OK 48 addr",
                        "musl-1.2.5",
                        "OK 48 addr",
                        "glibc",
                        "OK 60 addr"));
        // The same answer emptied on truncation (CoreDNS forward, NSD, Unbound).
        assertThat(verdicts(60, Truncation.EMPTY))
                .isEqualTo(Map.of(
                        "musl-1.2.3",
                        "FAILS EAI_NONAME",
                        "musl-1.2.4",
                        "PARTIAL 45 addr",
                        "musl-1.2.4_git20230717",
                        "OK 48 addr",
                        "musl-1.2.5",
                        "OK 48 addr",
                        "glibc",
                        "OK 60 addr"));
    }

    @Test
    void theRunbookQuotesTheseFigures() throws Exception {
        // Line breaks fall anywhere in a paragraph: compare with whitespace collapsed.
        String page =
                Files.readString(Path.of("docs/runbooks/DnsprobeMuslFails.md")).replaceAll("\\s+", " ");
        assertThat(page)
                .contains("(`RunbookFactsTest`): glibc gets 60 addresses; musl <= 1.2.3 29 (PARTIAL); musl 1.2.4 45,")
                .contains("musl >= 1.2.5 48 (OK:")
                .contains("Through a server that empties truncated replies musl <= 1.2.3 FAILS instead.")
                .contains("At 64 pods musl 1.2.4 FAILS (`EAI_NODATA`).")
                .contains("so 29 A records of `web.shop.svc.cluster.local` and not 30 (`RunbookFactsTest`)");
    }

    @Test
    void theEdgesOfEachModel() throws Exception {
        // 29 records of this name fit in 512 bytes, 30 do not.
        assertThat(verdicts(29, Truncation.EMPTY)).containsEntry("musl-1.2.3", "OK 29 addr");
        assertThat(verdicts(30, Truncation.PARTIAL))
                .containsEntry("musl-1.2.3", "PARTIAL 29 addr")
                .containsEntry("musl-1.2.4", "OK 30 addr");
        // musl 1.2.4 reads 768 bytes of the TCP reply: 45 records of this name; 64 records are refused outright.
        assertThat(verdicts(45, Truncation.PARTIAL)).containsEntry("musl-1.2.4", "OK 45 addr");
        assertThat(verdicts(46, Truncation.PARTIAL)).containsEntry("musl-1.2.4", "PARTIAL 45 addr");
        assertThat(verdicts(64, Truncation.PARTIAL))
                .containsEntry("musl-1.2.4", "FAILS EAI_NODATA")
                .containsEntry("musl-1.2.5", "OK 48 addr");
        // Alpine 3.19's snapshot reads 4800 bytes but keeps the 64-record limit.
        assertThat(verdicts(63, Truncation.PARTIAL)).containsEntry("musl-1.2.4_git20230717", "OK 48 addr");
        assertThat(verdicts(64, Truncation.PARTIAL)).containsEntry("musl-1.2.4_git20230717", "FAILS EAI_NODATA");
    }
}
