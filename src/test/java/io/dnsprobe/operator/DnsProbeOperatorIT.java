package io.dnsprobe.operator;

import static io.dnsprobe.testing.Statuses.condition;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.report.Kept;
import io.dnsprobe.testing.MockApiResource;
import io.dnsprobe.testing.MockApiServer;
import io.dnsprobe.testing.Ports;
import io.dnsprobe.testing.RealDnsServer;
import io.dnsprobe.testing.Statuses;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator end to end: the tests' mock API server (fabric8's CRUD mock storing patches as kube-apiserver
 * does, {@link MockApiServer}) stands in for Kubernetes, a real BIND on loopback answers the probes.
 */
@QuarkusTest
@QuarkusTestResource(value = MockApiResource.class, restrictToAnnotatedClass = true)
class DnsProbeOperatorIT {
    private static final Zone ZONE = new Zone()
            .a("small.test.example", "192.0.2.1")
            .manyA("big.test.example", 40)
            .manyA("pods.test.example", 64);
    /**
     * BIND answers every name here, and a probe times on the wall clock: a hang guard's length, so that no reply is
     * late on a busy machine (a late one is no verdict). Changed by a second to make a new generation.
     */
    private static final String ANSWERED = "20s";

    private static RealDnsServer bind;

    @Inject
    KubernetesClient client;

    @BeforeAll
    static void startBind() throws Exception {
        bind = new RealDnsServer.Bind(ZONE);
    }

    @AfterAll
    static void stopBind() throws Exception {
        bind.close();
    }

    private DnsProbe create(String namespace, String name, DnsProbeSpec spec) {
        return client.resource(new DnsProbe(namespace, name, spec)).create();
    }

    private DnsProbeSpec spec(String... names) {
        return DnsProbeSpec.of(List.of(names))
                .withServers(List.of(bind.address().toString()))
                .withSearch(List.of("test.example"), 5)
                .withTiming("10m", ANSWERED);
    }

    private DnsProbeStatus awaitStatus(String namespace, String name, Predicate<DnsProbeStatus> done) {
        return Statuses.awaitStatus(client, namespace, name, done);
    }

    private static ModelVerdict verdict(DnsProbeStatus s, String name, String model) {
        NameResult r = s.results().stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        return r.verdicts().stream()
                .filter(v -> v.model().id().equals(model))
                .findFirst()
                .orElseThrow();
    }

    private List<Event> events(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    @Test
    void aLargeAndASmallNameGetVerdictsAndASpecChangeReprobes() {
        create("team-a", "web", spec("small", "big"));
        DnsProbeStatus s = awaitStatus("team-a", "web", st -> st.observedGeneration() == 1);

        assertThat(s.names()).isEqualTo(2);
        assertThat(s.truncated()).isEqualTo(1);
        assertThat(s.muslFails()).isZero();
        assertThat(s.muslPartial()).isEqualTo(1);
        assertThat(s.maxBytes()).isGreaterThan(512);
        assertThat(s.lastProbeTime()).isNotBlank();
        NameResult big = s.results().stream()
                .filter(r -> r.name().equals("big"))
                .findFirst()
                .orElseThrow();
        assertThat(big.candidate()).isEqualTo("big.test.example");
        assertThat(big.truncated()).containsExactly("A");
        assertThat(big.kept()).containsExactly(new Kept("A", 29, 40));
        assertThat(big.server()).isEqualTo(bind.address().toString());
        assertThat(verdict(s, "big", "musl-1.2.3").verdict()).isEqualTo(VerdictKind.PARTIAL);
        assertThat(verdict(s, "big", "musl-1.2.3").reason()).contains("29 of 40 A records");
        assertThat(verdict(s, "big", "glibc").result()).isEqualTo("40 addresses");
        assertThat(verdict(s, "small", "musl-1.2.3").verdict()).isEqualTo(VerdictKind.OK);
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Truncated").getStatus()).isEqualTo("True");
        assertThat(condition(s, "MuslIncompatible").getReason()).isEqualTo("MuslPartial");
        assertThat(s.conditions())
                .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(1L));

        // A spec change probes again at once, though the interval is 10 minutes.
        DnsProbe current = client.resources(DnsProbe.class)
                .inNamespace("team-a")
                .withName("web")
                .get();
        current.setSpec(current.getSpec().withNames(List.of("small", "big", "pods")));
        client.resource(current).update();
        DnsProbeStatus s2 = awaitStatus("team-a", "web", st -> st.observedGeneration() == 2);
        assertThat(s2.names()).isEqualTo(3);
        assertThat(s2.muslFails()).isEqualTo(1);
        assertThat(verdict(s2, "pods", "musl-1.2.4").verdict()).isEqualTo(VerdictKind.FAILS);
        assertThat(condition(s2, "MuslIncompatible").getReason()).isEqualTo("MuslFails");
        assertThat(condition(s2, "Truncated").getLastTransitionTime())
                .as("Truncated stayed True: its transition time does not move")
                .isEqualTo(condition(s, "Truncated").getLastTransitionTime());
    }

    /**
     * Event counts are read at settled points only. The reconciler records a round's events before it
     * patches that round's status, and never runs two reconciliations of one DnsProbe at once; so when
     * the status of a later generation is visible, every earlier reconciliation has finished and its events
     * are in. Each count below is taken after such a generation, never while one may still be under way.
     */
    @Test
    void eventsAreEmittedOncePerVerdictChange() throws Exception {
        create("team-b", "api", spec("big"));
        awaitStatus("team-b", "api", st -> st.observedGeneration() == 1);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> events("team-b", "api").size() >= 1);
        Event first = events("team-b", "api").get(0);
        assertThat(first.getType()).isEqualTo("Warning");
        assertThat(first.getReason()).isEqualTo("MuslIncompatible");
        assertThat(first.getMessage()).startsWith("big: musl-1.2.3 PARTIAL: UDP reply truncated to 29 of 40 A records");

        // Reconciled again without a verdict change: a label (no new generation), then a new generation
        // that probes again and finds the same. Once that round's status is out, still one event.
        DnsProbe p = client.resources(DnsProbe.class)
                .inNamespace("team-b")
                .withName("api")
                .get();
        p.getMetadata().setLabels(Map.of("touched", "yes"));
        client.resource(p).update();
        p = client.resources(DnsProbe.class)
                .inNamespace("team-b")
                .withName("api")
                .get();
        p.setSpec(p.getSpec().withTiming("10m", "21s"));
        long same = client.resource(p).update().getMetadata().getGeneration();
        awaitStatus("team-b", "api", st -> st.observedGeneration() >= same);
        assertThat(events("team-b", "api")).as("same verdicts, no new event").hasSize(1);

        // The same name served by a server where it is small: the verdict changes back, one Normal event.
        try (LoopbackDnsServer shrunk =
                LoopbackDnsServer.start(new Zone().manyA("big.test.example", 2), Truncation.PARTIAL)) {
            p = client.resources(DnsProbe.class)
                    .inNamespace("team-b")
                    .withName("api")
                    .get();
            p.setSpec(p.getSpec().withServers(List.of(shrunk.address().toString())));
            long small = client.resource(p).update().getMetadata().getGeneration();
            awaitStatus("team-b", "api", st -> st.observedGeneration() >= small && st.muslPartial() == 0);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> events("team-b", "api").size() >= 2);
            // Settle: one more round with nothing new, so that any late or repeated event of round 3 would be in.
            p = client.resources(DnsProbe.class)
                    .inNamespace("team-b")
                    .withName("api")
                    .get();
            p.setSpec(p.getSpec().withTiming("10m", "22s"));
            long settled = client.resource(p).update().getMetadata().getGeneration();
            awaitStatus("team-b", "api", st -> st.observedGeneration() >= settled && st.muslPartial() == 0);
        }
        List<Event> all = events("team-b", "api");
        assertThat(all).hasSize(2);
        assertThat(all)
                .filteredOn(e -> e.getReason().equals("Resolved"))
                .singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
    }

    @Test
    void anUnreachableServerIsReadyFalseAndOthersKeepReconciling() throws Exception {
        int closedPort = Ports.closedUdpPort();
        create(
                "team-c",
                "down",
                DnsProbeSpec.of(List.of("small.test.example."))
                        .withServers(List.of("127.0.0.1:" + closedPort))
                        .withTiming("10m", "500ms"));
        create("team-c", "bad-name", spec("ok", "10.0.0.1"));
        create("team-c", "fine", spec("small"));

        DnsProbeStatus down = awaitStatus("team-c", "down", st -> st.observedGeneration() == 1);
        assertThat(condition(down, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(down, "Ready").getReason()).isEqualTo("ServerUnreachable");
        assertThat(condition(down, "Ready").getMessage()).contains("ICMP port unreachable");
        assertThat(down.results().get(0).error()).startsWith("no reply from 127.0.0.1:" + closedPort);

        DnsProbeStatus bad = awaitStatus("team-c", "bad-name", st -> st.observedGeneration() == 1);
        assertThat(condition(bad, "Ready").getReason()).isEqualTo("InvalidName");
        assertThat(condition(bad, "Ready").getMessage()).contains("10.0.0.1").contains("IP address");

        DnsProbeStatus fine = awaitStatus("team-c", "fine", st -> st.observedGeneration() == 1);
        assertThat(condition(fine, "Ready").getStatus()).isEqualTo("True");
    }

    @Test
    void deletingADnsProbeRemovesItsMetricSeries() {
        create("team-d", "gone", spec("big"));
        awaitStatus("team-d", "gone", st -> st.observedGeneration() == 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics().contains("dnsprobe=\"gone\""));
        String metrics = metrics();
        assertThat(metrics)
                .containsPattern("dnsprobe_reply_truncated\\{[^}]*dnsprobe=\"gone\"[^}]*type=\"A\"[^}]*} 1\\.0")
                .containsPattern("dnsprobe_verdict\\{[^}]*dnsprobe=\"gone\"[^}]*model=\"musl-1.2.3\"[^}]*} 1\\.0")
                .containsPattern(
                        "dnsprobe_reply_bytes\\{[^}]*dnsprobe=\"gone\"[^}]*transport=\"tcp\"[^}]*type=\"A\"[^}]*}")
                .containsPattern("dnsprobe_probe_duration_seconds_count\\{[^}]*dnsprobe=\"gone\"");

        client.resources(DnsProbe.class).inNamespace("team-d").withName("gone").delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> !metrics().contains("dnsprobe=\"gone\""));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
