package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.testing.Ports;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where nothing resolves, {@code probe} says so instead of a verdict: a server that never answered has no
 * verdict at all ("-" in the table, no verdicts and an error in JSON), and a name that does not exist reads
 * EAI_NONAME for every libc, not "OK" for musl next to EAI_NONAME for glibc.
 */
class ProbeWithoutAnswerTest {
    private static final Zone ZONE = new Zone().a("small.test.example", "192.0.2.1");

    /** The verdict cells (after NAME SERVER UDP TCP TC KEPT) of the table's row for {@code name}. */
    private static List<String> cells(String out, String name) {
        String row =
                out.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
        String[] words = row.trim().split("\\s+");
        // KEPT and TC are one word each here ("-"): no truncation in these cases.
        return Arrays.asList(words).subList(6, words.length);
    }

    @Test
    void aServerThatNeverAnsweredHasNoVerdict() throws Exception {
        String server = "127.0.0.1:" + Ports.closedUdpPort();
        Run table = run("probe", "--server", server, "--no-search", "--timeout", "300ms", "x.test.example");
        assertThat(table.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(cells(table.out(), "x.test.example")).as(table.out()).containsExactly("-", "-", "-", "-", "-");
        assertThat(table.out())
                .doesNotContain("OK")
                .contains("  no reply at all: ICMP port unreachable from " + server);

        Run json = run("probe", "--server", server, "--no-search", "--timeout", "300ms", "--json", "x.test.example");
        JsonNode report = ProbeJson.mapper().readTree(json.out()).get(0).get("report");
        assertThat(report.has("verdicts")).as(report.toString()).isFalse();
        assertThat(report.get("error").asText()).isEqualTo("no reply: ICMP port unreachable from " + server);
    }

    @Test
    void aNameThatDoesNotExistReadsAsSuchForEveryLibc() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL)) {
            String server = dns.address().toString();
            Run table = run("probe", "--server", server, "--no-search", "nowhere.test.example", "small.test.example");
            assertThat(table.exit()).as(table.err()).isEqualTo(ExitCodes.OK);
            assertThat(cells(table.out(), "nowhere.test.example"))
                    .as(table.out())
                    .containsExactly("EAI_NONAME", "EAI_NONAME", "EAI_NONAME", "EAI_NONAME", "EAI_NONAME");
            assertThat(cells(table.out(), "small.test.example"))
                    .as("a name that resolves keeps its verdicts")
                    .containsExactly("OK", "OK", "OK", "OK", "1", "addr");
            assertThat(table.out())
                    .contains("nowhere.test.example @" + server + System.lineSeparator()
                            + "  the name does not exist (NXDOMAIN): every libc gives EAI_NONAME");

            Run json = run("probe", "--server", server, "--no-search", "--json", "nowhere.test.example");
            JsonNode report = ProbeJson.mapper().readTree(json.out()).get(0).get("report");
            assertThat(report.get("error").asText())
                    .isEqualTo("the name does not exist (NXDOMAIN): every libc gives EAI_NONAME");
            assertThat(report.get("verdicts").findValuesAsText("error")).containsOnly("NONAME");
        }
    }
}
