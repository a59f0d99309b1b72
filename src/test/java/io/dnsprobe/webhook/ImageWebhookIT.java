package io.dnsprobe.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.Platform;
import io.dnsprobe.server.ImageService;
import io.dnsprobe.testing.registry.DockerRegistry;
import io.dnsprobe.testing.registry.HostileRegistry;
import io.dnsprobe.testing.registry.ImagePusher;
import io.dnsprobe.testing.registry.Layer;
import io.dnsprobe.testing.registry.TestImage;
import io.dnsprobe.testing.registry.TestImages;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A custom-named image built on Alpine 3.16 gets its warning through {@code /validate} once its registry
 * has been read: the registry (Debian's docker-registry, basic auth) is reached with the operator's own
 * pull secret, through a proxy that can stall a layer. The first review of an image never seen does
 * not wait for the read: it answers within the budget with what the name says (nothing, for
 * {@code acme/orders}); a later review has the warning.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = ImageWebhookIT.Setup.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageWebhookIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "robot";
    private static final String PASSWORD = "s3:cr:et";

    @Inject
    KubernetesClient client;

    @Inject
    ImageService images;

    public static class Setup implements QuarkusTestResourceLifecycleManager {
        static LoopbackDnsServer dns;
        static DockerRegistry registry;
        static HostileRegistry front;
        static TestImage orders;
        static TestImage nextOrders;
        static String multi;

        @Override
        public Map<String, String> start() {
            try {
                dns = LoopbackDnsServer.start(
                        new Zone().a("small.test.example", "192.0.2.1").manyA("big.test.example", 40),
                        Truncation.EMPTY);
                registry = DockerRegistry.builder().htpasswd(USER, PASSWORD).start();
                front = new HostileRegistry(registry);
                ImagePusher pusher = new ImagePusher(registry);
                orders = TestImages.image("acme/orders:1.4");
                pusher.push("acme/orders", "1.4", orders);
                pusher.push("acme/gateway", "2.0", TestImages.image("acme/gateway:2.0"));
                // The next release CI pushes: the same Alpine base, a new app layer.
                nextOrders = TestImages.alpineImage(TestImages.alpineLayer("3.16"))
                        .layer(Layer.builder()
                                .file("app/orders.sh", "#!/bin/sh\nexec /app/orders-1.5\n", 0755)
                                .build())
                        .entrypoint("/app/orders.sh")
                        .build();
                pusher.push("acme/orders", "1.5", nextOrders);
                multi = pusher.push("multi/app", "1", TestImages.index("multi/app:1"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // A review waits 200 ms for an image being read, in production: a partial answer (order 2) would have to
            // be there within 200 ms of wall time, a race with the machine's speed. 5 s here, inside a 10 s budget;
            // a review of a stalled image costs that wait.
            return Map.of(
                    "dnsprobe.webhook.servers",
                    dns.address().toString(),
                    "dnsprobe.image.admission-wait",
                    "5s",
                    "dnsprobe.webhook.budget",
                    "10s",
                    "dnsprobe.image.enabled",
                    "true",
                    "dnsprobe.image.insecure-registries",
                    front.host(),
                    "dnsprobe.image.pull-secrets",
                    "regcred",
                    "dnsprobe.image.timeout",
                    "60s",
                    "dnsprobe.image.failure-ttl",
                    "0s");
        }

        @Override
        public void stop() {
            front.close();
            registry.close();
            dns.close();
        }
    }

    @BeforeEach
    void pullSecret() {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        String config = "{\"auths\":{\"" + Setup.front.host() + "\":{\"auth\":\"" + auth + "\"}}}";
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("regcred")
                        .withNamespace(client.getNamespace())
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .addToData(
                                ".dockerconfigjson",
                                Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))
                        .build())
                .createOr(r -> r.update());
    }

    private static String deployment(String image) {
        ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", "orders").put("namespace", "shop");
        ObjectNode spec = d.putObject("spec").put("replicas", 2);
        ObjectNode c = spec.putObject("template")
                .putObject("spec")
                .putArray("containers")
                .addObject()
                .put("name", "app")
                .put("image", image);
        c.putArray("env")
                .addObject()
                .put("name", "DB_URL")
                .put("value", "jdbc:postgresql://big.test.example:5432/orders");
        ObjectNode r =
                JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode req = r.putObject("request")
                .put("uid", UUID.randomUUID().toString())
                .put("namespace", "shop")
                .put("operation", "CREATE");
        req.putObject("kind").put("group", "apps").put("version", "v1").put("kind", "Deployment");
        req.set("object", d);
        return r.toString();
    }

    private static JsonNode review(String image) throws Exception {
        String body = given().contentType(ContentType.JSON)
                .body(deployment(image))
                .when()
                .post("/validate")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JSON.readTree(body).path("response");
    }

    private static List<String> warnings(JsonNode response) {
        List<String> out = new ArrayList<>();
        response.path("warnings").forEach(w -> out.add(w.asText()));
        return out;
    }

    private static double metric(String line) {
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return metrics.lines()
                .filter(l -> l.startsWith(line + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(line.length() + 1)))
                .findFirst()
                .orElse(0);
    }

    @Test
    @Order(1)
    void aCustomNamedAlpineImageIsWarnedAboutOnceItsRegistryWasRead() throws Exception {
        String image = Setup.front.host() + "/acme/orders:1.4";
        // The app layer stalls: the first review cannot have the image; it must not wait for it.
        Setup.front.stallBlob(Setup.orders.layerDigests().get(1), 0);
        JsonNode first = review(image);
        assertThat(first.path("allowed").asBoolean()).isTrue();
        assertThat(warnings(first))
                .as("cold cache: the name 'acme/orders' says nothing, so no warning yet")
                .isEmpty();
        assertThat(metric("dnsprobe_image_inspections_total{result=\"musl\"}"))
                .as("the read is still stalled")
                .isZero();

        Setup.front.heal();
        String expected = "container app (" + image
                + ", musl 1.2.3): big.test.example fails, UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)";
        // Each review starts (or joins) the read until one has it; then the warning is there.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(warnings(review(image))).containsExactly(expected));
        assertThat(metric("dnsprobe_image_inspections_total{result=\"musl\"}")).isGreaterThanOrEqualTo(1);
        // From the cache: every later review has it at once.
        assertThat(warnings(review(image))).containsExactly(expected);
        assertThat(metric("dnsprobe_image_cache_requests_total{cache=\"image\",outcome=\"hit\"}"))
                .isPositive();
    }

    @Test
    @Order(2)
    void aNewTagOfAKnownAppIsJudgedAtOnceByItsKnownBaseLayer() throws Exception {
        // Order 1 read acme/orders:1.4, so its Alpine base layer is known. 1.5's own layer stalls, yet the
        // first review of 1.5 warns: the lower layers answer while the upper one is read.
        Setup.front.stallBlob(Setup.nextOrders.layerDigests().get(1), 0);
        String image = Setup.front.host() + "/acme/orders:1.5";
        JsonNode first = review(image);
        assertThat(warnings(first))
                .containsExactly(
                        "container app (" + image + ", musl 1.2.3): big.test.example fails, "
                                + "UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)");
        ImageInspection partial =
                images.peek(ImageRef.parse(image), images.defaultPlatform()).orElseThrow();
        assertThat(partial.basis()).isEqualTo(ImageInspection.Basis.LOWER_LAYERS);
        assertThat(partial.layersRead()).isEqualTo(1);
        Setup.front.heal();
    }

    @Test
    @Order(3)
    void aGoProgramOnAlpineGetsNoMuslWarning() throws Exception {
        String image = Setup.front.host() + "/acme/gateway:2.0";
        review(image);
        ImageRef ref = ImageRef.parse(image);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> images.peek(ref, images.defaultPlatform())
                        .filter(i -> i.basis() == ImageInspection.Basis.COMPLETE)
                        .isPresent());
        ImageInspection gateway = images.peek(ref, images.defaultPlatform()).orElseThrow();
        assertThat(gateway.libc().label()).isEqualTo("musl 1.2.3");
        JsonNode r = review(image);
        assertThat(r.path("allowed").asBoolean()).isTrue();
        assertThat(warnings(r))
                .as("its entrypoint is a Go program: Go's resolver retries over TCP")
                .isEmpty();
    }

    @Test
    @Order(4)
    void runningPodsWarmTheCacheWithTheImageTheirNodeRuns() {
        // A Pod on an arm64 node, pulled by tag: its status says which digest (of the index) it runs.
        client.resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("arm-1")
                        .addToLabels("kubernetes.io/arch", "arm64")
                        .addToLabels("kubernetes.io/os", "linux")
                        .endMetadata()
                        .build())
                .create();
        String tagged = Setup.front.host() + "/multi/app:1";
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("app-7d9f")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .withNodeName("arm-1")
                .addNewContainer()
                .withName("app")
                .withImage(tagged)
                .endContainer()
                .endSpec()
                .withNewStatus()
                .addNewContainerStatus()
                .withName("app")
                .withImage(tagged)
                .withImageID(Setup.front.host() + "/multi/app@" + Setup.multi)
                .endContainerStatus()
                .endStatus()
                .build();
        client.resource(pod).create();
        Platform arm = Platform.parse("linux/arm64");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    ImageInspection i = images.peek(ImageRef.parse(tagged), arm).orElse(null);
                    assertThat(i)
                            .as("the tag was learnt from the Pod and its image read")
                            .isNotNull();
                    assertThat(i.basis()).isEqualTo(ImageInspection.Basis.COMPLETE);
                    assertThat(i.libc().label())
                            .as("the arm64 image of the index")
                            .isEqualTo("musl 1.2.5");
                });
        assertThat(images.peek(ImageRef.parse(tagged), images.defaultPlatform()))
                .as("amd64 was not asked for")
                .isEmpty();
    }
}
