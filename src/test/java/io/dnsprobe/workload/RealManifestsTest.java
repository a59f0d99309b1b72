package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader and the name extractor over manifests nobody here wrote (src/test/resources/manifests/real, sources
 * and licences in its README): which workloads, containers and names each file gives, and none of the false names
 * the issue found on them.
 */
class RealManifestsTest {
    private static final Path REAL = Path.of("src/test/resources/manifests/real");
    private static ManifestReader.Result read;
    /** "file kind/name container" to its names, in the files' order. */
    private static final Map<String, Set<String>> NAMES = new LinkedHashMap<>();

    private static final SkippedKinds SKIPPED = new SkippedKinds();

    @BeforeAll
    static void readAll() {
        read = ManifestReader.read(List.of(REAL.toString()), InputStream.nullInputStream());
        Map<String, Map<String, String>> configMaps = new HashMap<>();
        for (ManifestReader.Manifest m : read.manifests()) {
            if (m.object().path("kind").asText().equals("ConfigMap")) {
                Map<String, String> data = new LinkedHashMap<>();
                m.object()
                        .path("data")
                        .fields()
                        .forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
                configMaps.put(ns(m) + "/" + m.object().at("/metadata/name").asText(), data);
            }
        }
        for (ManifestReader.Manifest m : read.manifests()) {
            Optional<Workload> w = WorkloadParser.parse(m.object());
            if (w.isEmpty()) {
                SKIPPED.add(m.object().path("kind").asText());
                continue;
            }
            String file = REAL.relativize(Path.of(m.source())).toString();
            for (Workload.Container c : w.get().containers()) {
                String key = file + " " + w.get().kind() + "/" + w.get().name() + " " + c.name();
                NAMES.put(
                        key,
                        NameExtractor.names(
                                c,
                                ns(m),
                                w.get().annotations(),
                                (ns, name) -> Optional.ofNullable(configMaps.get(ns + "/" + name))));
            }
        }
    }

    private static String ns(ManifestReader.Manifest m) {
        String ns = m.object().at("/metadata/namespace").asText("");
        return ns.isEmpty() ? "default" : ns;
    }

    private static Map<String, Set<String>> of(String file) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        NAMES.forEach((k, v) -> {
            if (k.startsWith(file + " ")) {
                out.put(k.substring(file.length() + 1), v);
            }
        });
        return out;
    }

    @Test
    void theHelmTemplateIsSaidAndEverythingElseIsRead() {
        assertThat(read.unreadable())
                .extracting(ManifestReader.Unreadable::message)
                .containsExactly(REAL.resolve("microservices-demo/helm-chart-templates-emailservice.yaml") + ":15: "
                        + ManifestReader.HELM);
        assertThat(SKIPPED.summary())
                .isEqualTo("skipped 11 kinds without pods: ClusterRole (3), "
                        + "ClusterRoleBinding (3), ConfigMap (9), Namespace (1), PodDisruptionBudget (1), Role (1), "
                        + "RoleBinding (1), Secret (1), Service (39), ServiceAccount (16), StorageClass (1)");
    }

    @Test
    void microservicesDemo() {
        Map<String, Set<String>> c = of("microservices-demo/kubernetes-manifests.yaml");
        assertThat(c.keySet().stream().map(k -> k.substring(0, k.indexOf(' '))).distinct())
                .containsExactly(
                        "Deployment/frontend",
                        "Deployment/adservice",
                        "Deployment/currencyservice",
                        "Deployment/cartservice",
                        "Deployment/redis-cart",
                        "Deployment/loadgenerator",
                        "Deployment/recommendationservice",
                        "Deployment/checkoutservice",
                        "Deployment/emailservice",
                        "Deployment/paymentservice",
                        "Deployment/shippingservice",
                        "Deployment/productcatalogservice");
        assertThat(c).hasSize(13);
        assertThat(c.get("Deployment/frontend server"))
                .containsExactly(
                        "productcatalogservice",
                        "currencyservice",
                        "cartservice",
                        "recommendationservice",
                        "shippingservice",
                        "checkoutservice",
                        "adservice",
                        "shoppingassistantservice");
        assertThat(c.get("Deployment/checkoutservice server"))
                .containsExactly(
                        "productcatalogservice",
                        "shippingservice",
                        "paymentservice",
                        "emailservice",
                        "currencyservice",
                        "cartservice");
        assertThat(c.get("Deployment/cartservice server")).containsExactly("redis-cart");
        assertThat(c.get("Deployment/loadgenerator frontend-check"))
                .as("not 'code' from \"status code: ...\"")
                .containsExactly("frontend");
        assertThat(c.get("Deployment/adservice server")).isEmpty();
    }

    @Test
    void openTelemetryDemoExpandsTheCollectorsName() {
        Map<String, Set<String>> c = of("opentelemetry-demo/opentelemetry-demo.yaml");
        assertThat(c.keySet().stream().map(k -> k.substring(0, k.indexOf(' '))).distinct())
                .hasSize(25)
                .contains("StatefulSet/opensearch", "Deployment/checkout", "Deployment/frontend-proxy");
        assertThat(c).hasSize(35);
        // http://$(OTEL_COLLECTOR_NAME):4318 with OTEL_COLLECTOR_NAME=otel-collector defined before it
        assertThat(c.entrySet().stream()
                        .filter(e -> e.getValue().contains("otel-collector"))
                        .count())
                .isEqualTo(19);
        assertThat(c.get("Deployment/checkout checkout"))
                .containsExactly(
                        "cart",
                        "currency",
                        "email",
                        "payment",
                        "product-catalog",
                        "shipping",
                        "kafka",
                        "flagd",
                        "otel-collector");
        assertThat(c.get("Deployment/kafka kafka"))
                .as("not 'controller' from CONTROLLER://:9093")
                .containsExactly("kafka", "otel-collector");
        assertThat(c.get("Deployment/frontend-proxy frontend-proxy"))
                .containsExactly(
                        "flagd",
                        "flagd-ui",
                        "frontend",
                        "grafana",
                        "image-provider",
                        "jaeger-query",
                        "load-generator",
                        "otel-collector");
        assertThat(c.get("StatefulSet/opensearch opensearch")).containsExactly("opensearch-cluster-master-headless");
        assertThat(c.get("Deployment/jaeger jaeger")).containsExactly("prometheus");
    }

    @Test
    void kubernetesExamplesReplicationControllersAndJson() {
        assertThat(of("kubernetes-examples/frontend-controller.yaml"))
                .containsOnlyKeys("ReplicationController/frontend php-redis");
        assertThat(of("kubernetes-examples/meteor-controller.json"))
                .containsOnlyKeys("ReplicationController/meteor-controller meteor");
        assertThat(of("kubernetes-examples/pxc-node1.yaml"))
                .as("WSREP_CLUSTER_ADDRESS: gcomm:// names nothing")
                .containsExactly(Map.entry("ReplicationController/pxc-node1 pxc-node1", Set.of()));
        assertThat(of("kubernetes-examples/cassandra-statefulset.yaml"))
                .as("not io.k8s.cassandra.KubernetesSeedProvider")
                .containsExactly(Map.entry(
                        "StatefulSet/cassandra cassandra", Set.of("cassandra-0.cassandra.default.svc.cluster.local")));
        assertThat(of("kubernetes-examples/vllm-deployment.yaml"))
                .as("not vllm.entrypoints.openai.api_server")
                .containsExactly(Map.entry("Deployment/vllm-gemma-deployment inference-server", Set.of()));
    }

    @Test
    void noFalseNamesAnywhere() {
        Set<String> all = new LinkedHashSet<>();
        NAMES.values().forEach(all::addAll);
        assertThat(all)
                .doesNotContain("file", "code", "controller", "quay.io", "en_us.utf-8", "c.utf-8")
                .allSatisfy(n -> assertThat(n).matches("[a-z0-9._-]+").doesNotContain("$", "_"));
        assertThat(all).hasSize(35);
    }

    @Test
    void aliasesAreRead() {
        ManifestReader.Result r = ManifestReader.read(
                List.of("src/test/resources/manifests/anchors.yaml"), InputStream.nullInputStream());
        assertThat(r.unreadable()).isEmpty();
        Workload w = WorkloadParser.parse(r.manifests().get(0).object()).orElseThrow();
        assertThat(w.containers())
                .extracting(Workload.Container::image)
                .containsExactly("registry.example.com/shop/orders:2.4", "alpine:3.19");
        NameExtractor.ConfigMaps none = (ns, name) -> Optional.empty();
        assertThat(NameExtractor.names(w.containers().get(0), "shop", Map.of(), none))
                .containsExactly("orders-db.shop.svc.cluster.local", "kafka-0.kafka", "kafka-1.kafka");
        assertThat(NameExtractor.names(w.containers().get(1), "shop", Map.of(), none))
                .containsExactly(
                        "orders-db.shop.svc.cluster.local", "kafka-0.kafka", "kafka-1.kafka", "payments.example.com");
    }
}
