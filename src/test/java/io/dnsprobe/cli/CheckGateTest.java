package io.dnsprobe.cli;

import static io.dnsprobe.cli.CliTest.with;
import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.testing.HostileDnsServer;
import io.dnsprobe.testing.Ports;
import io.dnsprobe.webhook.AdmissionDecision;
import io.dnsprobe.workload.ManifestReader;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import io.dnsprobe.workload.WorkloadParser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} as a CI gate: it never passes having judged nothing. One exit-code test per kind of what could
 * not be judged (exit 2, one stderr line, and the flag that accepts it), the summary's counts, the JSON, and
 * check and the webhook's enforce agreeing on a musl of unknown version.
 */
class CheckGateTest {
    private static final Zone ZONE =
            new Zone().a("small.test.example", "192.0.2.1").manyA("big.test.example", 40);

    /** A Pod with a container on {@code image} that refers to {@code name}, and one without names. */
    private static Path pod(Path dir, String image, String name) throws Exception {
        Path file = Files.createDirectories(dir).resolve("pod.yaml");
        Files.writeString(
                file,
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                        + "  - {name: c, image: \"" + image + "\", args: [\"--host\", \"" + name + "\"]}\n"
                        + "  - {name: quiet, image: \"" + image + "-quiet\"}\n");
        return file;
    }

    private static String[] check(Path file, Object server, String... more) {
        return with(new String[] {"check", "-f", file.toString(), "--server", server.toString(), "--no-search"}, more);
    }

    @Test
    void anUnreadImageOfAContainerWithNamesIsUnjudged(@TempDir Path dir) throws Exception {
        int registry = Ports.freeTcpPort();
        String image = "127.0.0.1:" + registry + "/acme/app:1.0-alpine3.14";
        Path file = pod(dir, image, "big.test.example");
        Path config = Files.writeString(dir.resolve("config.json"), "{}");
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            String[] args = check(
                    file,
                    server.address(),
                    "--insecure-registry",
                    "127.0.0.1:" + registry,
                    "--registry-config",
                    config.toString());
            Run r = run(args);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.err().lines())
                    .as("the container without names does not count")
                    .containsExactly("dnsprobe: 1 image of containers with names not read (" + image
                            + "): their libc is a guess "
                            + "from the name; the check is incomplete (--allow-unjudged=images accepts that)");
            assertThat(r.out())
                    .contains("  images: 0 read, 2 not read: cannot connect to registry 127.0.0.1:" + registry
                            + ": connection refused");
            Run allowed = run(with(args, "--allow-unjudged=images"));
            assertThat(allowed.exit())
                    .as("judged by its name, musl 1.2.2: the FAILS decides")
                    .isEqualTo(ExitCodes.FAILS);
            assertThat(allowed.err()).isEmpty();
            assertThat(allowed.out()).contains("  unjudged: images (1)");
        }
    }

    @Test
    void anUnknownLibcOfAContainerWithNamesIsUnjudged(@TempDir Path dir) throws Exception {
        Path file = pod(dir, "acme/app:1", "small.test.example");
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            String[] args = check(file, server.address(), "--no-pull");
            Run r = run(args);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.err().strip())
                    .isEqualTo("dnsprobe: 1 container with names has an unknown libc, so its names "
                            + "were not asked (pod/p: c (acme/app:1)); the check is incomplete (--allow-unjudged=libc accepts "
                            + "that)");
            assertThat(r.out())
                    .contains("  libc: 0 known, 2 unknown", "  names: 0 judged, 1 not asked (1 libc unknown)");
            assertThat(server.receivedQueries())
                    .as("nothing to ask for a libc nobody knows")
                    .isEmpty();
            assertThat(run(with(args, "--allow-unjudged=libc")).exit()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void aSecondServerThatNeverRepliesIsUnjudged(@TempDir Path dir) throws Exception {
        Path file = pod(dir, "alpine:3.20", "small.test.example");
        int silent = Ports.closedUdpPort();
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            String[] args = check(
                    file,
                    server.address(),
                    "--server",
                    "127.0.0.1:" + silent,
                    "--no-pull",
                    "--timeout",
                    "3s", // the answering server's names need a reply in real time: a wide margin
                    "--attempts",
                    "1");
            Run r = run(args);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.err().strip())
                    .isEqualTo("dnsprobe: server 127.0.0.1:" + silent + " (ICMP port unreachable "
                            + "from 127.0.0.1:" + silent
                            + ") never replied to any name: the verdicts rest on the other "
                            + "servers alone (--allow-unjudged=servers accepts that)");
            assertThat(r.out())
                    .contains(
                            "  names: 1 judged",
                            "  servers: " + server.address() + " replied; 127.0.0.1:" + silent + " never replied");
            assertThat(run(with(args, "--allow-unjudged=servers")).exit()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void namesWithNoVerdictAreUnjudgedWhileTheServerAnswersOthers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pod.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: c
                    image: alpine:3.20
                    args: ["--host", "ok.test.example", "--peer", "silent.test.example"]
                """);
        try (HostileDnsServer server = new HostileDnsServer()) {
            String[] args = check(file, server.address(), "--no-pull", "--timeout", "3s", "--attempts", "1");
            Run r = run(args);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.err().strip())
                    .as("the server replied to a name: not a silent server")
                    .isEqualTo(
                            "dnsprobe: 1 name got no verdict (no reply from the nameserver): silent.test.example; the check is "
                                    + "incomplete (--allow-unjudged=names accepts that)");
            assertThat(r.out()).contains("  names: 1 judged, 1 unjudged (no reply)");
            assertThat(run(with(args, "--allow-unjudged=names")).exit()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void namesThatResolveNowhereJudgeNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pod.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: c
                    image: alpine:3.20
                    env:
                    - {name: CART_ADDR, value: "cartservice:7070"}
                    - {name: REDIS_ADDR, value: "redis-cart:6379"}
                    - {name: API_URL, value: "http://small.test.example"}
                """);
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            String[] args = check(file, server.address(), "--no-pull");
            Run r = run(args);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.err().strip())
                    .isEqualTo("dnsprobe: 2 names resolved nowhere (NXDOMAIN for every libc on "
                            + "every server): cartservice, redis-cart; most likely names that exist only in the cluster, asked "
                            + "outside it: judged nothing (--allow-unjudged=nxdomain accepts that)");
            assertThat(r.out())
                    .contains(
                            "  names: 1 judged, 2 NXDOMAIN everywhere",
                            "  2 names exist only in the cluster (NXDOMAIN here): judged nothing");
            assertThat(run(with(args, "--allow-unjudged=nxdomain")).exit()).isEqualTo(ExitCodes.OK);
        }
    }

    /**
     * {@code nginx:alpine} says musl but not which: judged by the oldest model, big.test.example FAILS. Neither
     * check (exit 1) nor enforce (403) treats that as a failure; check calls it unjudged, enforce warns.
     */
    @Test
    void checkAndEnforceAgreeOnAFailsOnAMuslOfUnknownVersion(@TempDir Path dir) throws Exception {
        Path unknown = pod(dir.resolve("u"), "nginx:alpine", "big.test.example");
        Path known = pod(dir.resolve("k"), "alpine:3.14", "big.test.example");
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            Run r = run(check(unknown, server.address(), "--no-pull"));
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.out().lines())
                    .first()
                    .asString()
                    .startsWith("Warning: container c (nginx:alpine, musl if Alpine < 3.18): big.test.example fails, ");
            assertThat(r.err().strip())
                    .isEqualTo("dnsprobe: 1 container has a musl of unknown version and a name that "
                            + "FAILS on some version: unjudged, not a failure (pod/p: c (nginx:alpine)); the check is "
                            + "incomplete (--allow-unjudged=libc accepts that)");
            assertThat(run(check(unknown, server.address(), "--no-pull", "--allow-unjudged=libc"))
                            .exit())
                    .as("accepted, it is a warning, not a FAILS")
                    .isEqualTo(ExitCodes.OK);
            assertThat(run(check(known, server.address(), "--no-pull")).exit()).isEqualTo(ExitCodes.FAILS);

            AdmissionDecision admitted = enforce(unknown, server);
            assertThat(admitted.allowed()).isTrue();
            assertThat(admitted.outcome()).isEqualTo(AdmissionDecision.Outcome.WARNED);
            assertThat(admitted.warnings())
                    .singleElement()
                    .asString()
                    .isEqualTo(r.out().lines().findFirst().orElseThrow().substring("Warning: ".length()));
            assertThat(enforce(known, server).outcome()).isEqualTo(AdmissionDecision.Outcome.DENIED);
        }
    }

    /** The webhook's decision, enforcing, on the verdicts of the same server. */
    private static AdmissionDecision enforce(Path manifest, LoopbackDnsServer server) throws Exception {
        JsonNode object = ManifestReader.read(List.of(manifest.toString()), InputStream.nullInputStream())
                .manifests()
                .get(0)
                .object();
        Workload w = WorkloadParser.parse(object).orElseThrow();
        ResolverConfig config = ResolverConfig.of(List.of(server.address()));
        try (Prober prober = Prober.builder().build()) {
            WorkloadChecker.Result result = WorkloadChecker.check(
                    w,
                    "default",
                    new LibcDetector(Map.of()),
                    WorkloadChecker.Images.NONE,
                    (ns, n) -> Optional.empty(),
                    (ns, name, dns) -> NameVerdicts.probe(prober, name, config),
                    Duration.ofSeconds(30));
            return AdmissionDecision.of("u1", result, true);
        }
    }

    private static final String THREE_WORKLOADS = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: orders, namespace: shop}
            spec:
              template:
                metadata:
                  annotations: {dnsprobe.io/libc: glibc}
                spec:
                  containers:
                  - name: app
                    image: eclipse-temurin:17
                    env: [{name: DB_URL, value: "postgres://big.test.example/o"}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: tool}
            spec:
              initContainers:
              - {name: init, image: "busybox:1.36"}
              containers:
              - {name: c, image: "alpine:3.14", args: ["--db", "big.test.example", "--api", "small.test.example"]}
              - {name: side, image: "alpine:3.14", args: ["--api", "small.test.example"]}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 1 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                      - {name: job, image: "nginx:alpine", args: ["--api", "small.test.example"]}
                      - {name: report, image: "acme/report:2", args: ["--to", "mail.test.example"]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: tool}
            """;

    @Test
    void theSummarySaysWhatWasCheckedAndWhatWasNot(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("all.yaml"), THREE_WORKLOADS);
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            Run r = run(check(file, server.address(), "--no-pull"));
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(r.out().lines().dropWhile(l -> !l.startsWith("skipped")))
                    .containsExactly(
                            "skipped 1 kind without pods: Service (1)",
                            "checked 3 workloads, 6 containers: 1 warning",
                            "  images: 0 read, 1 not needed (libc declared), 4 not read: --no-pull (busybox:1.36, alpine:3.14, "
                                    + "nginx:alpine and 1 more)",
                            "  libc: 3 known, 1 musl of unknown version, 2 unknown",
                            "  names: 2 judged, 1 not asked (1 libc unknown)",
                            "  unjudged: libc (1)");
            assertThat(r.out()).contains("pod/tool (" + file + "): 1 DNS warning");
            assertThat(r.err().lines())
                    .as("the init container has no names, small.test.example resolves on every musl")
                    .containsExactly("dnsprobe: 1 container with names has an unknown libc, so its names were not "
                            + "asked (cronjob/nightly: report (acme/report:2)); the check is incomplete "
                            + "(--allow-unjudged=libc accepts that)");
        }
    }

    @Test
    void jsonHasTheSummaryAndTheUnreadableInput(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), THREE_WORKLOADS);
        Files.writeString(dir.resolve("b.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
        try (LoopbackDnsServer server = LoopbackDnsServer.start(ZONE, Truncation.EMPTY)) {
            Run r = run(check(dir, server.address(), "--no-pull", "--json", "--allow-unjudged=libc"));
            assertThat(r.exit()).as("unreadable input is never accepted").isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            JsonNode json = ProbeJson.mapper().readTree(r.out());
            assertThat(json.get("workloads")).hasSize(3);
            JsonNode s = json.get("summary");
            assertThat(s.get("workloads").asInt()).isEqualTo(3);
            assertThat(s.get("containers").asInt()).isEqualTo(6);
            assertThat(s.get("warnings").asInt()).isEqualTo(1);
            assertThat(s.get("fails").asInt()).isEqualTo(1);
            assertThat(s.at("/skippedKinds/Service").asInt()).isEqualTo(1);
            assertThat(s.at("/images/notRead").asInt()).as("distinct images").isEqualTo(4);
            assertThat(s.at("/images/declared").asInt()).isEqualTo(1);
            assertThat(s.at("/images/notReadBecause/0/reason").asText()).isEqualTo("--no-pull");
            assertThat(s.at("/images/notReadBecause/0/images")).hasSize(4);
            assertThat(s.at("/libc/known").asInt()).isEqualTo(3);
            assertThat(s.at("/libc/unknownVersion").asInt()).isEqualTo(1);
            assertThat(s.at("/libc/unknown").asInt()).isEqualTo(2);
            assertThat(s.at("/names/judged").asInt()).isEqualTo(2);
            assertThat(s.at("/names/notAskedNames/mail.test.example").asText()).isEqualTo("libc unknown");
            assertThat(s.at("/servers/0/server").asText())
                    .isEqualTo(server.address().toString());
            assertThat(s.at("/servers/0/replied").asBoolean()).isTrue();
            assertThat(s.at("/unjudged/0/kind").asText()).isEqualTo("libc");
            assertThat(s.at("/unjudged/0/allowed").asBoolean()).isTrue();
            assertThat(s.at("/unjudged/0/first/0").asText()).isEqualTo("cronjob/nightly: report (acme/report:2)");
            assertThat(json.get("unreadable")).singleElement().satisfies(u -> {
                assertThat(u.get("file").asText())
                        .isEqualTo(dir.resolve("b.yaml").toString());
                assertThat(u.get("line").asInt()).isEqualTo(4);
                assertThat(u.get("message").asText()).isNotBlank().doesNotContain("Exception");
            });
        }
        Run nothing = run("check", "-f", dir.resolve("b.yaml").toString(), "--json");
        assertThat(nothing.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(ProbeJson.mapper().readTree(nothing.out()).get("unreadable"))
                .as("also when nothing was read")
                .hasSize(1);
    }
}
