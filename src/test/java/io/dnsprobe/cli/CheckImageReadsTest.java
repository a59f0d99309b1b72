package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dnsprobe.testing.registry.ScriptedRegistry;
import io.dnsprobe.testing.registry.SilentRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} reads the images of all workloads at once, at most {@code --parallel-images} at a time, and asks
 * a registry that cannot be reached once per run. Counted by the test's registries; nothing here is timed.
 */
class CheckImageReadsTest {
    private static final int WORKLOADS = 10;

    /** One Deployment per image, {@code host/acme/appN:1}, no names to look up. */
    private static Path manifests(Path dir, String host) throws Exception {
        String docs = IntStream.range(0, WORKLOADS)
                .mapToObj(n -> """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app%1$d}
                spec:
                  template:
                    spec:
                      containers:
                        - {name: app, image: %2$s/acme/app%1$d:1}
                """.formatted(n, host))
                .collect(Collectors.joining("---\n"));
        Path file = dir.resolve("apps.yaml");
        Files.writeString(file, docs);
        return file;
    }

    private static Run check(Path file, String host, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "check", "-f", file.toString(), "--server", "127.0.0.1:9", "--no-search", "--insecure-registry", host));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** Each container's image error, in manifest order, from {@code --json}. */
    private static List<String> imageErrors(Run r) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode w : new ObjectMapper().readTree(r.out()).path("workloads")) {
            for (JsonNode c : w.path("containers")) {
                if (c.hasNonNull("imageError")) {
                    out.add(c.get("imageError").asText());
                }
            }
        }
        return out;
    }

    @Test
    void tenImagesOnAHungRegistryCostOneRoundOfConnectionsAndAllSayWhy(@TempDir Path dir) throws Exception {
        try (SilentRegistry hung = new SilentRegistry(SilentRegistry.Mode.HANG)) {
            Run r = check(
                    manifests(dir, hung.host()),
                    hung.host(),
                    "--image-timeout",
                    "2s",
                    "--parallel-images",
                    "4",
                    "--progress",
                    "plain",
                    "--json");
            assertThat(hung.connections())
                    .as("connections to the hung registry")
                    .isBetween(1, 4);
            List<String> notRead = imageErrors(r);
            assertThat(notRead).as(r.out()).hasSize(WORKLOADS);
            String reminder = "registry " + hung.host() + " unreachable (said above): " + hung.host()
                    + " sent no answer to GET /v2/acme/app";
            assertThat(notRead.stream().filter(l -> l.contains(reminder))).hasSizeGreaterThanOrEqualTo(WORKLOADS - 4);
            assertThat(notRead.get(0)).as("the first is said in full").contains("within 2s");
            // The reads take the 2 s timeout, past the progress delay: plain lines on stderr, the last one the tally.
            assertThat(r.err()
                            .lines()
                            .filter(l -> l.startsWith("reading images:"))
                            .reduce((a, b) -> b))
                    .hasValue("reading images: 10 of 10 done, 10 failed");
        }
    }

    @Test
    void readsOfAllWorkloadsOverlapUpToTheBoundAndNeverPastIt(@TempDir Path dir) throws Exception {
        int bound = 3;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch reached = new CountDownLatch(1);
        try (ScriptedRegistry registry = new ScriptedRegistry()) {
            // Each manifest request waits (bounded) until the bound is reached once: reads one after another would
            // never get there, and every request counts how many are in flight with it.
            registry.on("GET", "/v2/acme/.*/manifests/.*", ex -> {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    if (inFlight.get() >= bound) {
                        reached.countDown();
                    }
                    reached.await(10, TimeUnit.SECONDS);
                    ScriptedRegistry.error(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
            Run r = check(
                    manifests(dir, registry.host()),
                    registry.host(),
                    "--parallel-images",
                    String.valueOf(bound),
                    "--progress",
                    "none",
                    "--json");
            assertThat(most.get()).as("images read at once").isEqualTo(bound);
            assertThat(registry.requests()).as("every image asked for once").hasSize(WORKLOADS);
            assertThat(imageErrors(r)).hasSize(WORKLOADS).allMatch(e -> e.contains("answered 404"), "a 404");
            assertThat(r.err()).doesNotContain("reading images");
        }
    }

    @Test
    void theBoundAndTheProgressModeAreChecked(@TempDir Path dir) throws Exception {
        Path file = manifests(dir, "127.0.0.1:9");
        assertThat(check(file, "127.0.0.1:9", "--parallel-images", "0").err().strip())
                .isEqualTo("dnsprobe: --parallel-images: 0 is not between 1 and 16");
        assertThat(check(file, "127.0.0.1:9", "--progress", "fancy").err().strip())
                .isEqualTo("dnsprobe: --progress: 'fancy' is not auto, plain or none");
    }
}
