package io.dnsprobe.operator;

import static io.dnsprobe.testing.Statuses.ready;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.testing.MockApiResource;
import io.dnsprobe.testing.MockApiResource.InjectMockApi;
import io.dnsprobe.testing.MockApiServer;
import io.dnsprobe.testing.Statuses;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application against an API server that misbehaves: status writes refused with 409, 429 and 503
 * land after retries, and an outage (the mock API server stopped, then started again on its port with
 * its objects) is reported by readiness and survived by the operator and the webhook.
 */
@QuarkusTest
@QuarkusTestResource(
        value = MockApiResource.class,
        restrictToAnnotatedClass = true,
        initArgs = {
            // The reconciler's retry (1 s doubling) made quicker; the attempts stay unlimited (@GradualRetry).
            @ResourceArg(name = "quarkus.operator-sdk.controllers.dnsprobe.retry.interval.initial", value = "200"),
            @ResourceArg(name = "quarkus.operator-sdk.controllers.dnsprobe.retry.interval.max", value = "2000")
        })
class ApiServerFaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Long enough to see readiness DOWN and the informers lose their watches; the minute, shortened
     * ({@code -Dfaults.outage-seconds=60} for the full minute).
     */
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("faults.outage-seconds", 15));

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String NS = "faults";

    @InjectMockApi
    MockApiServer api;

    @InjectMockApi
    LoopbackDnsServer dns;

    private KubernetesClient admin;

    @BeforeEach
    void client() {
        admin = api.client("test-admin");
    }

    @AfterEach
    void close() {
        api.restart();
        admin.close();
    }

    private DnsProbeSpec spec(String... names) {
        // The loopback server answers every name: 20 s so that no reply is late on a busy machine (probes time on the
        // wall clock), and a late one would not be the verdicts asserted.
        return DnsProbeSpec.of(List.of(names))
                .withServers(List.of(dns.address().toString()))
                .withSearch(List.of("test.example"), 5)
                .withTiming("10m", "20s");
    }

    private DnsProbeStatus awaitStatus(String name, Predicate<DnsProbeStatus> done) {
        return Statuses.awaitStatus(admin, NS, name, done);
    }

    private static JsonNode readiness() {
        Response r = given().get("/q/health/ready");
        try {
            return ((ObjectNode) JSON.readTree(r.asString())).put("httpStatus", r.statusCode());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c.path("status").asText();
            }
        }
        return "absent";
    }

    @Test
    void statusWritesRefusedWithConflictThrottlingOrServerErrorsAreRetriedUntilTheyLand() {
        // More refusals than JOSDK's default five attempts: 409s are JOSDK's retries (backoff), a 429 (Retry-After: 1)
        // and a 503 are retried inside the fabric8 client, which then meets the next 409 and gives it to JOSDK.
        int[] faults = {409, 409, 409, 429, 503, 409, 409, 409, 409, 409};
        api.failNextStatusPatches(faults);
        admin.resource(new DnsProbe(NS, "retried", spec("small", "big"))).create();

        DnsProbeStatus status = awaitStatus("retried", s -> s.observedGeneration() != null);
        assertThat(ready(status).getStatus()).isEqualTo("True");
        assertThat(ready(status).getReason()).isEqualTo("Probed");
        assertThat(api.pendingFaults()).isZero();
        List<Integer> codes = api.statusPatches(NS, "retried").stream()
                .map(MockApiServer.Request::code)
                .toList();
        List<Integer> expected = new ArrayList<>();
        for (int f : faults) {
            expected.add(f);
        }
        assertThat(codes.subList(0, faults.length))
                .as("status PATCHes in order")
                .isEqualTo(expected);
        assertThat(codes.subList(faults.length, codes.size()))
                .as("after the refusals")
                .containsExactly(200);
        // The round's status was derived once: one successful write, and its events were posted once.
        assertThat(api.statusWrites())
                .filteredOn(w -> w.name().equals("retried"))
                .hasSize(1);
        Map<String, Long> events = api.events().stream()
                .filter(e -> e.object().equals("retried"))
                .collect(Collectors.groupingBy(e -> e.reason() + " " + e.message(), Collectors.counting()));
        assertThat(events).isNotEmpty();
        assertThat(events.values()).containsOnly(1L);
    }

    @Test
    void theOperatorAndTheWebhookSurviveTheApiServerGoingAway() throws Exception {
        admin.resource(new DnsProbe(NS, "steady", spec("small", "big"))).create();
        awaitStatus("steady", s -> s.observedGeneration() != null);
        await().atMost(PATIENCE).until(() -> readiness().path("httpStatus").asInt() == 200);

        Instant down = Instant.now();
        api.stop();
        await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> readiness().path("httpStatus").asInt() == 503);
        Duration noticed = Duration.between(down, Instant.now());
        JsonNode during = readiness();
        assertThat(check(during, ApiServerReadiness.NAME)).isEqualTo("DOWN");
        given().get("/q/health/live").then().statusCode(200);
        Thread.sleep(
                Math.max(0, OUTAGE.minus(Duration.between(down, Instant.now())).toMillis()));
        assertThat(readiness().path("httpStatus").asInt())
                .as("readiness at the end of the outage")
                .isEqualTo(503);
        given().get("/q/health/live").then().statusCode(200);

        Instant up = Instant.now();
        api.restart();
        List<String> seen = new ArrayList<>();
        // The first look at once: the check and the informers then still hold what they saw during the outage (each
        // needs a round trip to the restarted server first), so it is seen whatever the machine's speed.
        await().atMost(PATIENCE)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode r = readiness();
                    seen.add(r.toString());
                    return r.path("httpStatus").asInt() == 200;
                });
        Duration readyAgain = Duration.between(up, Instant.now());
        assertThat(seen)
                .as("readiness while the informers reconnect")
                .anyMatch(s -> s.contains("informers not watching") || s.contains("\"DOWN\""));

        // The informers resynced: a DnsProbe created and a spec changed after the outage are probed and written.
        admin.resource(new DnsProbe(NS, "after", spec("small"))).create();
        admin.resources(DnsProbe.class).inNamespace(NS).withName("steady").edit(p -> {
            p.setSpec(spec("small", "big", "db"));
            return p;
        });
        awaitStatus("after", s -> s.observedGeneration() != null);
        DnsProbeStatus steady = awaitStatus("steady", s -> Long.valueOf(2).equals(s.observedGeneration()));
        assertThat(steady.names()).isEqualTo(3);

        // The webhook's caches resynced too: a ConfigMap created after the outage is read by a review.
        admin.resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("settings")
                        .withNamespace(NS)
                        .endMetadata()
                        .addToData("DATABASE_URL", "jdbc:postgresql://big.test.example:5432/orders")
                        .build())
                .create();
        String review = review();
        await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !warnings(review).isEmpty());
        assertThat(warnings(review)).singleElement().asString().contains("big.test.example fails");

        System.out.printf(
                "API server outage of %ds: readiness DOWN %.1f s after the stop, UP %.1f s after the restart%n",
                OUTAGE.toSeconds(), noticed.toMillis() / 1000.0, readyAgain.toMillis() / 1000.0);
    }

    private static String review() {
        ObjectNode c = JSON.createObjectNode().put("name", "app").put("image", "alpine:3.16");
        c.putArray("envFrom").addObject().putObject("configMapRef").put("name", "settings");
        ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", "orders").put("namespace", NS);
        ObjectNode spec = d.putObject("spec").put("replicas", 1);
        spec.putObject("selector").putObject("matchLabels").put("app", "orders");
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", "orders");
        template.putObject("spec").putArray("containers").add(c);
        ObjectNode r =
                JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode req = r.putObject("request").put("uid", UUID.randomUUID().toString());
        req.putObject("kind").put("group", "apps").put("version", "v1").put("kind", "Deployment");
        req.putObject("resource").put("group", "apps").put("version", "v1").put("resource", "deployments");
        req.put("namespace", NS).put("operation", "CREATE").put("dryRun", false);
        req.putObject("userInfo").put("username", "kubernetes-admin");
        req.set("object", d);
        req.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions");
        return r.toString();
    }

    private static List<String> warnings(String review) {
        String out = given().contentType(ContentType.JSON)
                .body(review)
                .post("/validate")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        try {
            List<String> w = new ArrayList<>();
            JSON.readTree(out).at("/response/warnings").forEach(x -> w.add(x.asText()));
            return w;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
