package io.dnsprobe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.api.DnsReport;
import io.dnsprobe.api.DnsReportStatus;
import io.dnsprobe.api.DnsReportStatus.NameReport;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.testing.Cleanup;
import io.dnsprobe.testing.MockApiResource;
import io.dnsprobe.testing.MockApiServer;
import io.dnsprobe.testing.RealDnsServer;
import io.dnsprobe.testing.registry.DockerRegistry;
import io.dnsprobe.testing.registry.ImagePusher;
import io.dnsprobe.testing.registry.TestImages;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The audit of what already runs, end to end: about 50 workloads of every kind in four namespaces of
 * the tests' mock API server (fabric8's CRUD mock storing patches as kube-apiserver does), images read from a real registry (Debian's docker-registry) the
 * test fills, names probed on real NSD (truncates to nothing) and BIND (keeps what fits). The operator
 * starts without leader election here, so it leads and audits.
 */
@QuarkusTest
@QuarkusTestResource(value = AuditIT.Setup.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String BIG_URL = "postgres://big.test.example:5432/app";
    private static final String ORDERS_DIGEST =
            TestImages.image("acme/orders:1.4").digest();

    @Inject
    KubernetesClient client;

    @Inject
    Auditor auditor;

    public static class Setup implements QuarkusTestResourceLifecycleManager {
        static RealDnsServer nsd;
        static RealDnsServer bind;
        static DockerRegistry registry;
        static MockApiServer api;
        private final Map<String, String> previous = new HashMap<>();

        @Override
        public Map<String, String> start() {
            try {
                Zone zone = new Zone()
                        .a("small.test.example", "192.0.2.1")
                        .manyA("big.test.example", 40)
                        .manyA("pods.test.example", 64);
                Map<String, String> zones = Map.of(
                        RealDnsServer.ORIGIN,
                        RealDnsServer.zoneFile(RealDnsServer.ORIGIN, zone.records()),
                        "cluster.local",
                        RealDnsServer.zoneFile("cluster.local", List.of()));
                nsd = new RealDnsServer.Nsd(zones, null);
                bind = new RealDnsServer.Bind(zones, null);
                registry = DockerRegistry.builder().start();
                ImagePusher pusher = new ImagePusher(registry);
                for (String image : List.of(
                        "acme/orders:1.4",
                        "acme/gateway:2.0",
                        "debian/base:12",
                        "base/alpine:3.14",
                        "base/alpine:3.18",
                        "base/alpine:3.19",
                        "base/alpine:3.20")) {
                    int colon = image.lastIndexOf(':');
                    pusher.push(image.substring(0, colon), image.substring(colon + 1), TestImages.image(image));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // The project's mock API server, not @WithKubernetesTestServer's: it stores what an API server stores
            // (merge patches replace arrays), so a report updated twice reads back only its new content.
            api = MockApiServer.start();
            Map<String, String> client = MockApiResource.clientProperties(api);
            client.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
            Map<String, String> config = new HashMap<>(client);
            config.putAll(Map.of(
                    "dnsprobe.audit.enabled",
                    "true",
                    "dnsprobe.audit.max-qps",
                    "200",
                    "dnsprobe.webhook.servers",
                    nsd.address() + "," + bind.address(),
                    "dnsprobe.webhook.node-search",
                    RealDnsServer.ORIGIN,
                    "dnsprobe.image.enabled",
                    "true",
                    "dnsprobe.image.insecure-registries",
                    registry.host(),
                    "dnsprobe.image.timeout",
                    "60s",
                    // Short, so a test can outlive a tag's cached digest; a full pass is started by the test.
                    "dnsprobe.image.tag-ttl",
                    "2s"));
            return config;
        }

        @Override
        public void stop() {
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
            Cleanup.closeAll(api, registry, bind, nsd);
        }
    }

    private static String image(String name) {
        return Setup.registry.host() + "/" + name;
    }

    private static PodSpec spec(String image, Map<String, String> env) {
        ContainerBuilder c = new ContainerBuilder().withName("app").withImage(image);
        env.forEach((k, v) -> c.addNewEnv().withName(k).withValue(v).endEnv());
        return new PodSpecBuilder().withContainers(c.build()).build();
    }

    private static PodTemplateSpec template(String image, Map<String, String> env) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .addToLabels("app", "x")
                .endMetadata()
                .withSpec(spec(image, env))
                .build();
    }

    private Deployment deployment(String ns, String name, String image, Map<String, String> env) {
        return client.resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNewSelector()
                        .addToMatchLabels("app", "x")
                        .endSelector()
                        .withTemplate(template(image, env))
                        .endSpec()
                        .build())
                .create();
    }

    private static OwnerReference controller(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .build();
    }

    private Optional<DnsReport> report(String ns, String name) {
        return Optional.ofNullable(
                client.resources(DnsReport.class).inNamespace(ns).withName(name).get());
    }

    private DnsReportStatus awaitReport(String ns, String name, java.util.function.Predicate<DnsReportStatus> until) {
        try {
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> report(ns, name)
                            .map(DnsReport::getStatus)
                            .filter(until)
                            .isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "no such report " + ns + "/" + name + "; the reports are:\n"
                            + io.fabric8.kubernetes.client.utils.Serialization.asYaml(client.resources(DnsReport.class)
                                    .inAnyNamespace()
                                    .list()
                                    .getItems()),
                    e);
        }
        return report(ns, name).orElseThrow().getStatus();
    }

    private List<Event> events(String ns, String workload, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null
                        && workload.equals(e.getInvolvedObject().getName())
                        && reason.equals(e.getReason()))
                .toList();
    }

    @Test
    @Order(1)
    void everyMuslWorkloadGetsAReportOwnedByItAndNothingElseDoes() throws Exception {
        for (String ns : List.of("team-a", "team-b", "team-c", "kube-system")) {
            NamespaceBuilder b =
                    new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata();
            if (ns.equals("team-c")) {
                b.editMetadata().addToLabels("dnsprobe.io/audit", "disabled").endMetadata();
            }
            client.resource(b.build()).create();
        }
        // In this order, so the report's results are too (docs/audit.md shows it).
        Map<String, String> big = new LinkedHashMap<>();
        big.put("DB_URL", BIG_URL);
        big.put("CACHE_HOST", "small.test.example");
        Deployment orders = deployment("team-a", "orders", image("acme/orders:1.4"), big);
        deployment("team-a", "gateway", image("acme/gateway:2.0"), big);
        deployment("team-a", "billing", image("debian/base:12"), big);
        deployment("team-a", "snapshot", image("base/alpine:3.19"), Map.of("PEERS", "pods.test.example"));
        client.resource(new StatefulSetBuilder()
                        .withNewMetadata()
                        .withName("ledger")
                        .withNamespace("team-a")
                        .endMetadata()
                        .withNewSpec()
                        .withTemplate(template(image("base/alpine:3.20"), big))
                        .endSpec()
                        .build())
                .create();
        client.resource(new DaemonSetBuilder()
                        .withNewMetadata()
                        .withName("agent")
                        .withNamespace("team-a")
                        .endMetadata()
                        .withNewSpec()
                        .withTemplate(template(image("base/alpine:3.18"), Map.of("PEERS", "pods.test.example")))
                        .endSpec()
                        .build())
                .create();
        var nightly = client.resource(new CronJobBuilder()
                        .withNewMetadata()
                        .withName("nightly")
                        .withNamespace("team-a")
                        .endMetadata()
                        .withNewSpec()
                        .withSchedule("0 3 * * *")
                        .withNewJobTemplate()
                        .withNewSpec()
                        .withTemplate(template(image("base/alpine:3.14"), big))
                        .endSpec()
                        .endJobTemplate()
                        .endSpec()
                        .build())
                .create();
        client.resource(new JobBuilder()
                        .withNewMetadata()
                        .withName("nightly-29000000")
                        .withNamespace("team-a")
                        .withOwnerReferences(controller(nightly))
                        .endMetadata()
                        .withNewSpec()
                        .withTemplate(template(image("base/alpine:3.14"), big))
                        .endSpec()
                        .build())
                .create();
        client.resource(new JobBuilder()
                        .withNewMetadata()
                        .withName("migrate")
                        .withNamespace("team-a")
                        .endMetadata()
                        .withNewSpec()
                        .withTemplate(template(image("base/alpine:3.14"), Map.of("DB", "small.test.example")))
                        .endSpec()
                        .build())
                .create();
        var legacy = client.resource(new ReplicaSetBuilder()
                        .withNewMetadata()
                        .withName("legacy")
                        .withNamespace("team-a")
                        .endMetadata()
                        .withNewSpec()
                        .withTemplate(template(image("base/alpine:3.14"), big))
                        .endSpec()
                        .build())
                .create();
        client.resource(new ReplicaSetBuilder()
                        .withNewMetadata()
                        .withName("orders-5d4f")
                        .withNamespace("team-a")
                        .withOwnerReferences(controller(orders))
                        .endMetadata()
                        .withNewSpec()
                        .withTemplate(template(image("acme/orders:1.4"), big))
                        .endSpec()
                        .build())
                .create();
        client.resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("legacy-x1")
                        .withNamespace("team-a")
                        .withOwnerReferences(controller(legacy))
                        .endMetadata()
                        .withSpec(spec(image("base/alpine:3.14"), big))
                        .build())
                .create();
        PodSpec debug = spec(image("base/alpine:3.14"), big);
        debug.setDnsConfig(new io.fabric8.kubernetes.api.model.PodDNSConfigBuilder()
                .addNewOption()
                .withName("ndots")
                .withValue("1")
                .endOption()
                .build());
        client.resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("debug")
                        .withNamespace("team-a")
                        .endMetadata()
                        .withSpec(debug)
                        .build())
                .create();
        client.resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("endpoints")
                        .withNamespace("team-a")
                        .endMetadata()
                        .addToData("DB_HOST", "small.test.example")
                        .build())
                .create();
        Container fromCm = new ContainerBuilder()
                .withName("app")
                .withImage(image("base/alpine:3.14"))
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName("endpoints")
                .endConfigMapRef()
                .endEnvFrom()
                .build();
        client.resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("from-cm")
                        .withNamespace("team-a")
                        .endMetadata()
                        .withNewSpec()
                        .withNewSelector()
                        .addToMatchLabels("app", "x")
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .addToLabels("app", "x")
                        .endMetadata()
                        .withNewSpec()
                        .withContainers(fromCm)
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        for (int i = 0; i < 30; i++) {
            if (i % 2 == 0) {
                deployment("team-b", "svc-" + i, image("base/alpine:3.14"), Map.of("DB", "small.test.example"));
            } else {
                deployment("team-b", "svc-" + i, image("debian/base:12"), big);
            }
        }
        deployment("team-c", "opted-out", image("base/alpine:3.14"), big);
        deployment("kube-system", "system", image("base/alpine:3.14"), big);

        DnsReportStatus ordersReport = awaitReport("team-a", "deployment-orders", s -> s.unknown() == 0);
        assertThat(ordersReport.libc()).isEqualTo("musl 1.2.3");
        assertThat(ordersReport.names()).isEqualTo(2);
        assertThat(ordersReport.fails()).isEqualTo(1);
        assertThat(ordersReport.summary()).isEqualTo("1 of 2 names fail on musl: big.test.example");
        // Content, not counts: the model id, the model's own reason (NSD's emptied reply is the worse of the two
        // servers), and what a truncated reply left out.
        assertThat(ordersReport.results())
                .extracting(r -> List.of(
                        r.name(),
                        r.verdict().name(),
                        r.model() == null ? "null" : r.model().id(),
                        String.valueOf(r.reason()),
                        String.valueOf(r.needsTcp()),
                        String.join(",", r.containers())))
                .containsExactlyInAnyOrder(
                        List.of(
                                "big.test.example",
                                "FAILS",
                                "musl-1.2.3",
                                "UDP reply truncated to 0 of 40 A records; "
                                        + "musl <= 1.2.3 never retries over TCP (EAI_NONAME)",
                                "40 A records",
                                "app"),
                        List.of("small.test.example", "OK", "null", "null", "null", "app"));
        assertThat(ordersReport.containers()).singleElement().satisfies(c -> {
            assertThat(c.source()).isEqualTo("image");
            assertThat(c.evidence()).contains("lib/apk/db/installed");
            assertThat(c.image()).isEqualTo(image("acme/orders:1.4"));
            assertThat(c.digest()).as("no Pod runs it yet: the tag, resolved").isEqualTo(ORDERS_DIGEST);
            assertThat(c.digestFrom()).isEqualTo("registry");
            assertThat(c.program()).doesNotContain("null");
        });
        DnsReport owned = report("team-a", "deployment-orders").orElseThrow();
        readmeExample(owned);
        assertThat(owned.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getUid()).isEqualTo(orders.getMetadata().getUid());
            assertThat(o.getKind()).isEqualTo("Deployment");
            assertThat(o.getController()).isTrue();
        });

        DnsReportStatus gateway = awaitReport("team-a", "deployment-gateway", s -> true);
        assertThat(gateway.fails()).isZero();
        assertThat(gateway.summary())
                .contains("no container uses musl's resolver")
                .contains("Go");
        assertThat(awaitReport("team-a", "statefulset-ledger", s -> s.unknown() == 0)
                        .fails())
                .isZero();
        DnsReportStatus agent = awaitReport("team-a", "daemonset-agent", s -> s.unknown() == 0);
        assertThat(agent.libc()).isEqualTo("musl 1.2.4");
        assertThat(agent.results()).singleElement().satisfies(r -> {
            assertThat(r.model()).isEqualTo(MuslVersion.V1_2_4);
            assertThat(r.reason())
                    .isEqualTo("TCP reply for A holds 64 records; musl 1.2.4 rejects replies with more than 63"
                            + " (EAI_NODATA)");
        });
        DnsReportStatus snapshot = awaitReport("team-a", "deployment-snapshot", s -> s.unknown() == 0);
        assertThat(snapshot.libc()).isEqualTo("musl 1.2.4_git20230717");
        assertThat(snapshot.results()).singleElement().satisfies(r -> {
            assertThat(r.verdict()).isEqualTo(NameReport.Verdict.FAILS);
            assertThat(r.model()).isEqualTo(MuslVersion.V1_2_4_GIT20230717);
            assertThat(r.reason())
                    .isEqualTo("TCP reply for A holds 64 records; musl 1.2.4_git rejects replies with more"
                            + " than 63 (EAI_NODATA)");
        });
        assertThat(awaitReport("team-a", "cronjob-nightly", s -> s.unknown() == 0)
                        .fails())
                .isEqualTo(1);
        assertThat(awaitReport("team-a", "job-migrate", s -> s.unknown() == 0).summary())
                .isEqualTo("no name fails: 1 of 1 OK on musl");
        assertThat(awaitReport("team-a", "replicaset-legacy", s -> s.unknown() == 0)
                        .fails())
                .isEqualTo(1);
        assertThat(awaitReport("team-a", "pod-debug", s -> s.unknown() == 0).fails())
                .isEqualTo(1);
        assertThat(awaitReport("team-a", "deployment-from-cm", s -> s.unknown() == 0)
                        .fails())
                .isZero();
        for (int i = 0; i < 30; i += 2) {
            assertThat(awaitReport("team-b", "deployment-svc-" + i, s -> s.unknown() == 0)
                            .fails())
                    .isZero();
        }

        // Nothing for glibc, for what a controller made, for the opted-out and the excluded namespaces.
        assertThat(report("team-a", "deployment-billing")).isEmpty();
        assertThat(report("team-a", "job-nightly-29000000")).isEmpty();
        assertThat(report("team-a", "replicaset-orders-5d4f")).isEmpty();
        assertThat(report("team-a", "pod-legacy-x1")).isEmpty();
        assertThat(report("team-b", "deployment-svc-1")).isEmpty();
        assertThat(report("team-c", "deployment-opted-out")).isEmpty();
        assertThat(report("kube-system", "deployment-system")).isEmpty();
        assertThat(client.resources(DnsReport.class).inAnyNamespace().list().getItems())
                .hasSize(25);

        assertThat(events("team-a", "orders", Auditor.FAILURE)).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getUid())
                    .isEqualTo(orders.getMetadata().getUid());
            assertThat(e.getMessage())
                    .startsWith(
                            "1 of 2 names fail on musl: big.test.example; big.test.example on "
                                    + "musl-1.2.3: UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP");
        });
        Files.writeString(
                Path.of("target", "dnsreports.txt"),
                KubectlTable.render(
                        client.resources(DnsReport.class)
                                .inAnyNamespace()
                                .list()
                                .getItems(),
                        Path.of("crds", "dnsreports.dnsprobe.io-v1.yml")));
    }

    @Test
    @Order(2)
    void aConfigMapChangeIsAuditedAtOnceWithOneEventPerChange() {
        client.configMaps()
                .inNamespace("team-a")
                .withName("endpoints")
                .edit(cm -> new ConfigMapBuilder(cm)
                        .addToData("DB_HOST", "big.test.example")
                        .build());
        DnsReportStatus failing = awaitReport("team-a", "deployment-from-cm", s -> s.fails() == 1);
        assertThat(failing.summary()).isEqualTo("1 of 1 name fails on musl: big.test.example");
        await().atMost(WAIT)
                .until(() -> events("team-a", "from-cm", Auditor.FAILURE).size() == 1);

        // A change that does not change the verdict writes no second Event.
        client.apps()
                .deployments()
                .inNamespace("team-a")
                .withName("from-cm")
                .edit(d -> new DeploymentBuilder(d)
                        .editSpec()
                        .editTemplate()
                        .editMetadata()
                        .addToAnnotations("touched", "1")
                        .endMetadata()
                        .endTemplate()
                        .endSpec()
                        .build());
        client.configMaps()
                .inNamespace("team-a")
                .withName("endpoints")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("UNRELATED", "x").build());
        client.configMaps()
                .inNamespace("team-a")
                .withName("endpoints")
                .edit(cm -> new ConfigMapBuilder(cm)
                        .addToData("DB_HOST", "small.test.example")
                        .build());
        DnsReportStatus resolved = awaitReport("team-a", "deployment-from-cm", s -> s.fails() == 0);
        // This audit's results only (a mock appending merge-patched arrays kept the earlier ones).
        assertThat(resolved.results())
                .containsExactly(
                        new NameReport("small.test.example", List.of("app"), NameReport.Verdict.OK, null, null, null));
        await().atMost(WAIT)
                .until(() -> events("team-a", "from-cm", Auditor.RESOLVED).size() == 1);
        assertThat(events("team-a", "from-cm", Auditor.FAILURE)).hasSize(1);
        assertThat(events("team-a", "from-cm", Auditor.RESOLVED))
                .singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
        assertThat(events("team-a", "orders", Auditor.FAILURE)).hasSize(1);
    }

    @Test
    @Order(3)
    void aWorkloadThatGoesTakesItsReportAndAnOptedOutNamespaceLosesItsReports() {
        client.apps().deployments().inNamespace("team-a").withName("gateway").delete();
        await().atMost(WAIT).until(() -> report("team-a", "deployment-gateway").isEmpty());

        client.namespaces()
                .withName("team-b")
                .edit(n -> new NamespaceBuilder(n)
                        .editMetadata()
                        .addToLabels("dnsprobe.io/audit", "disabled")
                        .endMetadata()
                        .build());
        await().atMost(WAIT)
                .until(() -> client.resources(DnsReport.class)
                        .inNamespace("team-b")
                        .list()
                        .getItems()
                        .isEmpty());
        assertThat(report("team-a", "deployment-orders")).isPresent();
    }

    @Test
    @Order(4)
    void theDigestPodsRunIsJudgedWhateverTheTagNowPointsTo() throws Exception {
        var rs = client.apps()
                .replicaSets()
                .inNamespace("team-a")
                .withName("orders-5d4f")
                .get();
        // A Pod of the Deployment runs orders:1.4 as it was pulled: musl.
        client.resource(ordersPod("orders-5d4f-old", rs, ORDERS_DIGEST)).create();
        await().atMost(WAIT)
                .until(() -> report("team-a", "deployment-orders")
                        .map(DnsReport::getStatus)
                        .filter(s -> s.containers().stream().anyMatch(c -> "pods".equals(c.digestFrom())))
                        .isPresent());

        // CI pushes orders:1.4 again, now on a Debian base; the Pod keeps running the old digest.
        String glibc = new ImagePusher(Setup.registry).push("acme/orders", "1.4", TestImages.image("debian/base:12"));
        assertThat(glibc).isNotEqualTo(ORDERS_DIGEST);
        // Past the tag's cached digest (2 s here), then a full pass: the tag now reads glibc at the registry.
        await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);
        int passes = auditor.passes();
        auditor.fullPass();
        await().atMost(WAIT).until(() -> auditor.passes() > passes);
        DnsReportStatus kept =
                report("team-a", "deployment-orders").orElseThrow().getStatus();
        assertThat(kept.fails()).isEqualTo(1);
        assertThat(kept.containers()).singleElement().satisfies(c -> {
            assertThat(c.digest()).isEqualTo(ORDERS_DIGEST);
            assertThat(c.digestFrom()).isEqualTo("pods");
            assertThat(c.image()).as("as the spec names it").isEqualTo(image("acme/orders:1.4"));
        });

        // A rollout: a second Pod runs the new digest; both are judged and the worst (musl) is reported.
        client.resource(ordersPod("orders-5d4f-new", rs, glibc)).create();
        DnsReportStatus rolling =
                awaitReport("team-a", "deployment-orders", s -> s.containers().size() == 2);
        assertThat(rolling.containers())
                .extracting(c -> c.digest() + " " + c.libc().split(" ")[0])
                .containsExactlyInAnyOrder(ORDERS_DIGEST + " musl", glibc + " glibc");
        assertThat(rolling.fails()).isEqualTo(1);

        // The old Pod goes: glibc is all that runs, the workload is no longer at risk and its report goes.
        client.pods().inNamespace("team-a").withName("orders-5d4f-old").delete();
        await().atMost(WAIT).until(() -> report("team-a", "deployment-orders").isEmpty());
    }

    private static final String YAML_START = "<!-- dnsreport-yaml -->\n```yaml\n";
    private static final String YAML_END = "```\n<!-- /dnsreport-yaml -->";

    /**
     * The {@code kubectl get dnsreport -o yaml} example of docs/audit.md is this report, with what differs from
     * run to run (uids, times, the registry's port) replaced; {@code -Dreadme.update=true} writes it there.
     */
    private static void readmeExample(DnsReport report) throws Exception {
        DnsReport r = io.fabric8.kubernetes.client.utils.Serialization.clone(report);
        r.getMetadata().setUid("6b7a1c52-0d3e-4f0a-9c1e-2f4b8a9d7e10");
        r.getMetadata().setResourceVersion(null);
        r.getMetadata().setCreationTimestamp("2026-12-03T10:00:00Z");
        r.getMetadata().setGeneration(null);
        r.getMetadata().setManagedFields(null);
        r.getMetadata().getOwnerReferences().forEach(o -> o.setUid("0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"));
        String yaml = io.fabric8.kubernetes.client.utils.Serialization.asYaml(r)
                .replaceFirst("^---\n", "")
                .replace(Setup.registry.host(), "registry.example:5000")
                .replace(report.getSpec().workload().uid(), "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9")
                .replace(report.getStatus().lastAudit(), "2026-12-03T10:00:05Z");
        Files.writeString(Path.of("target", "dnsreport-orders.yaml"), yaml);
        Path readme = Path.of("docs/audit.md");
        String text = Files.readString(readme);
        int start = text.indexOf(YAML_START);
        int end = text.indexOf(YAML_END, start);
        assertThat(start).as("docs/audit.md has the markers of the example").isNotNegative();
        String block = text.substring(start + YAML_START.length(), end);
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(readme, text.substring(0, start + YAML_START.length()) + yaml + text.substring(end));
        } else {
            assertThat(block)
                    .as(
                            "docs/audit.md's -o yaml example (rewrite with -Dreadme.update=true; target/dnsreport-orders.yaml)")
                    .isEqualTo(yaml);
        }
    }

    private static io.fabric8.kubernetes.api.model.Pod ordersPod(String name, HasMetadata rs, String digest) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("team-a")
                .withOwnerReferences(controller(rs))
                .endMetadata()
                .withSpec(spec(image("acme/orders:1.4"), Map.of("DB_URL", BIG_URL)))
                .withNewStatus()
                .addNewContainerStatus()
                .withName("app")
                .withImage(image("acme/orders:1.4"))
                .withImageID("docker-pullable://" + image("acme/orders") + "@" + digest)
                .endContainerStatus()
                .endStatus()
                .build();
    }
}
