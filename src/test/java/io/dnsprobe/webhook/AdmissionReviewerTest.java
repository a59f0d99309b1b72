package io.dnsprobe.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.workload.NameExtractor;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.WorkloadChecker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import org.junit.jupiter.api.Test;

/** The review without HTTP: outcomes, failing open, and what is counted. */
class AdmissionReviewerTest {
    private static final LibcDetector DETECTOR = new LibcDetector(Map.of());
    private static final NameExtractor.ConfigMaps NO_CONFIG_MAPS = (ns, n) -> Optional.empty();
    private static final WorkloadChecker.Verdicts FAILS =
            (ns, name, dns) -> CompletableFuture.completedFuture(Optional.of(new NameVerdicts(
                    name,
                    Map.of(MuslVersion.UP_TO_1_2_3, new NameVerdicts.Judgement(VerdictKind.FAILS, "x")),
                    "40 A records",
                    "test")));

    private static JsonNode request(String operation, String image) throws Exception {
        return new ObjectMapper().readTree("""
                {"uid": "u1", "operation": "%s", "namespace": "shop",
                 "object": {"kind": "Pod", "metadata": {"name": "p"},
                            "spec": {"containers": [{"name": "app", "image": "%s",
                                     "env": [{"name": "DB_HOST", "value": "db.example.com"}]}]}}}""".formatted(operation, image));
    }

    private static AdmissionDecision review(
            JsonNode request, WorkloadChecker.Verdicts verdicts, boolean enforce, DoubleAdder unknown)
            throws Exception {
        return AdmissionReviewer.review(
                        request,
                        DETECTOR,
                        WorkloadChecker.Images.NONE,
                        NO_CONFIG_MAPS,
                        verdicts,
                        ns -> enforce,
                        Duration.ofMillis(300),
                        500,
                        unknown::add)
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    @Test
    void outcomesFollowWhatWasFound() throws Exception {
        DoubleAdder unknown = new DoubleAdder();
        assertThat(review(request("DELETE", "alpine:3.14"), FAILS, false, unknown)
                        .outcome())
                .isEqualTo(AdmissionDecision.Outcome.SKIPPED);
        assertThat(review(request("CREATE", "eclipse-temurin:17"), FAILS, false, unknown)
                        .outcome())
                .isEqualTo(AdmissionDecision.Outcome.CLEAN);
        AdmissionDecision warned = review(request("CREATE", "alpine:3.14"), FAILS, false, unknown);
        assertThat(warned.outcome()).isEqualTo(AdmissionDecision.Outcome.WARNED);
        assertThat(warned.allowed()).isTrue();
        AdmissionDecision denied = review(request("CREATE", "alpine:3.14"), FAILS, true, unknown);
        assertThat(denied.outcome()).isEqualTo(AdmissionDecision.Outcome.DENIED);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.toReview().at("/response/status/code").asInt()).isEqualTo(403);
        assertThat(unknown.sum()).isZero();
    }

    @Test
    void anInternalErrorAllowsWithOneWarningEvenWhenEnforcing() throws Exception {
        WorkloadChecker.Verdicts broken = (ns, name, dns) -> {
            throw new IllegalStateException("verdict cache is broken");
        };
        for (boolean enforce : new boolean[] {false, true}) {
            AdmissionDecision d = review(request("CREATE", "alpine:3.14"), broken, enforce, new DoubleAdder());
            assertThat(d.outcome()).isEqualTo(AdmissionDecision.Outcome.FAILED_OPEN);
            assertThat(d.allowed()).isTrue();
            assertThat(d.uid()).isEqualTo("u1");
            assertThat(d.warnings())
                    .containsExactly(
                            "dnsprobe could not check DNS names for musl images (verdict cache is broken); allowed, see the dnsprobe logs");
            assertThat(d.toReview().at("/response/allowed").asBoolean()).isTrue();
        }
    }

    @Test
    void namesWithoutAVerdictInTimeAreCountedAndGetNoWarning() throws Exception {
        DoubleAdder unknown = new DoubleAdder();
        WorkloadChecker.Verdicts never = (ns, name, dns) -> new CompletableFuture<>();
        AdmissionDecision d = review(request("CREATE", "alpine:3.14"), never, true, unknown);
        assertThat(d.outcome()).isEqualTo(AdmissionDecision.Outcome.CLEAN);
        assertThat(unknown.sum()).isEqualTo(1);
        WorkloadChecker.Verdicts failed =
                (ns, name, dns) -> CompletableFuture.failedFuture(new IllegalStateException("x"));
        assertThat(review(request("CREATE", "alpine:3.14"), failed, true, unknown)
                        .outcome())
                .as("a failed lookup is an unknown name, not a failed review")
                .isEqualTo(AdmissionDecision.Outcome.CLEAN);
        assertThat(unknown.sum()).isEqualTo(2);
    }

    @Test
    void objectsMadeByAControllerAreSkipped() throws Exception {
        JsonNode owned = new ObjectMapper().readTree("""
                {"uid": "u2", "operation": "CREATE", "namespace": "shop",
                 "object": {"kind": "ReplicaSet", "metadata": {"name": "orders-5d4f",
                              "ownerReferences": [{"kind": "Deployment", "name": "orders", "controller": true}]},
                            "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "alpine:3.14",
                                     "env": [{"name": "DB_HOST", "value": "db.example.com"}]}]}}}}}""");
        assertThat(review(owned, FAILS, true, new DoubleAdder()).outcome())
                .isEqualTo(AdmissionDecision.Outcome.SKIPPED);
        JsonNode notController =
                new ObjectMapper().readTree(owned.toString().replace("\"controller\":true", "\"controller\":false"));
        assertThat(review(notController, FAILS, false, new DoubleAdder()).outcome())
                .isEqualTo(AdmissionDecision.Outcome.WARNED);
    }
}
