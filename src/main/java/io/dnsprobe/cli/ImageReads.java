package io.dnsprobe.cli;

import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.image.Platform;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * {@code check}'s image reads: every distinct image and platform of every workload is asked for before the
 * first workload is judged, so reads of different workloads overlap. How many run at once is the inspector's
 * bound ({@code --parallel-images}); the rest wait in its queue in the order asked. Then the caller waits for
 * all of them, ticking the progress, and the per-workload check finds each read done.
 */
final class ImageReads {
    /** How often the wait wakes to draw progress. */
    private static final Duration TICK = Duration.ofMillis(100);

    private record Key(String image, Platform platform) {}

    private final Map<Key, CompletableFuture<Optional<ImageInspection>>> reads = new LinkedHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final Platform defaultPlatform;
    private final Duration bound;

    /**
     * Starts the reads of the images of {@code workloads} that are to be read: not those whose libc an annotation
     * declares (the check does not ask for them either).
     *
     * @param timeout what one image may take: the wait for all is bounded by it, times the rounds the queue needs
     */
    ImageReads(
            List<Workload> workloads,
            LibcDetector detector,
            ImageInspector inspector,
            RegistryAuths auths,
            Platform defaultPlatform,
            int parallel,
            Duration timeout) {
        this.defaultPlatform = defaultPlatform;
        for (Workload w : workloads) {
            for (Workload.Container c : w.containers()) {
                if (detector.declared(c.image(), w.annotations().get(LibcDetector.ANNOTATION))
                        .isPresent()) {
                    continue;
                }
                Key key;
                try {
                    key = key(w, c);
                } catch (IllegalArgumentException e) {
                    continue; // a platform no node has: the check judges the image by its name, as before
                }
                reads.computeIfAbsent(
                        key,
                        k -> inspector
                                .inspect(
                                        ImageRef.parse(k.image()),
                                        k.platform(),
                                        auths,
                                        ImageInspector.Priority.INTERACTIVE)
                                .thenApply(r -> {
                                    if (r.failed()) {
                                        errors.put(k.image(), r.problem());
                                    }
                                    return Optional.of(r);
                                }));
            }
        }
        // Every read ends within its timeout once it runs; the queue runs them parallel at a time.
        long rounds = (reads.size() + parallel - 1) / Math.max(1, parallel);
        this.bound = timeout.multipliedBy(rounds + 1).plusSeconds(30);
    }

    private Key key(Workload w, Workload.Container c) {
        String pinned = w.pull().platform();
        return new Key(c.image(), pinned == null ? defaultPlatform : Platform.parse(pinned));
    }

    /** The reads as the workload check asks for them. */
    WorkloadChecker.Images images() {
        return (ns, w, c) -> {
            CompletableFuture<Optional<ImageInspection>> read = reads.get(key(w, c));
            // One not done was given up by await: not read.
            return read != null && read.isDone() ? read : CompletableFuture.completedFuture(Optional.empty());
        };
    }

    /** Image (as the manifest names it) to why it could not be read. */
    Map<String, String> errors() {
        return errors;
    }

    /** What is being read, in the order asked for: the image, and its platform when not the default. */
    List<String> labels() {
        return reads.keySet().stream().map(this::label).toList();
    }

    private String label(Key k) {
        return k.platform().equals(defaultPlatform) ? k.image() : k.image() + " (" + k.platform() + ")";
    }

    /** {@link #await(ImageProgress, LongSupplier)} with progress on {@code err} as {@code --progress} says. */
    void await(PrintWriter err, ImageProgress.Mode mode) {
        await(
                new ImageProgress(err, ImageProgress.style(mode), labels(), System::nanoTime, ImageProgress.DELAY),
                System::nanoTime);
    }

    /**
     * Waits until every read has ended, telling {@code progress} as each does and ticking it meanwhile. Past the
     * bound (which reads that keep their own timeouts never reach) the rest is given up: not read.
     */
    void await(ImageProgress progress, LongSupplier clock) {
        reads.forEach((k, f) -> f.thenAccept(
                r -> progress.finished(label(k), r.map(i -> !i.failed()).orElse(false))));
        CompletableFuture<Void> all = CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new));
        long deadline = clock.getAsLong() + bound.toNanos();
        try {
            while (!all.isDone() && clock.getAsLong() - deadline < 0) {
                try {
                    all.get(TICK.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    progress.tick();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Reads complete with an answer, never exceptionally; one that did counts as not read.
        }
        reads.forEach((k, f) -> {
            if (!f.isDone()) {
                errors.putIfAbsent(k.image(), "not read within " + bound.toSeconds() + "s");
            }
        });
        progress.tick();
        progress.end();
    }
}
