package io.dnsprobe.testing;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.api.DnsReport;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A stand-in cluster for measuring the packaged operator: the fabric8 mock API server (CRUD) on a
 * loopback port with the committed CRDs and COUNT DnsProbes of 5 names each, and an in-process DNS
 * server answering them. Prints when every DnsProbe has a status, then exits after WAIT seconds.
 *
 * <p>With WORKLOADS, it also creates that many workloads for the audit (Deployments, StatefulSets,
 * DaemonSets, CronJobs across 20 namespaces, whose Namespace objects it creates), nine in ten of them
 * musl by their image name ({@code alpine:3.14} to {@code alpine:3.20}) or the {@code dnsprobe.io/libc}
 * annotation, one in ten glibc by the annotation, with env values naming about 400 hosts. Those names are
 * served by a second in-process DNS server, the audit's, whose address the ready line gives: run the
 * operator with {@code -Ddnsprobe.webhook.servers=<it> -Ddnsprobe.webhook.node-search=test.example
 * -Ddnsprobe.image.enabled=false}. It prints when every musl workload has a DnsReport with a status (and
 * the epoch millisecond of that, for the caller to subtract the operator's start), and the queries that
 * server received per distinct (name, namespace) the workloads refer to; then a status line every 30 s.
 * The audit's queries are counted apart from the DnsProbes'.
 *
 * <p>Usage: MockClusterMain PORT COUNT WAIT_SECONDS [INTERVAL] [WORKLOADS] (run by .ci/bench-operator,
 * .ci/soak-operator and .ci/bench-audit; INTERVAL is each DnsProbe's spec.interval, 10m unless given;
 * WORKLOADS 0 unless given)
 */
public final class MockClusterMain {
    private static final int NAMESPACES = 20;
    private static final int DB_NAMES = 200;
    private static final int CACHE_NAMES = 150;
    private static final int MQ_NAMES = 50;

    private MockClusterMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        long waitSeconds = Long.parseLong(args[2]);
        String interval = args.length > 3 ? args[3] : "10m";
        int workloads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        Zone zone = new Zone()
                .a("small.test.example", "192.0.2.1")
                .manyA("big.test.example", 40)
                .manyA("pods.test.example", 64)
                .manyAaaa("v6.test.example", 20)
                .a("db.test.example", "192.0.2.9");
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone, Truncation.EMPTY);
                LoopbackDnsServer auditDns =
                        workloads > 0 ? LoopbackDnsServer.start(auditZone(), Truncation.EMPTY) : null) {
            KubernetesMockServer server = new KubernetesMockServer(
                    new Context(), new MockWebServer(), new HashMap<>(), new ApiServerDispatcher(), false);
            server.init(InetAddress.getByName("127.0.0.1"), port);
            NamespacedKubernetesClient client = server.createClient();
            for (String crdFile : List.of("crds/dnsprobes.dnsprobe.io-v1.yml", "crds/dnsreports.dnsprobe.io-v1.yml")) {
                try (FileInputStream crd = new FileInputStream(crdFile)) {
                    client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .load(crd)
                            .create();
                }
            }
            DnsProbeSpec spec = DnsProbeSpec.of(List.of("small", "big", "pods", "v6", "db"))
                    .withServers(List.of(dns.address().toString()))
                    .withSearch(List.of("test.example"), 5)
                    .withTiming(interval, "2s");
            for (int i = 0; i < count; i++) {
                client.resource(new DnsProbe("team-" + (i % 20), "probe-" + i, spec))
                        .create();
            }
            Expected expected = workloads > 0 ? createWorkloads(client, workloads) : null;
            System.out.println("mock cluster ready at http://127.0.0.1:" + port + " with " + count + " DnsProbes"
                    + (expected == null
                            ? ""
                            : " and " + workloads + " workloads (" + expected.reports.size()
                                    + " musl, " + expected.pairs + " distinct (name, namespace)); audit DNS at "
                                    + auditDns.address()));
            long start = System.nanoTime();
            long deadline = start + waitSeconds * 1_000_000_000L;
            boolean announced = count == 0;
            boolean reported = expected == null;
            long lastReportCheck = 0;
            long lastStatusLine = start;
            while (System.nanoTime() < deadline) {
                if (!announced) {
                    long done = client.resources(DnsProbe.class).inAnyNamespace().list().getItems().stream()
                            .filter(p -> p.getStatus() != null && p.getStatus().observedGeneration() != null)
                            .count();
                    if (done == count) {
                        System.out.printf(
                                "all %d DnsProbes have status after %.1f s%n",
                                count, (System.nanoTime() - start) / 1e9);
                        announced = true;
                    }
                }
                long now = System.nanoTime();
                if (!reported && now - lastReportCheck >= 2_000_000_000L) {
                    lastReportCheck = now;
                    Reports r = reports(client, expected);
                    if (r.done == expected.reports.size()) {
                        System.out.printf(
                                "all %d DnsReports exist after %.1f s (at epoch ms %d); %d fail on musl, "
                                        + "%d unexpected; audit DNS: %s%n",
                                r.done,
                                (System.nanoTime() - start) / 1e9,
                                System.currentTimeMillis(),
                                r.failing,
                                r.unexpected,
                                queries(auditDns, expected));
                        reported = true;
                        lastStatusLine = now;
                    }
                }
                if (expected != null && now - lastStatusLine >= 30_000_000_000L) {
                    lastStatusLine = now;
                    Reports r = reports(client, expected);
                    System.out.printf(
                            "at %.0f s: %d of %d DnsReports; audit DNS: %s%n",
                            (now - start) / 1e9, r.done, expected.reports.size(), queries(auditDns, expected));
                }
                Thread.sleep(1000);
            }
            if (expected != null) {
                System.out.println("at exit: audit DNS " + queries(auditDns, expected));
            }
            System.out.println(
                    announced && reported
                            ? "done"
                            : !announced
                                    ? "not every DnsProbe got a status in time"
                                    : "not every DnsReport was written in time");
            server.destroy();
        }
    }

    /** The audit's names: db-N (one in ten with 40 A records, too many for UDP), cache-N, mq-N (one in five with 20 AAAA). */
    private static Zone auditZone() {
        Zone zone = new Zone()
                .a("small.test.example", "192.0.2.1")
                .manyA("big.test.example", 40)
                .a("collector.test.example", "192.0.2.7");
        for (int k = 0; k < DB_NAMES; k++) {
            if (k % 10 == 0) {
                zone.manyA("db-" + k + ".test.example", 40);
            } else {
                zone.a("db-" + k + ".test.example", "192.0.2." + (10 + k % 200));
            }
        }
        for (int k = 0; k < CACHE_NAMES; k++) {
            zone.a("cache-" + k + ".test.example", "198.51.100." + (k % 250));
        }
        for (int k = 0; k < MQ_NAMES; k++) {
            if (k % 5 == 0) {
                zone.manyAaaa("mq-" + k + ".test.example", 20);
            } else {
                zone.a("mq-" + k + ".test.example", "203.0.113." + k);
            }
        }
        return zone;
    }

    /** Report names (namespace/name) of the musl workloads, and how many (name, namespace) they refer to. */
    private record Expected(Set<String> reports, int pairs) {}

    private record Reports(int done, int failing, int unexpected) {}

    private static Reports reports(NamespacedKubernetesClient client, Expected expected) {
        int done = 0;
        int failing = 0;
        int unexpected = 0;
        for (DnsReport r :
                client.resources(DnsReport.class).inAnyNamespace().list().getItems()) {
            if (!expected.reports.contains(
                    r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())) {
                unexpected++;
            } else if (r.getStatus() != null && r.getStatus().lastAudit() != null) {
                done++;
                if (r.getStatus().fails() != null && r.getStatus().fails() > 0) {
                    failing++;
                }
            }
        }
        return new Reports(done, failing, unexpected);
    }

    private static String queries(LoopbackDnsServer auditDns, Expected expected) {
        int udp = auditDns.udpQueries();
        int tcp = auditDns.tcpQueries();
        return String.format(
                "%d UDP + %d TCP queries, %.2f per distinct (name, namespace) of %d",
                udp, tcp, (udp + tcp) / (double) expected.pairs, expected.pairs);
    }

    /**
     * Deterministic (seeded) workloads: 7 in 10 Deployments, then StatefulSets, DaemonSets, CronJobs; the
     * namespace is i mod 20. Each main container has eight env vars, three or four of them naming hosts; one
     * in four musl workloads has a second container (an agent naming one more host).
     */
    private static Expected createWorkloads(NamespacedKubernetesClient client, int n) {
        for (int ns = 0; ns < NAMESPACES; ns++) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("team-" + ns)
                            .addToLabels("team", "t" + ns)
                            .endMetadata()
                            .build())
                    .create();
        }
        Random random = new Random(42);
        Set<String> reports = new HashSet<>();
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String namespace = "team-" + (i % NAMESPACES);
            String name = "app-" + i;
            int kindPick = random.nextInt(10);
            int libcPick = random.nextInt(10);
            Map<String, String> annotations = new LinkedHashMap<>();
            String image;
            boolean musl = true;
            if (libcPick == 9) {
                image = "registry.example/billing/api:1." + random.nextInt(7);
                annotations.put("dnsprobe.io/libc", "glibc");
                musl = false;
            } else if (libcPick == 8) {
                image = "registry.example/edge/gateway:2." + random.nextInt(4);
                annotations.put("dnsprobe.io/libc", "musl-1.2.4");
            } else {
                image = "alpine:" + List.of("3.14", "3.16", "3.18", "3.20").get(random.nextInt(4));
            }
            List<String> names = new ArrayList<>();
            String db = "db-" + random.nextInt(DB_NAMES) + ".test.example";
            String cache = "cache-" + random.nextInt(CACHE_NAMES) + ".test.example";
            names.add(db);
            names.add(cache);
            List<EnvVar> env = new ArrayList<>();
            env.add(new EnvVar("DB_URL", "postgres://" + db + ":5432/app" + i + "?sslmode=require", null));
            env.add(new EnvVar("CACHE_HOST", cache, null));
            if (random.nextInt(3) == 0) {
                String mq = "mq-" + random.nextInt(MQ_NAMES) + ".test.example";
                names.add(mq);
                env.add(new EnvVar("KAFKA_BROKERS", mq + ":9092," + mq + ":9093", null));
            }
            String shared = random.nextInt(5) == 0 ? "big.test.example" : "small.test.example";
            names.add(shared);
            env.add(new EnvVar("UPSTREAM_URL", "https://" + shared + "/v1", null));
            env.add(new EnvVar("LOG_LEVEL", i % 3 == 0 ? "debug" : "info", null));
            env.add(new EnvVar("TZ", "UTC", null));
            env.add(new EnvVar("APP_NAME", name, null));
            env.add(new EnvVar("JAVA_OPTS", "-XX:MaxRAMPercentage=75 -Dapp.config=/etc/app/app.yaml", null));
            List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>();
            containers.add(new ContainerBuilder()
                    .withName("app")
                    .withImage(image)
                    .withEnv(env)
                    .withArgs("--port=8080", "--config=/etc/app/app.yaml")
                    .build());
            if (musl && libcPick < 8 && random.nextInt(4) == 0) {
                names.add("collector.test.example");
                containers.add(new ContainerBuilder()
                        .withName("agent")
                        .withImage("alpine:3.18")
                        .withEnv(new EnvVar("COLLECTOR_HOST", "collector.test.example", null))
                        .build());
            }
            Map<String, String> labels = Map.of("app", name, "team", namespace);
            PodTemplateSpec template = new PodTemplateSpecBuilder()
                    .withNewMetadata()
                    .withLabels(labels)
                    .withAnnotations(annotations)
                    .endMetadata()
                    .withNewSpec()
                    .withContainers(containers)
                    .endSpec()
                    .build();
            ObjectMeta meta = new ObjectMetaBuilder()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .build();
            var selector = new LabelSelectorBuilder()
                    .withMatchLabels(Map.of("app", name))
                    .build();
            HasMetadata w = switch (kindPick) {
                case 7 ->
                    new StatefulSetBuilder()
                            .withMetadata(meta)
                            .withNewSpec()
                            .withServiceName(name)
                            .withReplicas(1)
                            .withSelector(selector)
                            .withTemplate(template)
                            .endSpec()
                            .build();
                case 8 ->
                    new DaemonSetBuilder()
                            .withMetadata(meta)
                            .withNewSpec()
                            .withSelector(selector)
                            .withTemplate(template)
                            .endSpec()
                            .build();
                case 9 ->
                    new CronJobBuilder()
                            .withMetadata(meta)
                            .withNewSpec()
                            .withSchedule("17 * * * *")
                            .withNewJobTemplate()
                            .withNewSpec()
                            .withTemplate(new PodTemplateSpecBuilder(template)
                                    .editSpec()
                                    .withRestartPolicy("OnFailure")
                                    .endSpec()
                                    .build())
                            .endSpec()
                            .endJobTemplate()
                            .endSpec()
                            .build();
                default ->
                    new DeploymentBuilder()
                            .withMetadata(meta)
                            .withNewSpec()
                            .withReplicas(2)
                            .withSelector(selector)
                            .withTemplate(template)
                            .endSpec()
                            .build();
            };
            client.resource(w).create();
            if (musl) {
                reports.add(namespace + "/" + w.getKind().toLowerCase() + "-" + name);
                for (String host : names) {
                    pairs.add(host + " " + namespace);
                }
            }
        }
        return new Expected(reports, pairs.size());
    }
}
