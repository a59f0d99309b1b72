package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WorkloadCheckerTest {
    private static final LibcDetector DETECTOR = new LibcDetector(Map.of());

    private static Workload workload(String image, String... hosts) {
        List<Workload.Env> env = java.util.Arrays.stream(hosts)
                .map(h -> new Workload.Env("UPSTREAM_HOST", h, null, null))
                .toList();
        return new Workload(
                "Deployment",
                "shop",
                "w",
                Map.of(),
                List.of(new Workload.Container("app", image, false, env, List.of(), List.of(), List.of())),
                PodDns.CLUSTER_FIRST);
    }

    @Test
    void whatIsNotKnownWithinTheBudgetGetsNoWarningAndTheAnswerIsNotLate() throws Exception {
        NameVerdicts.Judgement fails = new NameVerdicts.Judgement(VerdictKind.FAILS, "UDP reply truncated");
        WorkloadChecker.Verdicts verdicts = (ns, name, dns) -> name.startsWith("slow")
                ? new CompletableFuture<>() // never completes
                : CompletableFuture.completedFuture(Optional.of(
                        new NameVerdicts(name, Map.of(MuslVersion.UP_TO_1_2_3, fails), "40 A records", "test")));
        // The slow lookup never completes: that the result arrives at all is the budget at work.
        WorkloadChecker.Result r = WorkloadChecker.checkAsync(
                        workload("alpine:3.14", "fast.example.com", "slow.example.com"),
                        "shop",
                        DETECTOR,
                        WorkloadChecker.Images.NONE,
                        (ns, n) -> Optional.empty(),
                        verdicts,
                        Duration.ofMillis(300),
                        500)
                .toCompletableFuture()
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.findings()).extracting(Finding::name).containsExactly("fast.example.com");
        assertThat(r.unknown()).containsExactly("slow.example.com");
    }

    @Test
    void glibcAndUnknownImagesAreNotLookedUp() {
        WorkloadChecker.Verdicts failing = (ns, name, dns) -> {
            throw new AssertionError("no lookup expected for " + name);
        };
        WorkloadChecker.Result r = WorkloadChecker.check(
                workload("eclipse-temurin:17", "db.example.com"),
                "shop",
                DETECTOR,
                WorkloadChecker.Images.NONE,
                (ns, n) -> Optional.empty(),
                failing,
                Duration.ofSeconds(1));
        assertThat(r.findings()).isEmpty();
        assertThat(r.unknown()).isEmpty();
    }

    @Test
    void aWorkloadWithThousandsOfNamesCostsAtMostMaxNamesLookups() throws Exception {
        String[] hosts = java.util.stream.IntStream.range(0, 1200)
                .mapToObj(i -> "h" + i + ".example.com")
                .toArray(String[]::new);
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        WorkloadChecker.Verdicts counting = (ns, name, dns) -> {
            lookups.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.empty());
        };
        WorkloadChecker.Result r = WorkloadChecker.checkAsync(
                        workload("alpine:3.14", hosts),
                        "shop",
                        DETECTOR,
                        WorkloadChecker.Images.NONE,
                        (ns, n) -> Optional.empty(),
                        counting,
                        Duration.ofSeconds(1),
                        500)
                .toCompletableFuture()
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(lookups.get()).isEqualTo(500);
        assertThat(r.unknown()).hasSize(1200).contains("h1199.example.com");
        assertThat(r.findings()).isEmpty();
    }
}
