package io.dnsprobe.monitoring;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.testing.Cleanup;
import io.dnsprobe.testing.Ports;
import io.dnsprobe.testing.PrometheusServer;
import io.dnsprobe.testing.RealDnsServer;
import io.dnsprobe.testing.registry.DockerRegistry;
import io.dnsprobe.testing.registry.ImagePusher;
import io.dnsprobe.testing.registry.TestImages;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The alerts and the dashboard against the running operator: the fabric8 mock API server stands in for
 * Kubernetes, a real BIND (truncates keeping what fits) and a real NSD (truncates to nothing) answer the
 * probes, Debian's docker-registry serves images for the webhook to read, and Debian's Prometheus scrapes
 * /q/metrics every second with the rules of config/prometheus loaded.
 *
 * <p>The scrape job is what the ServiceMonitor makes of the Service: the same path, the same
 * {@code honorLabels}, and the target labels Kubernetes discovery attaches (the pod's namespace among them),
 * so an alert names the DnsProbe's namespace only if the ServiceMonitor keeps it.
 *
 * <p>{@code -Ddashboard.png=docs/dashboard.png} (with {@code -Ddashboard.seconds=180}) also keeps reviews and
 * rounds going for that long and draws the dashboard from this Prometheus into that file.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = MonitoringIT.Servers.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {
    static final Zone ZONE = new Zone()
            .a("small.test.example", "192.0.2.1")
            .manyA("big.test.example", 40)
            .manyA("pods.test.example", 64);
    private static final String NAMESPACE = "shop";
    private static final Instant STARTED = Instant.now();
    private static PrometheusServer prometheus;

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/")
    URL app;

    public static class Servers implements QuarkusTestResourceLifecycleManager {
        static RealDnsServer bind;
        static RealDnsServer nsd;
        static DockerRegistry registry;

        @Override
        public Map<String, String> start() {
            try {
                bind = new RealDnsServer.Bind(ZONE);
                nsd = new RealDnsServer.Nsd(ZONE);
                registry = DockerRegistry.plain();
                ImagePusher pusher = new ImagePusher(registry);
                pusher.push("acme/orders", "1.4", TestImages.image("acme/orders:1.4"));
                pusher.push("debian/base", "12", TestImages.image("debian/base:12"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // Inline probes of the webhook go to NSD, never to this machine's resolver.
            // The audit runs too (its alerts and panels), on the same servers and registry, with a higher query cap.
            return Map.of(
                    "dnsprobe.webhook.servers",
                    nsd.address().toString(),
                    "dnsprobe.image.enabled",
                    "true",
                    "dnsprobe.image.insecure-registries",
                    registry.host(),
                    "dnsprobe.image.failure-ttl",
                    "0s",
                    "dnsprobe.audit.enabled",
                    "true",
                    "dnsprobe.audit.max-qps",
                    "200");
        }

        @Override
        public void stop() {
            Cleanup.closeAll(bind, nsd, registry);
        }
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    @Order(1)
    void aNameThatFailsOnMuslFiresItsAlertInARealPrometheus() throws Exception {
        DnsProbeStatus status = probeAndReview();
        // What the status says FAILS on a musl model, name by name and server by server: the alerts must say the same.
        Set<List<String>> failing = new HashSet<>();
        Set<List<String>> partial = new HashSet<>();
        for (NameResult r : status.results()) {
            for (ModelVerdict v : r.verdicts()) {
                if (v.model().isMusl() && v.verdict() == VerdictKind.FAILS) {
                    failing.add(List.of(r.name(), r.server(), v.model().id()));
                } else if (v.model().isMusl() && v.verdict() == VerdictKind.PARTIAL) {
                    partial.add(List.of(r.name(), r.server(), v.model().id()));
                }
            }
        }
        String nsd = Servers.nsd.address().toString();
        String bind = Servers.bind.address().toString();
        // NSD empties a truncated reply: 40 A records are nothing at all to musl <= 1.2.3.
        assertThat(failing)
                .contains(List.of("big", nsd, "musl-1.2.3"), List.of("pods", bind, "musl-1.2.4"))
                .doesNotContain(List.of("big", bind, "musl-1.2.3"));
        assertThat(partial).contains(List.of("big", bind, "musl-1.2.3"));

        prometheus();
        List<JsonNode> fails = awaitFiring("DnsprobeMuslFails", failing.size());
        Set<List<String>> alerted = new HashSet<>();
        for (JsonNode a : fails) {
            JsonNode l = a.path("labels");
            assertThat(l.path("namespace").asText())
                    .as("the DnsProbe's namespace, not the operator pod's")
                    .isEqualTo(NAMESPACE);
            assertThat(l.path("dnsprobe").asText()).isEqualTo("deps");
            assertThat(l.path("severity").asText()).isEqualTo("warning");
            alerted.add(List.of(
                    l.path("name").asText(),
                    l.path("server").asText(),
                    l.path("model").asText()));
        }
        assertThat(alerted).isEqualTo(failing);
        JsonNode big = fails.stream()
                .filter(a -> a.at("/labels/name").asText().equals("big"))
                .findFirst()
                .orElseThrow();
        assertThat(big.at("/annotations/description").asText())
                .startsWith(
                        "DnsProbe shop/deps: big asked of " + nsd + " fails on musl-1.2.3 where glibc resolves it.");
        assertThat(big.at("/annotations/runbook_url").asText()).endsWith("docs/runbooks/DnsprobeMuslFails.md");

        Set<List<String>> partialAlerts = new HashSet<>();
        for (JsonNode a : awaitFiring("DnsprobeMuslPartial", partial.size())) {
            JsonNode l = a.path("labels");
            partialAlerts.add(List.of(
                    l.path("name").asText(),
                    l.path("server").asText(),
                    l.path("model").asText()));
        }
        assertThat(partialAlerts).isEqualTo(partial);
    }

    @Test
    @Order(2)
    void everyMetricTheRulesAndTheDashboardQueryIsExportedWithItsLabels() throws Exception {
        probeAndReview();
        Exposition exposition = Exposition.parse(
                given().get("/q/metrics").then().statusCode(200).extract().asString());
        List<String[]> queries = new ArrayList<>();
        for (JsonNode a : MonitoringFiles.alerts(MonitoringFiles.ruleGroups())) {
            queries.add(new String[] {a.path("alert").asText(), a.path("expr").asText()});
        }
        queries.addAll(MonitoringFiles.dashboardQueries(MonitoringFiles.dashboard()));
        int selectors = 0;
        for (String[] q : queries) {
            String where = q[0] + ": " + q[1];
            assertThat(PromQl.foreignSelectors(q[1])).as(where).isEmpty();
            List<PromQl.Selector> found = PromQl.selectors(q[1]);
            assertThat(found).as(where).isNotEmpty();
            Set<String> labels = new HashSet<>();
            for (PromQl.Selector s : found) {
                selectors++;
                List<Exposition.Sample> samples = exposition.named(s.metric());
                assertThat(samples)
                        .as(where + ": " + s.metric() + " is exported")
                        .isNotEmpty();
                assertThat(samples).as(where + ": a series of " + s).anyMatch(x -> s.matches(x.name(), x.labels()));
                samples.forEach(x -> labels.addAll(x.labels().keySet()));
            }
            assertThat(labels).as(where + ": labels it groups by").containsAll(PromQl.groupingLabels(q[1]));
        }
        assertThat(selectors).isGreaterThanOrEqualTo(queries.size());
        // Every image read went to the test's registry: none tried to reach one on the internet.
        assertThat(exposition.named("dnsprobe_image_registry_errors_total"))
                .filteredOn(x -> x.labels().get("class").equals("unreachable"))
                .singleElement()
                .satisfies(x -> assertThat(x.value()).isZero());
    }

    @Test
    @Order(3)
    void everyDashboardPanelHasDataInARealPrometheus() throws Exception {
        probeAndReview();
        prometheus();
        String png = System.getProperty("dashboard.png");
        if (png != null) {
            keepGoing(Duration.ofSeconds(Long.getLong("dashboard.seconds", 180)));
        }
        DashboardQueries queries = new DashboardQueries(prometheus.url(), "10s");
        JsonNode dashboard = MonitoringFiles.dashboard();
        // Every query returns data at some point of the run (a panel drawing nothing would be a wrong query).
        // Rates and increases need events while Prometheus watches: per poll a review, and an image read that
        // fails (failures are not kept in this test: failure-ttl 0s).
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    review(Servers.registry.host() + "/acme/orders:1.4", "big.test.example", "CREATE", "musl-1.2.3");
                    review(Servers.registry.host() + "/acme/missing:1", "small.test.example", "CREATE", null);
                    for (DashboardQueries.Panel p :
                            queries.run(dashboard, STARTED, Instant.now(), Duration.ofSeconds(1))) {
                        for (int i = 0; i < p.targets().size(); i++) {
                            assertThat(p.results().get(i))
                                    .as(p.title() + ": " + p.targets().get(i).expr())
                                    .isNotEmpty();
                        }
                    }
                });
        if (png != null) {
            Instant end = Instant.now();
            DashboardPng.write(queries.run(dashboard, STARTED, end, Duration.ofSeconds(2)), STARTED, end, Path.of(png));
        }
    }

    /** The DnsProbes and reviews every test needs, made once; the status of shop/deps once probed. */
    private DnsProbeStatus probeAndReview() {
        if (client.resources(DnsProbe.class)
                        .inNamespace(NAMESPACE)
                        .withName("deps")
                        .get()
                == null) {
            create(
                    "deps",
                    DnsProbeSpec.of(List.of("small", "big", "pods"))
                            .withServers(List.of(
                                    Servers.bind.address().toString(),
                                    Servers.nsd.address().toString())));
            // A server that answers nothing: the unreachable count the rules and the dashboard use.
            create(
                    "down",
                    DnsProbeSpec.of(List.of("small")).withServers(List.of("127.0.0.1:" + Ports.closedUdpPort())));
            reviews();
            // A running workload the audit finds failing: the Deployment the warned review was about.
            client.resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                            .withNewMetadata()
                            .withName("orders")
                            .withNamespace(NAMESPACE)
                            .endMetadata()
                            .withNewSpec()
                            .withNewSelector()
                            .addToMatchLabels("app", "orders")
                            .endSelector()
                            .withNewTemplate()
                            .withNewMetadata()
                            .addToLabels("app", "orders")
                            .endMetadata()
                            .withNewSpec()
                            .addNewContainer()
                            .withName("app")
                            .withImage(Servers.registry.host() + "/acme/orders:1.4")
                            .addNewEnv()
                            .withName("DB_URL")
                            .withValue("jdbc:postgresql://big.test.example:5432/orders")
                            .endEnv()
                            .endContainer()
                            .endSpec()
                            .endTemplate()
                            .endSpec()
                            .build())
                    .create();
        }
        // The audit's gauge is refreshed every 5 s: wait for the workload to be counted as failing.
        java.util.regex.Pattern failing = java.util.regex.Pattern.compile(
                "dnsprobe_audit_workloads\\{libc=\"musl 1\\.2\\.3[^\"]*\",verdict=\"fails\",?} 1\\.0");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> failing.matcher(
                                given().get("/q/metrics").then().extract().asString())
                        .find());
        DnsProbeStatus[] last = new DnsProbeStatus[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    DnsProbe p = client.resources(DnsProbe.class)
                            .inNamespace(NAMESPACE)
                            .withName("deps")
                            .get();
                    DnsProbe down = client.resources(DnsProbe.class)
                            .inNamespace(NAMESPACE)
                            .withName("down")
                            .get();
                    last[0] = p.getStatus();
                    return last[0] != null && last[0].observedGeneration() == 1 && down.getStatus() != null;
                });
        return last[0];
    }

    /** BIND and NSD answer every name, and "down" ends at its ICMP error: 20 s, so that no reply is ever late. */
    private void create(String name, DnsProbeSpec spec) {
        client.resource(new DnsProbe(
                        NAMESPACE,
                        name,
                        spec.withSearch(List.of("test.example"), 5).withTiming("10m", "20s")))
                .create();
    }

    /**
     * Reviews for every outcome the dashboard draws, and image reads for each result: musl, glibc, failed. Every
     * image is in the test's own registry: with image reading on, {@code alpine:3.14} would be looked up on
     * Docker Hub. The warned review declares its libc (the annotation wins over the image).
     */
    private static void reviews() {
        String registry = Servers.registry.host();
        review(
                registry + "/acme/orders:1.4",
                "big.test.example",
                "CREATE",
                "musl-1.2.3"); // warned: the name fails on musl
        review(registry + "/acme/orders:1.4", "small.test.example", "CREATE", null); // clean; read: musl
        review(registry + "/acme/orders:1.4", "small.test.example", "DELETE", null); // skipped
        review(registry + "/debian/base:12", "small.test.example", "CREATE", null); // read: glibc
        review(registry + "/acme/missing:1", "small.test.example", "CREATE", null); // read: not_found, failed
    }

    private static void review(String image, String host, String operation, String libc) {
        ObjectNode d = MonitoringFiles.JSON
                .createObjectNode()
                .put("apiVersion", "apps/v1")
                .put("kind", "Deployment");
        ObjectNode metadata = d.putObject("metadata").put("name", "orders").put("namespace", NAMESPACE);
        if (libc != null) {
            metadata.putObject("annotations").put("dnsprobe.io/libc", libc);
        }
        ObjectNode c = d.putObject("spec")
                .putObject("template")
                .putObject("spec")
                .putArray("containers")
                .addObject()
                .put("name", "app")
                .put("image", image);
        c.putArray("env").addObject().put("name", "DB_URL").put("value", "jdbc:postgresql://" + host + ":5432/orders");
        ObjectNode r = MonitoringFiles.JSON
                .createObjectNode()
                .put("apiVersion", "admission.k8s.io/v1")
                .put("kind", "AdmissionReview");
        ObjectNode req = r.putObject("request")
                .put("uid", UUID.randomUUID().toString())
                .put("namespace", NAMESPACE)
                .put("operation", operation);
        req.putObject("kind").put("group", "apps").put("version", "v1").put("kind", "Deployment");
        req.set("object", d);
        given().contentType(ContentType.JSON)
                .body(r.toString())
                .when()
                .post("/validate")
                .then()
                .statusCode(200);
    }

    /** Started once per class: scrapes this app's /q/metrics as the ServiceMonitor would, rules with a short `for`. */
    private void prometheus() throws Exception {
        if (prometheus != null) {
            return;
        }
        JsonNode monitor = MonitoringFiles.only(MonitoringFiles.kustomize("config/prometheus"), "ServiceMonitor");
        JsonNode endpoint = monitor.at("/spec/endpoints/0");
        String config = """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yaml]
                scrape_configs:
                  - job_name: dnsprobe-webhook
                    metrics_path: %s
                    honor_labels: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        # What Kubernetes service discovery attaches to the target of a ServiceMonitor.
                        labels: {namespace: %s, pod: dnsprobe-operator-0, service: dnsprobe-webhook, endpoint: %s}
                """.formatted(
                        endpoint.path("path").asText(),
                        endpoint.path("honorLabels").asBoolean(false),
                        app.getPort(),
                        monitor.at("/metadata/namespace").asText(),
                        endpoint.path("port").asText());
        prometheus = new PrometheusServer(config, MonitoringFiles.rulesWithFor(MonitoringFiles.ruleGroups(), "1s"));
    }

    private static List<JsonNode> firing(String alert) throws Exception {
        JsonNode body = MonitoringFiles.JSON.readTree(prometheus.get("/api/v1/alerts"));
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode a : body.at("/data/alerts")) {
            if (a.at("/labels/alertname").asText().equals(alert)
                    && a.path("state").asText().equals("firing")) {
                found.add(a);
            }
        }
        return found;
    }

    /** Polls Prometheus's alerts until {@code count} of them fire (scrape 1 s, evaluation 1 s, `for` 1 s). */
    private static List<JsonNode> awaitFiring(String alert, int count) {
        List<List<JsonNode>> last = new ArrayList<>(List.of(List.of()));
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        last.set(0, firing(alert));
                        return last.get(0).size() >= count;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    alert + ": " + last.get(0).size() + " of " + count + " firing; alerts: "
                            + safe(() -> prometheus.get("/api/v1/alerts")) + "\nPrometheus log:\n" + prometheus.log(),
                    e);
        }
        return last.get(0);
    }

    private static String safe(java.util.concurrent.Callable<String> c) {
        try {
            return c.call();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** For the picture only: reviews every half second, a new DnsProbe half-way, a spec change near the end. */
    private void keepGoing(Duration length) throws InterruptedException {
        Instant end = Instant.now().plus(length);
        Instant half = Instant.now().plus(length.dividedBy(2));
        boolean added = false;
        int i = 0;
        String registry = Servers.registry.host();
        while (Instant.now().isBefore(end)) {
            review(registry + "/acme/orders:1.4", "big.test.example", "CREATE", "musl-1.2.3");
            review(registry + "/acme/orders:1.4", "small.test.example", i % 3 == 0 ? "DELETE" : "CREATE", null);
            if (i % 4 == 0) {
                review(registry + "/acme/missing:1", "small.test.example", "CREATE", null);
            }
            if (i % 8 == 0) {
                // CI pushes a tag per deploy: a new tag is a new read (the layers are known).
                String tag = "1.4." + i;
                new ImagePusher(Servers.registry).push("acme/orders", tag, TestImages.image("acme/orders:1.4"));
                review(Servers.registry.host() + "/acme/orders:" + tag, "small.test.example", "CREATE", null);
            }
            if (!added && Instant.now().isAfter(half)) {
                create(
                        "headless",
                        DnsProbeSpec.of(List.of("big", "pods"))
                                .withServers(List.of(
                                        Servers.bind.address().toString(),
                                        Servers.nsd.address().toString())));
                added = true;
            }
            Thread.sleep(i++ % 10 == 0 ? 2000 : 500);
        }
    }
}
