package io.dnsprobe.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The webhook over HTTP with AdmissionReviews shaped as kube-apiserver sends them. Names resolve
 * through an in-process server that truncates to nothing (as CoreDNS forward does), so the inline
 * probe sees what an Alpine pod behind such a server would.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = AdmissionWebhookIT.Dns.class, restrictToAnnotatedClass = true)
class AdmissionWebhookIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BIG_URL = "jdbc:postgresql://big.test.example:5432/orders";

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/validate")
    URL validate;

    public static class Dns implements QuarkusTestResourceLifecycleManager {
        static LoopbackDnsServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = LoopbackDnsServer.start(
                        new Zone()
                                .a("small.test.example", "192.0.2.1")
                                .manyA("big.test.example", 40)
                                .manyA("pods.test.example", 64)
                                // NODATA at the first search candidate stops musl's walk; asked as-is it resolves.
                                .txt("cfg.test.example.shop.svc.cluster.local", "x")
                                .a("cfg.test.example", "192.0.2.9")
                                // A headless Service with 40 ready pods, named by its short name.
                                .manyA("kafka-headless.shop.svc.cluster.local", 40),
                        Truncation.EMPTY);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            // The first review of a name waits for its inline probe. Under the shipped 2 s budget and 1 s per
            // reply, a stall of a loaded machine would turn a warning into none; these tests are about what the
            // warnings say, so the budget is wide and a review waits for the loopback server's answer. What a
            // review does when the budget runs out is WorkloadCheckerTest's, on a lookup that never completes.
            return Map.of(
                    "dnsprobe.webhook.servers",
                    server.address().toString(),
                    "dnsprobe.webhook.budget",
                    "30s",
                    "dnsprobe.webhook.probe-timeout",
                    "10s");
        }

        @Override
        public void stop() {
            server.close();
        }
    }

    // --- objects as kubectl sends them ---------------------------------------------------------

    private static ObjectNode container(String name, String image, String... env) {
        ObjectNode c = JSON.createObjectNode().put("name", name).put("image", image);
        ArrayNode e = c.putArray("env");
        for (int i = 0; i < env.length; i += 2) {
            e.addObject().put("name", env[i]).put("value", env[i + 1]);
        }
        return c;
    }

    private static ObjectNode podSpec(ObjectNode... containers) {
        ObjectNode spec = JSON.createObjectNode();
        ArrayNode cs = spec.putArray("containers");
        for (ObjectNode c : containers) {
            cs.add(c);
        }
        return spec;
    }

    private static ObjectNode deployment(String name, ObjectNode podSpec) {
        ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name).put("namespace", "shop");
        ObjectNode spec = d.putObject("spec").put("replicas", 2);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        template.set("spec", podSpec);
        return d;
    }

    private static String review(String operation, ObjectNode object, boolean dryRun) {
        String kind = object.path("kind").asText();
        ObjectNode r =
                JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode req = r.putObject("request").put("uid", UUID.randomUUID().toString());
        boolean apps = !kind.equals("Pod") && !kind.equals("Job") && !kind.equals("CronJob");
        req.putObject("kind")
                .put("group", apps ? "apps" : kind.equals("Pod") ? "" : "batch")
                .put("version", "v1")
                .put("kind", kind);
        req.putObject("resource")
                .put("group", apps ? "apps" : "")
                .put("version", "v1")
                .put("resource", kind.toLowerCase() + "s");
        req.put("namespace", "shop").put("operation", operation).put("dryRun", dryRun);
        req.putObject("userInfo")
                .put("username", "kubernetes-admin")
                .putArray("groups")
                .add("system:masters");
        if (!operation.equals("DELETE")) {
            req.set("object", object);
        }
        if (!operation.equals("CREATE")) {
            req.set("oldObject", object);
        }
        req.putObject("options")
                .put("apiVersion", "meta.k8s.io/v1")
                .put(
                        "kind",
                        operation.equals("DELETE")
                                ? "DeleteOptions"
                                : operation.equals("CREATE") ? "CreateOptions" : "UpdateOptions");
        return r.toString();
    }

    private static JsonNode post(String body) {
        String out = given().contentType(ContentType.JSON)
                .body(body)
                .post("/validate")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        try {
            return JSON.readTree(out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> warnings(JsonNode response) {
        List<String> out = new ArrayList<>();
        response.at("/response/warnings").forEach(w -> out.add(w.asText()));
        return out;
    }

    // --- tests ---------------------------------------------------------------------------------

    /** A sample from /q/metrics, 0 when absent. */
    private static double metric(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    @Test
    void anAlpineDeploymentWhoseDatabaseNeedsTcpIsWarnedAbout() {
        String body = review(
                "CREATE",
                deployment("orders", podSpec(container("app", "alpine:3.14", "DB_URL", BIG_URL, "LOG_LEVEL", "info"))),
                false);
        String warned = "dnsprobe_webhook_reviews_total{outcome=\"warned\"}";
        double before = metric(warned);
        JsonNode res = post(body);
        assertThat(metric(warned)).as("counted by outcome").isEqualTo(before + 1);
        assertThat(res.at("/apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(res.at("/response/uid").asText()).isEqualTo(readUid(body));
        assertThat(res.at("/response/allowed").asBoolean()).isTrue();
        assertThat(warnings(res))
                .containsExactly(
                        "container app (alpine:3.14, musl 1.2.2): big.test.example fails, UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)");
        // Inline probes are rate-limited (LookupRateLimitTest); what the limit refuses is counted.
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("dnsprobe_webhook_lookups_rate_limited_total ");
    }

    @Test
    void theSameOnAGlibcImageIsSilent() {
        JsonNode res = post(review(
                "CREATE",
                deployment("orders", podSpec(container("app", "eclipse-temurin:17-jre", "DB_URL", BIG_URL))),
                false));
        assertThat(res.at("/response/allowed").asBoolean()).isTrue();
        assertThat(res.at("/response/warnings").isMissingNode()).isTrue();
    }

    @Test
    void cronJobsPodsWithInitContainersUpdatesAndDryRunsAreChecked() {
        ObjectNode cron = JSON.createObjectNode().put("apiVersion", "batch/v1").put("kind", "CronJob");
        cron.putObject("metadata").put("name", "nightly").put("namespace", "shop");
        ObjectNode jobSpec = cron.putObject("spec")
                .put("schedule", "0 3 * * *")
                .putObject("jobTemplate")
                .putObject("spec");
        jobSpec.putObject("template")
                .set("spec", podSpec(container("job", "python:3.12-alpine", "API_HOST", "pods.test.example")));
        assertThat(warnings(post(review("CREATE", cron, false))))
                .containsExactly(
                        "container job (python:3.12-alpine, musl if Alpine < 3.18): pods.test.example fails, UDP reply truncated to 0 of 64 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)");

        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "debug").put("namespace", "shop");
        ObjectNode spec = podSpec(container("main", "eclipse-temurin:17"));
        spec.putArray("initContainers")
                .add(container("wait-db", "busybox:1.36-alpine3.18", "DB", BIG_URL)
                        .set("args", JSON.createArrayNode().add("--wait-for").add("pods.test.example:5432")));
        pod.set("spec", spec);
        // Alpine 3.18 (musl 1.2.4) reads 40 A over TCP but refuses 64 records.
        assertThat(warnings(post(review("UPDATE", pod, true))))
                .containsExactly(
                        "container wait-db (busybox:1.36-alpine3.18, musl 1.2.4): pods.test.example fails, TCP reply for A holds 64 records; musl 1.2.4 rejects replies with more than 63 (EAI_NODATA)");
    }

    @Test
    void aHeadlessServiceNamedShortIsResolvedThroughTheNamespaceSearchDomain() {
        JsonNode res = post(review(
                "CREATE",
                deployment(
                        "consumer", podSpec(container("app", "alpine:3.15", "KAFKA_BROKERS", "kafka-headless:9092"))),
                false));
        assertThat(warnings(res))
                .containsExactly(
                        "container app (alpine:3.15, musl 1.2.2): kafka-headless fails, UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)");
    }

    @Test
    void thePodsOwnDnsSettingsDecideHowANameResolves() {
        // Default pod: ndots 5, so musl tries cfg.test.example.shop.svc.cluster.local first and stops at its NODATA.
        ObjectNode plain = podSpec(container("app", "alpine:3.14", "CFG_HOST", "cfg.test.example"));
        assertThat(warnings(post(review("CREATE", deployment("cfg", plain), false))))
                .singleElement()
                .asString()
                .startsWith("container app (alpine:3.14, musl 1.2.2): cfg.test.example fails");
        // The usual mitigation, ndots:1 in dnsConfig: the name is asked as-is and resolves.
        ObjectNode ndots1 = podSpec(container("app", "alpine:3.14", "CFG_HOST", "cfg.test.example"));
        ndots1.putObject("dnsConfig")
                .putArray("options")
                .addObject()
                .put("name", "ndots")
                .put("value", "1");
        assertThat(warnings(post(review("CREATE", deployment("cfg", ndots1), false))))
                .isEmpty();

        // A short name found through a dnsConfig search domain resolves on musl...
        ObjectNode oneSearch = podSpec(container("app", "alpine:3.14", "UPSTREAM_HOST", "small"));
        oneSearch.putObject("dnsConfig").putArray("searches").add("test.example");
        assertThat(warnings(post(review("CREATE", deployment("short", oneSearch), false))))
                .isEmpty();
        // ...until the search line grows past what musl reads: then musl has no search list at all.
        ObjectNode manySearches = podSpec(container("app", "alpine:3.14", "UPSTREAM_HOST", "small"));
        ArrayNode searches =
                manySearches.putObject("dnsConfig").putArray("searches").add("test.example");
        for (int i = 0; i < 4; i++) {
            searches.add("p" + i + "x".repeat(50) + ".test.example");
        }
        assertThat(warnings(post(review("CREATE", deployment("short", manySearches), false))))
                .singleElement()
                .asString()
                .matches(
                        "container app \\(alpine:3.14, musl 1.2.2\\): small fails, musl skips the \\d+-char search line, "
                                + "over its 254 \\(EAI_NONAME\\)")
                .hasSizeLessThan(120);
    }

    @Test
    void deletesAndOtherKindsAreAllowedSilently() {
        JsonNode del = post(review(
                "DELETE", deployment("orders", podSpec(container("app", "alpine:3.14", "DB_URL", BIG_URL))), false));
        assertThat(del.at("/response/allowed").asBoolean()).isTrue();
        assertThat(del.at("/response/warnings").isMissingNode()).isTrue();
        ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "x");
        assertThat(post(review("CREATE", cm, false)).at("/response/allowed").asBoolean())
                .isTrue();
    }

    @Test
    void aNameReadFromAConfigMapCounts() {
        client.resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("settings")
                        .withNamespace("shop")
                        .endMetadata()
                        .addToData("DATABASE_URL", BIG_URL)
                        .build())
                .create();
        ObjectNode c = container("app", "alpine:3.16");
        c.putArray("envFrom").addObject().putObject("configMapRef").put("name", "settings");
        String body = review("CREATE", deployment("from-cm", podSpec(c)), false);
        await().atMost(Duration.ofSeconds(60)).until(() -> !warnings(post(body)).isEmpty());
        assertThat(warnings(post(body)))
                .containsExactly(
                        "container app (alpine:3.16, musl 1.2.3): big.test.example fails, UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)");
    }

    @Test
    void anEnforcingNamespaceDeniesKnownFailuresButNotUnknownVersions() {
        client.resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("strict")
                        .addToLabels("dnsprobe.io/enforce", "true")
                        .endMetadata()
                        .build())
                .create();
        String known = review(
                        "CREATE",
                        deployment("orders", podSpec(container("app", "alpine:3.14", "DB_URL", BIG_URL))),
                        false)
                .replace("\"namespace\":\"shop\"", "\"namespace\":\"strict\"");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !post(known).at("/response/allowed").asBoolean());
        JsonNode denied = post(known);
        assertThat(denied.at("/response/status/code").asInt()).isEqualTo(403);
        assertThat(denied.at("/response/status/message").asText())
                .contains("big.test.example fails")
                .contains("enforce");
        String unknown = known.replace("alpine:3.14", "node:20-alpine");
        JsonNode allowed = post(unknown);
        assertThat(allowed.at("/response/allowed").asBoolean()).isTrue();
        assertThat(warnings(allowed)).singleElement().asString().contains("musl if Alpine < 3.18");
    }

    @Test
    void malformedBodiesGet400WithAReason() {
        given().contentType(ContentType.JSON)
                .body("{not json")
                .post("/validate")
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.startsWith("body is not JSON"));
        given().contentType(ContentType.JSON)
                .body("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}")
                .post("/validate")
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("expected apiVersion admission.k8s.io/v1"));
        given().contentType(ContentType.JSON)
                .body("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}")
                .post("/validate")
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.is("request.uid is missing"));
        // Parseable but odd: an object that is not an object still gets a well-formed allow.
        JsonNode odd =
                post("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u1\","
                        + "\"operation\":\"CREATE\",\"object\":[1,2,3]}}");
        assertThat(odd.at("/response/uid").asText()).isEqualTo("u1");
        assertThat(odd.at("/response/allowed").asBoolean()).isTrue();
    }

    @Test
    void aOneMebibyteObjectIsHandled() {
        ObjectNode d = deployment("big-object", podSpec(container("app", "alpine:3.14", "DB_URL", BIG_URL)));
        ObjectNode annotations = ((ObjectNode) d.get("metadata")).putObject("annotations");
        annotations.put("filler", "x".repeat(1024 * 1024));
        JsonNode res = post(review("CREATE", d, false));
        assertThat(res.at("/response/allowed").asBoolean()).isTrue();
        assertThat(warnings(res)).hasSize(1);
    }

    /** quarkus.http.limits.max-body-size: see application.properties for why 8 MiB. */
    private static final int BODY_LIMIT = 8 * 1024 * 1024;

    @Test
    void theLargestReviewTheApiServerSendsIsServed() {
        // An UPDATE carries object and oldObject, each up to the API server's 3 MiB write limit as JSON.
        ObjectNode d = deployment("huge", podSpec(container("app", "alpine:3.14", "DB_URL", BIG_URL)));
        ((ObjectNode) d.get("metadata")).putObject("annotations").put("filler", "x".repeat(3 * 1024 * 1024 - 1024));
        String body = review("UPDATE", d, false);
        assertThat(body.length()).isGreaterThan(6 * 1024 * 1024 - 4096).isLessThan(BODY_LIMIT);
        JsonNode res = post(body);
        assertThat(res.at("/response/allowed").asBoolean()).isTrue();
        assertThat(warnings(res)).hasSize(1);
    }

    @Test
    void aBodyOverTheLimitGets413BeforeItIsRead() throws Exception {
        // Declared length over the limit: refused on the headers alone, nothing of the body is sent.
        assertThat(rawPost("Content-Length: " + (BODY_LIMIT + 1), out -> {})).startsWith("HTTP/1.1 413");
        // Exactly at the limit the request is read (and, not being JSON, answered 400).
        assertThat(rawPost("Content-Length: " + BODY_LIMIT, out -> out.write(new byte[BODY_LIMIT])))
                .startsWith("HTTP/1.1 400");
        // No declared length (chunked): refused once more than the limit has arrived.
        assertThat(rawPost("Transfer-Encoding: chunked", out -> {
                    byte[] chunk = new byte[64 * 1024];
                    String header = Integer.toHexString(chunk.length) + "\r\n";
                    for (long sent = 0; sent <= BODY_LIMIT; sent += chunk.length) {
                        out.write(header.getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }))
                .startsWith("HTTP/1.1 413");
    }

    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * The status line of a POST /validate with one extra header and a body written on another thread (the
     * server may answer, and close, before it has all of it). Bounded by socket timeouts.
     */
    private String rawPost(String header, BodyWriter body) throws Exception {
        try (Socket s = new Socket(validate.getHost(), validate.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + header
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(
                    () -> {
                        try {
                            body.write(out);
                            out.flush();
                        } catch (IOException closedByServer) {
                            // the server answered and closed; the status line says what it thought
                        }
                    },
                    "raw-post-body");
            writer.setDaemon(true);
            writer.start();
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            writer.join(30_000);
            return status;
        }
    }

    private static String readUid(String body) {
        try {
            return JSON.readTree(body).at("/request/uid").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDnsProbesStatusAnswersWithoutAnInlineProbe() {
        // The DnsProbe resolves "pods" through its own search list; an inline probe, with the pod's search list
        // (payments.svc.cluster.local ...), would find nothing and warn about nothing.
        DnsProbe watch = new DnsProbe(
                "payments",
                "watch",
                DnsProbeSpec.of(List.of("pods"))
                        .withServers(List.of(Dns.server.address().toString()))
                        .withSearch(List.of("test.example"), 5)
                        .withTiming("10m", "20s")); // answered: no reply is late, whatever the machine's speed
        client.resource(watch).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            DnsProbe p = client.resources(DnsProbe.class)
                    .inNamespace("payments")
                    .withName("watch")
                    .get();
            return p.getStatus() != null
                    && p.getStatus().muslFails() != null
                    && p.getStatus().muslFails() == 1;
        });
        String body = review(
                        "CREATE",
                        deployment("api", podSpec(container("app", "alpine:3.18", "PODS_HOST", "pods"))),
                        false)
                .replace("\"namespace\":\"shop\"", "\"namespace\":\"payments\"");
        await().atMost(Duration.ofSeconds(60)).until(() -> !warnings(post(body)).isEmpty());
        int queries = Dns.server.udpQueries();
        assertThat(warnings(post(body)))
                .containsExactly(
                        "container app (alpine:3.18, musl 1.2.4): pods fails, TCP reply for A holds 64 records; musl 1.2.4 rejects replies with more than 63 (EAI_NODATA)");
        assertThat(Dns.server.udpQueries())
                .as("answered from the DnsProbe status, not by probing")
                .isEqualTo(queries);
    }
}
