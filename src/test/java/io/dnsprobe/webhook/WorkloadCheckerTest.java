package io.dnsprobe.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.image.LibcDetector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WorkloadCheckerTest {
    private static final LibcDetector DETECTOR = new LibcDetector(Map.of());

    private static Workload workload(String image, String... hosts) {
        List<Workload.Env> env = java.util.Arrays.stream(hosts).map(h -> new Workload.Env("UPSTREAM_HOST", h, null, null)).toList();
        return new Workload("Deployment", "shop", "w", Map.of(),
                List.of(new Workload.Container("app", image, false, env, List.of(), List.of(), List.of())));
    }

    @Test
    void whatIsNotKnownWithinTheBudgetGetsNoWarningAndTheAnswerIsNotLate() {
        ModelVerdict fails = new ModelVerdict("musl-1.2.3", "FAILS", "EAI_NONAME", "UDP reply truncated");
        WorkloadChecker.Verdicts verdicts = (ns, name) -> name.startsWith("slow")
                ? new CompletableFuture<>() // never completes
                : CompletableFuture.completedFuture(Optional.of(new NameVerdicts(name, Map.of("musl-1.2.3", fails), "40 A records", "test")));
        long start = System.nanoTime();
        WorkloadChecker.Result r = WorkloadChecker.checkAsync(workload("alpine:3.14", "fast.example.com", "slow.example.com"),
                "shop", DETECTOR, (ns, n) -> Optional.empty(), verdicts, Duration.ofMillis(300)).toCompletableFuture().join();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.findings()).extracting(Finding::name).containsExactly("fast.example.com");
        assertThat(r.unknown()).containsExactly("slow.example.com");
        assertThat(elapsedMs).as("bounded by the budget, not by the slow lookup").isLessThan(5_000);
    }

    @Test
    void glibcAndUnknownImagesAreNotLookedUp() {
        WorkloadChecker.Verdicts failing = (ns, name) -> {
            throw new AssertionError("no lookup expected for " + name);
        };
        WorkloadChecker.Result r = WorkloadChecker.check(workload("eclipse-temurin:17", "db.example.com"), "shop", DETECTOR,
                (ns, n) -> Optional.empty(), failing, Duration.ofSeconds(1));
        assertThat(r.findings()).isEmpty();
        assertThat(r.unknown()).isEmpty();
    }
}
