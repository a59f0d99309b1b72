package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.testing.ReplyShapes;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
    private static final Zone ZONE =
            new Zone().a("small.test.example", "192.0.2.1").manyA("big.test.example", 40);

    @Test
    void aNameEveryLibcResolvesExitsZero() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            Run r = run("probe", "--server", server.address().toString(), "--no-search", "small.test.example");
            assertThat(r.exit()).isEqualTo(ExitCodes.OK);
            assertThat(r.out())
                    .contains("small.test.example")
                    .contains("1 addr")
                    .doesNotContain("FAILS");
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void aFailingNameExitsOne() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            Run r = run("probe", "--server", server.address().toString(), "--no-search", "big.test.example.");
            assertThat(r.exit()).isEqualTo(ExitCodes.FAILS);
            assertThat(r.out()).contains("FAILS");
        }
    }

    @Test
    void invalidNamesAreOneLineEachAndNothingIsAsked() {
        Run r = run("probe", "--server", "127.0.0.1:9", "ok.example", "bad..example", "x-.example");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines())
                .containsExactly(
                        "dnsprobe: 'bad..example' has an empty label (two dots in a row, or a leading dot)",
                        "dnsprobe: 'x-.example': label 'x-' must be letters, digits, '-' or '_', and must not start or end with '-'");
    }

    @Test
    void aServerThatNeverAnswersIsAProbeError() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = s.getLocalPort();
        }
        Run r = run("probe", "--server", "127.0.0.1:" + port, "--no-search", "x.example");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(r.err().strip())
                .isEqualTo("dnsprobe: server 127.0.0.1:" + port
                        + " never replied: ICMP port unreachable from 127.0.0.1:" + port);
    }

    @Test
    void usageErrorsSayWhatIsWrongWithoutAStackTrace() {
        Run badServer = run("probe", "--server", "dns.example", "x.example");
        assertThat(badServer.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(badServer.err().strip())
                .isEqualTo(
                        "dnsprobe: server 'dns.example': not an IP address (nameservers are given as addresses, as in resolv.conf)");

        Run badTimeout = run("probe", "--timeout", "soon", "x.example");
        assertThat(badTimeout.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(badTimeout.err())
                .contains("'soon' is not a duration")
                .contains("dnsprobe probe --help")
                .doesNotContain("Exception");

        Run noNames = run("probe");
        assertThat(noNames.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(noNames.err()).contains("Missing required parameter: 'NAME'");
    }

    @Test
    void defaultsComeFromResolvConf(@TempDir Path dir) throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL)) {
            Path conf = dir.resolve("resolv.conf");
            Files.writeString(
                    conf, "nameserver 127.0.0.1\nsearch ns1.svc.cluster.local test.example\noptions ndots:5\n");
            // resolv.conf has no ports: the server comes from the flag, search and ndots from the file.
            Run r = run(
                    "probe",
                    "--resolv-conf",
                    conf.toString(),
                    "--server",
                    server.address().toString(),
                    "small");
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
            assertThat(server.receivedQueries()).hasSize(6); // 3 candidates x A and AAAA
        }
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("help");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("Usage: dnsprobe")
                .contains("probe")
                .contains("demo")
                .contains("bench");
    }

    @Test
    void demoReproducesTheFieldReportWithoutNetwork() {
        Run r = run("demo");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("vis.company.com @")
                .contains("UDP reply truncated to 29 of 40 A records; musl <= 1.2.3 never retries over TCP")
                .contains("UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)")
                .contains("TCP reply for A holds 64 records; musl 1.2.4 rejects replies with more than 63 (EAI_NODATA)")
                .contains(
                        "Warning: container app (alpine:3.14, musl 1.2.2): vis.company.com fails, UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)");
    }

    @Test
    void benchReportsRates() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.PARTIAL)) {
            Run r = run(
                    "bench",
                    "--server",
                    server.address().toString(),
                    "--no-search",
                    "--rounds",
                    "2",
                    "small.test.example",
                    "big.test.example");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out())
                    .containsPattern("round 1: 2 name probes, 5 queries \\(1 TCP\\), 0 without reply")
                    .containsPattern("median of 2 rounds: \\d+ names/s, \\d+ queries/s");
        }
    }

    private static final String MANIFESTS = """
            # Source: orders/templates/deployment.yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: orders, namespace: shop}
            spec:
              template:
                spec:
                  containers:
                  - name: app
                    image: alpine:3.14
                    envFrom: [{configMapRef: {name: orders-config}}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: orders-config, namespace: shop}
            data: {DATABASE_URL: "postgres://big.test.example:5432/orders"}
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata: {name: tool}
              spec:
                containers:
                - {name: c, image: eclipse-temurin:17, args: ["--host", "big.test.example"]}
            """;

    @Test
    void checkWarnsAsKubectlWouldAndExitsOneOnFailure(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("all.yaml");
        Files.writeString(file, MANIFESTS);
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            // eclipse-temurin's libc is unknown by its name alone: accepted here, so the FAILS decides the exit.
            Run r = run(
                    "check",
                    "-f",
                    dir.toString(),
                    "--server",
                    server.address().toString(),
                    "--no-search",
                    "--no-pull",
                    "--allow-unjudged=libc");
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FAILS);
            assertThat(r.out().lines())
                    .containsExactly(
                            "Warning: container app (alpine:3.14, musl 1.2.2): big.test.example fails, UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)",
                            "deployment/orders (" + file + "): 1 DNS warning",
                            "pod/tool (" + file + "): no DNS warnings",
                            "skipped 1 kind without pods: ConfigMap (1)",
                            "checked 2 workloads, 2 containers: 1 warning",
                            "  images: 0 read, 2 not read: --no-pull (alpine:3.14, eclipse-temurin:17)",
                            "  libc: 1 known, 1 unknown",
                            "  names: 1 judged",
                            "  unjudged: libc (1)");
            assertThat(r.err()).isEmpty();
            Run json = run(
                    "check",
                    "-f",
                    file.toString(),
                    "--server",
                    server.address().toString(),
                    "--no-search",
                    "--no-pull",
                    "--allow-unjudged=libc",
                    "--json");
            assertThat(json.out()).contains("\"verdict\" : \"FAILS\"").contains("\"namespace\" : \"shop\"");
        }
    }

    /** Each musl model's own failure cause, word for word as the model gives it, in {@code check}'s warnings. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "alpine:3.14|musl 1.2.2|big.test.example|UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries"
                        + " over TCP (EAI_NONAME)",
                "alpine:3.18|musl 1.2.4|pods.test.example|TCP reply for A holds 64 records; musl 1.2.4 rejects replies with"
                        + " more than 63 (EAI_NODATA)",
                "alpine:3.18|musl 1.2.4|row.test.example|TCP reply for A names a record by a pointer to byte 528; musl 1.2.4"
                        + " rejects pointers past byte 510 (EAI_NODATA)",
                "alpine:3.19|musl 1.2.4_git20230717|pods.test.example|TCP reply for A holds 64 records; musl 1.2.4_git rejects"
                        + " replies with more than 63 (EAI_NODATA)"
            })
    void checkGivesEachModelsOwnReason(String image, String libc, String name, String reason, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("pod.yaml");
        Files.writeString(
                file,
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + "  - {name: c, image: \""
                        + image + "\", args: [\"--host\", \"" + name + "\"]}\n");
        Zone zone =
                ReplyShapes.pointerPastByte510().manyA("big.test.example", 40).manyA("pods.test.example", 64);
        try (LoopbackDnsServer server = LoopbackDnsServer.start(zone, Truncation.EMPTY)) {
            Run r = run(
                    "check",
                    "-f",
                    file.toString(),
                    "--server",
                    server.address().toString(),
                    "--no-search",
                    "--no-pull");
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FAILS);
            assertThat(r.out().lines())
                    .first()
                    .isEqualTo("Warning: container c (" + image + ", " + libc + "): " + name + " fails, " + reason);
        }
    }

    @Test
    void checkNamesTheFileAndLineOfUnreadableInput(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
        Run r = run("check", "-f", bad.toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(r.err()).startsWith("dnsprobe: " + bad + ":").doesNotContain("Exception");
        Run missing = run("check", "-f", dir.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err().strip())
                .isEqualTo("dnsprobe: " + dir.resolve("nope.yaml") + ": no such file or directory");
    }

    @Test
    void checkGoesOnPastUnreadableInputAndExitsTwoAtTheEnd(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-web.yaml"), CLEAN);
        Files.writeString(
                dir.resolve("b-chart.yaml"), "{{- if .Values.enabled }}\napiVersion: v1\nkind: Pod\n{{- end }}\n");
        Files.writeString(
                dir.resolve("c-bad.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\nkind: [\n");
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            Run r = run(
                    "check", "-f", dir.toString(), "--server", server.address().toString(), "--no-search", "--no-pull");
            assertThat(r.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.out().lines())
                    .containsExactly(
                            "deployment/web (" + dir.resolve("a-web.yaml") + "): no DNS warnings",
                            "skipped 1 kind without pods: Service (1)",
                            "checked 1 workload, 1 container: 0 warnings",
                            "  images: 0 read, 1 not read: --no-pull (alpine:3.14)",
                            "  libc: 1 known",
                            "  names: 1 judged",
                            "  unjudged: nothing");
            assertThat(r.err().lines())
                    .containsExactly(
                            "dnsprobe: " + dir.resolve("b-chart.yaml")
                                    + ":1: looks like an unrendered Helm template: render it with "
                                    + "`helm template` first",
                            "dnsprobe: " + dir.resolve("c-bad.yaml") + ":5: the document ends inside a [ ] or { }",
                            "dnsprobe: 2 files or documents not read (said above); the check is incomplete");
        }
    }

    private static final String CLEAN = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              template:
                spec:
                  containers:
                  - {name: app, image: alpine:3.14, env: [{name: API_URL, value: "https://small.test.example/v1"}]}
            """;

    @Test
    void aCleanCheckExitsZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, CLEAN);
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            Run r = run(
                    "check",
                    "-f",
                    file.toString(),
                    "--server",
                    server.address().toString(),
                    "--no-search",
                    "--no-pull");
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
            assertThat(r.out().lines())
                    .containsExactly(
                            "deployment/web (" + file + "): no DNS warnings",
                            "checked 1 workload, 1 container: 0 warnings",
                            "  images: 0 read, 1 not read: --no-pull (alpine:3.14)",
                            "  libc: 1 known",
                            "  names: 1 judged",
                            "  unjudged: nothing");
            assertThat(r.err()).isEmpty();
            assertThat(server.receivedQueries())
                    .as("the name was asked, not skipped")
                    .isNotEmpty();
        }
    }

    @Test
    void aCheckThatCouldNotCheckDoesNotPass(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, CLEAN);
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = s.getLocalPort();
        }
        String[] args = {"check", "-f", file.toString(), "--server", "127.0.0.1:" + port, "--no-search", "--no-pull"};
        Run r = run(args);
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(r.out().lines())
                .containsExactly(
                        "deployment/web (" + file
                                + "): no DNS warnings; no verdict for small.test.example (no reply from the nameserver)",
                        "checked 1 workload, 1 container: 0 warnings",
                        "  images: 0 read, 1 not read: --no-pull (alpine:3.14)",
                        "  libc: 1 known",
                        "  names: 0 judged, 1 unjudged (no reply)",
                        "  servers: 127.0.0.1:" + port + " never replied",
                        "  unjudged: servers (1), names (1)");
        assertThat(r.err().lines())
                .containsExactly(
                        "dnsprobe: server 127.0.0.1:" + port + " (ICMP port unreachable from 127.0.0.1:" + port
                                + ") never replied to any name: nothing was judged (--allow-unjudged=servers accepts that)",
                        "dnsprobe: 1 name got no verdict (no reply from the nameserver): small.test.example; the check is "
                                + "incomplete (--allow-unjudged=names accepts that)");

        Run json = run(with(args, "--json"));
        assertThat(json.exit()).as("--json is held to the same rule").isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);

        Run allowed = run(with(args, "--allow-unjudged"));
        assertThat(allowed.exit())
                .as("no value: every kind, as before kinds existed")
                .isEqualTo(ExitCodes.OK);
        assertThat(allowed.out()).endsWith("  unjudged: servers (1), names (1)" + System.lineSeparator());
        assertThat(allowed.err()).isEmpty();
        assertThat(run(with(args, "--allow-unjudged", "-n", "shop")).exit())
                .as("an option after it is not its value")
                .isEqualTo(ExitCodes.OK);
        assertThat(run(with(args, "--allow-unjudged=names")).exit())
                .as("the silent server is still not accepted")
                .isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(run(with(args, "--allow-unjudged=names,servers")).exit()).isEqualTo(ExitCodes.OK);
        assertThat(run(with(args, "--allow-unjudged", "names", "--allow-unjudged=SERVERS"))
                        .exit())
                .as("repeatable, case aside")
                .isEqualTo(ExitCodes.OK);
        Run bad = run(with(args, "--allow-unjudged=dns"));
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(bad.err().strip())
                .isEqualTo("dnsprobe: --allow-unjudged: 'dns' is none of images, libc, servers, "
                        + "names, nxdomain, all");
    }

    static String[] with(String[] args, String... more) {
        return Stream.concat(Arrays.stream(args), Arrays.stream(more)).toArray(String[]::new);
    }
}
