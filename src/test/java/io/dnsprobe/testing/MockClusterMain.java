package io.dnsprobe.testing;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

/**
 * A stand-in cluster for measuring the packaged operator: the fabric8 mock API server (CRUD) on a
 * loopback port with the committed CRD and COUNT DnsProbes of 5 names each, and an in-process DNS
 * server answering them. Prints when every DnsProbe has a status, then exits after WAIT seconds.
 *
 * <p>Usage: MockClusterMain PORT COUNT WAIT_SECONDS [INTERVAL] (run by .ci/bench-operator and .ci/soak-operator;
 * INTERVAL is each DnsProbe's spec.interval, 10m unless given)
 */
public final class MockClusterMain {
    private MockClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        long waitSeconds = Long.parseLong(args[2]);
        String interval = args.length > 3 ? args[3] : "10m";
        Zone zone = new Zone().a("small.test.example", "192.0.2.1").manyA("big.test.example", 40)
                .manyA("pods.test.example", 64).manyAaaa("v6.test.example", 20).a("db.test.example", "192.0.2.9");
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone, Truncation.EMPTY)) {
            KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                    new KubernetesCrudDispatcher(List.of()), false);
            server.init(InetAddress.getByName("127.0.0.1"), port);
            NamespacedKubernetesClient client = server.createClient();
            try (FileInputStream crd = new FileInputStream("crds/dnsprobes.dnsprobe.io-v1.yml")) {
                client.apiextensions().v1().customResourceDefinitions().load(crd).create();
            }
            DnsProbeSpec spec = DnsProbeSpec.of(List.of("small", "big", "pods", "v6", "db"))
                    .withServers(List.of(dns.address().toString())).withSearch(List.of("test.example"), 5)
                    .withTiming(interval, "2s");
            for (int i = 0; i < count; i++) {
                client.resource(new DnsProbe("team-" + (i % 20), "probe-" + i, spec)).create();
            }
            System.out.println("mock cluster ready at http://127.0.0.1:" + port + " with " + count + " DnsProbes");
            long start = System.nanoTime();
            long deadline = start + waitSeconds * 1_000_000_000L;
            boolean announced = false;
            while (System.nanoTime() < deadline) {
                long done = client.resources(DnsProbe.class).inAnyNamespace().list().getItems().stream()
                        .filter(p -> p.getStatus() != null && p.getStatus().observedGeneration() != null).count();
                if (done == count && !announced) {
                    System.out.printf("all %d DnsProbes have status after %.1f s%n", count, (System.nanoTime() - start) / 1e9);
                    announced = true;
                }
                Thread.sleep(1000);
            }
            System.out.println(announced ? "done" : "not every DnsProbe got a status in time");
            server.destroy();
        }
    }
}
