package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.testing.RealDnsServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dnsprobe probe} against BIND (keeps what fits) and NSD (keeps nothing), both real, on
 * loopback. The issue's acceptance rows: 40 A is PARTIAL 29/40 on BIND and FAILS on NSD for musl
 * <= 1.2.3; 64 A FAILS on musl 1.2.4; glibc resolves everything.
 */
class ProbeAgainstRealServersIT {
    private static final Zone ZONE = new Zone()
            .a("small.test.example", "192.0.2.1")
            .manyA("big.test.example", 40)
            .manyA("pods.test.example", 64);
    private static RealDnsServer bind;
    private static RealDnsServer nsd;

    @BeforeAll
    static void start() throws Exception {
        bind = new RealDnsServer.Bind(ZONE);
        nsd = new RealDnsServer.Nsd(ZONE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bind != null) {
            bind.close();
        }
        if (nsd != null) {
            nsd.close();
        }
    }

    /** model id -> verdict kind for one name in {@code probe --json} output. */
    private static Map<String, JsonNode> verdicts(JsonNode entries, String name) {
        Map<String, JsonNode> byModel = new HashMap<>();
        for (JsonNode e : entries) {
            if (e.at("/report/name").asText().equals(name)) {
                e.at("/report/verdicts").forEach(v -> byModel.put(v.get("model").asText(), v));
            }
        }
        return byModel;
    }

    @Test
    void bindKeepsWhatFitsSoOldMuslGetsAPartialAnswer() throws Exception {
        Run run = run(
                "probe",
                "--server",
                bind.address().toString(),
                "--no-search",
                "--ndots",
                "1",
                "--json",
                "big.test.example",
                "pods.test.example",
                "small.test.example");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILS);
        JsonNode json = ProbeJson.mapper().readTree(run.out());

        Map<String, JsonNode> big = verdicts(json, "big.test.example");
        assertThat(big.get("musl-1.2.3").get("kind").asText()).isEqualTo("PARTIAL");
        assertThat(big.get("musl-1.2.3").get("reason").asText()).contains("29 of 40 A records");
        assertThat(big.get("glibc").at("/resolution/addresses").size()).isEqualTo(40);

        Map<String, JsonNode> pods = verdicts(json, "pods.test.example");
        assertThat(pods.get("musl-1.2.4").get("kind").asText()).isEqualTo("FAILS");
        assertThat(pods.get("musl-1.2.5").get("kind").asText()).isEqualTo("OK");
        assertThat(pods.get("glibc").at("/resolution/addresses").size()).isEqualTo(64);

        assertThat(verdicts(json, "small.test.example").values())
                .allSatisfy(v -> assertThat(v.get("kind").asText()).isEqualTo("OK"));
        // The evidence is there too: BIND's truncated reply held 29 records.
        JsonNode bigEntry = json.get(0);
        assertThat(bigEntry.at("/probe/candidates/0/a/udp/reply/answers").size())
                .isEqualTo(29);
        assertThat(bigEntry.at("/probe/candidates/0/a/udp/reply/tc").asBoolean())
                .isTrue();
    }

    @Test
    void nsdKeepsNothingSoOldMuslFails() {
        Run run = run(
                "probe",
                "--server",
                nsd.address().toString(),
                "--search",
                "ns1.svc.test.example",
                "--search",
                "test.example",
                "--ndots",
                "5",
                "big",
                "pods");
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILS);
        String[] lines = run.out().split("\n");
        assertThat(lines[0])
                .contains(
                        "NAME",
                        "SERVER",
                        "UDP",
                        "TCP",
                        "TC",
                        "KEPT",
                        "MUSL<=1.2.3",
                        "MUSL-1.2.4",
                        "MUSL-1.2.4_GIT",
                        "MUSL>=1.2.5",
                        "GLIBC");
        assertThat(lines[1]).startsWith("big ").contains("A 0/40").containsPattern("FAILS +OK +OK +OK +40 addr");
        assertThat(lines[2]).startsWith("pods ").contains("A 0/64").containsPattern("FAILS +FAILS +OK +64 addr");
        assertThat(run.out())
                .contains("big @" + nsd.address() + " (answered as big.test.example)")
                .contains(
                        "UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)");
    }
}
