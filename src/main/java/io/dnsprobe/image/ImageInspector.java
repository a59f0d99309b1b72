package io.dnsprobe.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.text.ErrorText;
import io.dnsprobe.text.Sizes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reads images from their registries to find their libc and programs, with the caches that make that
 * cheap enough for admission: tag to digest for minutes, digest to result for long, and per-layer facts
 * by {@code diff_id}, so a new tag of a known app costs its manifest, its config and its new layers.
 * Concurrent requests for one image share one inspection. No Quarkus: the CLI uses it too.
 *
 * <p>Every image is bounded: layers, bytes from the registry, uncompressed bytes, the facts kept, and
 * time. Each inspection runs on one of a few worker threads under a {@link ReadBudget} whose watchdog
 * closes what it reads at its deadline, so a registry that stops sending mid-layer costs {@code timeout},
 * not a thread. A bound hit, like any registry error, is an answer of basis FAILED with the reason,
 * cached briefly so a broken registry is not asked again by every review; a registry that could not be
 * reached at all is remembered by the client ({@link UnreachableRegistries}) and fails its other images at
 * once. Whatever else goes wrong in an inspection (an {@code OutOfMemoryError} included) also ends it as
 * FAILED with a reason: a request never waits on an inspection that will not complete.
 *
 * <p><b>Memory.</b> Layer facts live in one cache bounded by their estimated heap
 * ({@code layerCache}); a cached result holds its layers by {@code diff_id} and is rebuilt from that cache
 * (it counts as a miss once one of its layers was evicted), so results never pin layer facts the layer
 * cache let go. Results are bounded by count and by the heap of what they keep themselves (config, notes).
 * Per inspection: a manifest or config of at most 4 MiB and its tree (at most 20,000 values: about 2 MB),
 * the facts allowance ({@code maxFactsBytes}, 8 MiB), and fixed buffers (a tar header, 64 KiB prefixes, the
 * decompressor's window: 32 KiB for gzip, at most 8 MiB for zstd, as aircompressor caps it): about 23 MiB at
 * worst. With the defaults (2 at once, 64 MiB of layer facts, 16 MiB of results) the image reader's worst case
 * is about 126 MiB of estimated heap; the README's image inspection section says how that sits in the pod.
 */
public final class ImageInspector implements AutoCloseable {
    private static final int MAX_CONFIG_BYTES = 4 << 20;
    /** Offered platforms named in a NO_PLATFORM reason, at most. */
    private static final int MAX_NAMED_PLATFORMS = 8;

    /** What an inspection did, for metrics. Called on inspection threads; must be quick. */
    public interface Listener {
        default void inspected(ImageInspection result) {}

        default void cacheHit(String cache) {}

        default void cacheMiss(String cache) {}

        default void layerRead(long compressedBytes, long uncompressedBytes) {}

        default void registryError(RegistryException.Kind kind) {}
    }

    /** Who asked: a review waiting on it goes before warming the cache. */
    public enum Priority {
        INTERACTIVE,
        BACKGROUND
    }

    private final RegistryClient client;
    private final Platform defaultPlatform;
    private final int maxLayers;
    private final long maxBytes;
    private final long maxUncompressed;
    private final long maxFacts;
    private final Duration timeout;
    private final Listener listener;
    private final LongSupplier clock;
    private final ThreadPoolExecutor workers;
    private final BoundedCache<String, String> tags;
    private final BoundedCache<String, Kept> results;
    private final BoundedCache<String, ImageInspection> failures;
    private final BoundedCache<String, LayerFacts> layers;
    private final Map<String, ImageInspection> provisional = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ImageInspection>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<LayerFacts>> layersInFlight = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    private ImageInspector(Builder b) {
        this.client = b.client;
        this.defaultPlatform = b.platform;
        this.maxLayers = b.maxLayers;
        this.maxBytes = b.maxBytes;
        this.maxUncompressed = b.maxUncompressed;
        this.maxFacts = b.maxFacts;
        this.timeout = b.timeout;
        this.listener = b.listener;
        this.clock = b.clock;
        this.tags = new BoundedCache<>(b.maxImages * 4, Long.MAX_VALUE, b.tagTtl, v -> 1, clock);
        this.results = new BoundedCache<>(b.maxImages, b.maxResultBytes, b.resultTtl, Kept::weight, clock);
        this.failures = new BoundedCache<>(1024, Long.MAX_VALUE, b.failureTtl, v -> 1, clock);
        this.layers = new BoundedCache<>(b.maxLayerEntries, b.maxLayerBytes, b.resultTtl, LayerFacts::weight, clock);
        this.workers = new ThreadPoolExecutor(
                b.concurrency,
                b.concurrency,
                30,
                TimeUnit.SECONDS,
                new PriorityBlockingQueue<>(),
                r -> daemon(r, "dnsprobe-image"));
        this.workers.allowCoreThreadTimeOut(true);
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public static Builder builder(RegistryClient client) {
        return new Builder(client);
    }

    /** Defaults as documented in the README's image inspection settings. */
    public static final class Builder {
        private final RegistryClient client;
        private Platform platform = Platform.LINUX_AMD64;
        private int maxLayers = 128;
        private long maxBytes = 1L << 30;
        private long maxUncompressed = 4L << 30;
        private long maxFacts = 8L << 20;
        private long maxResultBytes = 16L << 20;
        private Duration timeout = Duration.ofSeconds(120);
        private Duration tagTtl = Duration.ofMinutes(5);
        private Duration resultTtl = Duration.ofHours(24);
        private Duration failureTtl = Duration.ofMinutes(1);
        private int maxImages = 5_000;
        private int maxLayerEntries = 10_000;
        private long maxLayerBytes = 64L << 20;
        private int concurrency = 2;
        private Listener listener = new Listener() {};
        private LongSupplier clock = System::nanoTime;

        private Builder(RegistryClient client) {
            this.client = client;
        }

        public Builder platform(Platform p) {
            this.platform = p;
            return this;
        }

        public Builder maxLayers(int n) {
            this.maxLayers = n;
            return this;
        }

        /** Layer bytes taken from the registry for one image, as sent (compressed); manifests and configs have their own caps. */
        public Builder maxBytes(long n) {
            this.maxBytes = n;
            return this;
        }

        public Builder maxUncompressedBytes(long n) {
            this.maxUncompressed = n;
            return this;
        }

        /** Estimated heap the facts kept of one image's layers may take; past it, layers are kept incomplete. */
        public Builder maxFactsBytes(long n) {
            this.maxFacts = n;
            return this;
        }

        /** Estimated heap cached results may keep of their own (configs, notes): layer facts are the layer cache's. */
        public Builder resultCacheBytes(long n) {
            this.maxResultBytes = n;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public Builder tagTtl(Duration d) {
            this.tagTtl = d;
            return this;
        }

        public Builder resultTtl(Duration d) {
            this.resultTtl = d;
            return this;
        }

        public Builder failureTtl(Duration d) {
            this.failureTtl = d;
            return this;
        }

        public Builder maxImages(int n) {
            this.maxImages = n;
            return this;
        }

        /** Layer facts kept: at most this many layers and about this many bytes of heap. */
        public Builder layerCache(int entries, long bytes) {
            this.maxLayerEntries = entries;
            this.maxLayerBytes = bytes;
            return this;
        }

        /** Images read at once; more wait in a queue, reviews first. */
        public Builder concurrency(int n) {
            this.concurrency = Math.max(1, n);
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = l;
            return this;
        }

        Builder clock(LongSupplier c) {
            this.clock = c;
            return this;
        }

        public ImageInspector build() {
            return new ImageInspector(this);
        }
    }

    public Platform defaultPlatform() {
        return defaultPlatform;
    }

    private static String key(String digestOrRef, Platform p) {
        return digestOrRef + "|" + p;
    }

    /**
     * What is known now, without asking any registry: a complete cached answer, or one from the cached
     * lower layers while the upper ones are being read, or a recent failure.
     */
    public Optional<ImageInspection> peek(ImageRef ref, Platform platform) {
        Optional<ImageInspection> known = cached(ref, platform);
        if (known.isPresent() && known.get().basis() == ImageInspection.Basis.COMPLETE) {
            listener.cacheHit("image");
        }
        return known;
    }

    private Optional<ImageInspection> cached(ImageRef ref, Platform platform) {
        String top = ref.digest() != null
                ? ref.digest()
                : tags.get(key(ref.withoutDigest().toString(), platform));
        if (top != null) {
            ImageInspection done = completed(key(top, platform));
            if (done != null) {
                return Optional.of(done);
            }
            ImageInspection partial = provisional.get(key(top, platform));
            if (partial != null) {
                return Optional.of(partial);
            }
        }
        ImageInspection failed = failures.get(key(ref.toString(), platform));
        if (failed != null) {
            return Optional.of(failed);
        }
        // A registry that could not be reached a moment ago fails every image on it at once, with its reason.
        return client.unreachable(ref.apiHost())
                .map(e -> ImageInspection.failed(ref, null, platform, e, 0, Duration.ZERO));
    }

    /**
     * A result kept without its layers' facts: those are the layer cache's, found again by {@code diff_id}.
     * The shell's weight is what it keeps itself.
     */
    private record Kept(ImageInspection shell, List<String> diffIds) {
        long weight() {
            return 512
                    + (shell.config() == null ? 0 : shell.config().weight())
                    + shell.notes().stream().mapToLong(n -> 64 + n.length()).sum()
                    + 64L * diffIds.size();
        }
    }

    /** A cached result with its layers from the layer cache; null (and the result dropped) once one is gone. */
    private ImageInspection completed(String key) {
        Kept k = results.get(key);
        if (k == null) {
            return null;
        }
        List<LayerFacts> facts = new ArrayList<>(k.diffIds().size());
        for (String diffId : k.diffIds()) {
            LayerFacts f = layers.get(diffId);
            if (f == null) {
                results.remove(key);
                return null;
            }
            facts.add(f);
        }
        return k.shell().withFiles(new ImageFiles(facts));
    }

    private void keep(String key, ImageInspection r) {
        if (r.files() != null && r.files().layers().stream().allMatch(l -> layers.get(l.diffId()) == l)) {
            results.put(key, new Kept(r.withFiles(null), r.config().diffIds()));
        }
    }

    /**
     * Pins a tag to the digest a running Pod was pulled at (its {@code imageID}).
     *
     * @return whether the tag was known at another digest before (it was pushed again)
     */
    public boolean learnDigest(ImageRef tagged, String digest, Platform platform) {
        if (tagged.digest() == null && Digests.isSha256(digest)) {
            String key = key(tagged.toString(), platform == null ? defaultPlatform : platform);
            String before = tags.get(key);
            tags.put(key, digest);
            return before != null && !before.equals(digest);
        }
        return false;
    }

    /**
     * The image's libc and programs. Completes with a FAILED answer (never exceptionally) when it cannot
     * be read. Requests for the same image while one is running share it.
     *
     * @param auths credentials to try, most specific first, then anonymous
     */
    public CompletableFuture<ImageInspection> inspect(
            ImageRef ref, Platform platform, RegistryAuths auths, Priority priority) {
        Platform p = platform == null ? defaultPlatform : platform;
        Optional<ImageInspection> known = cached(ref, p);
        if (known.isPresent() && known.get().basis() != ImageInspection.Basis.LOWER_LAYERS) {
            listener.cacheHit("image");
            return CompletableFuture.completedFuture(known.get());
        }
        List<String> problems = ref.problems();
        if (!problems.isEmpty()) {
            return CompletableFuture.completedFuture(ImageInspection.failed(
                    ref,
                    null,
                    p,
                    new RegistryException(
                            RegistryException.Kind.INVALID, "not an image reference: " + String.join("; ", problems)),
                    0,
                    Duration.ZERO));
        }
        String flightKey = key(ref.toString(), p);
        CompletableFuture<ImageInspection> mine = new CompletableFuture<>();
        CompletableFuture<ImageInspection> running = inFlight.putIfAbsent(flightKey, mine);
        if (running != null) {
            return running;
        }
        try {
            workers.execute(new Task(priority, sequence.incrementAndGet(), () -> run(ref, p, auths, flightKey, mine)));
        } catch (RejectedExecutionException e) {
            inFlight.remove(flightKey, mine);
            mine.complete(ImageInspection.failed(
                    ref,
                    null,
                    p,
                    new RegistryException(RegistryException.Kind.INVALID, "image reading has stopped"),
                    0,
                    Duration.ZERO));
        }
        return mine;
    }

    /**
     * One inspection on a worker. Whatever happens, the single-flight entry is removed and its future
     * completed: an {@code Error} (out of memory in a hostile layer, a stack overflow in a parser) becomes an
     * answer with a reason like any registry error, so no later request for the image waits on it forever.
     */
    private void run(
            ImageRef ref, Platform p, RegistryAuths auths, String flightKey, CompletableFuture<ImageInspection> mine) {
        ImageInspection r = null;
        try {
            r = runBounded(ref, p, auths);
        } catch (Throwable t) {
            r = ImageInspection.failed(
                    ref,
                    null,
                    p,
                    new RegistryException(RegistryException.Kind.PROTOCOL, "image could not be read: " + describe(t)),
                    0,
                    Duration.ZERO);
        } finally {
            if (r == null) {
                r = ImageInspection.failed(
                        ref,
                        null,
                        p,
                        new RegistryException(RegistryException.Kind.PROTOCOL, "image could not be read"),
                        0,
                        Duration.ZERO);
            }
            inFlight.remove(flightKey, mine);
            // While its registry is remembered as unreachable, that memory answers for the image (and expires
            // for it): kept here too, the image would stay failed after its registry is asked again.
            if (r.failed() && client.unreachable(ref.apiHost()).isEmpty()) {
                failures.put(flightKey, r);
            }
            mine.complete(r);
        }
        try {
            if (r.failed()) {
                listener.registryError(r.problemKind());
            }
            listener.inspected(r);
        } catch (RuntimeException e) {
            // Metrics must not undo an answer already given.
        }
    }

    /** A failure for people: what kind of trouble, never a class name or a stack. */
    static String describe(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "it needed more memory than there was (the read was abandoned)";
        }
        if (t instanceof StackOverflowError) {
            return "its structure is nested too deeply";
        }
        // A ClassCastException's message names classes ("class java.lang.String cannot be cast ..."): not shown.
        return "an internal error stopped the read ("
                + (t.getMessage() == null || t instanceof ClassCastException ? "no detail" : ErrorText.reason(t)) + ")";
    }

    /** Work ordered by priority, then by arrival. */
    private record Task(Priority priority, long seq, Runnable work) implements Runnable, Comparable<Task> {
        @Override
        public void run() {
            work.run();
        }

        @Override
        public int compareTo(Task o) {
            int c = priority.compareTo(o.priority);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private ImageInspection runBounded(ImageRef ref, Platform platform, RegistryAuths auths) {
        long start = clock.getAsLong();
        String[] topDigest = {null};
        try (ReadBudget budget = new ReadBudget(maxBytes, maxUncompressed, maxFacts, timeout, clock).arm()) {
            try {
                return read(ref, platform, auths, budget, start, topDigest);
            } catch (RegistryException e) {
                // Past the deadline whatever broke is the deadline's doing, unless it already says what it waited for.
                RegistryException why = budget.expired()
                                && e.kind() != RegistryException.Kind.DIGEST_MISMATCH
                                && e.kind() != RegistryException.Kind.TIMEOUT
                        ? budget.timeout()
                        : e;
                return ImageInspection.failed(ref, topDigest[0], platform, why, budget.compressed(), elapsed(start));
            }
        } finally {
            if (topDigest[0] != null) {
                provisional.remove(key(topDigest[0], platform));
            }
        }
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(clock.getAsLong() - start);
    }

    private ImageInspection read(
            ImageRef ref, Platform platform, RegistryAuths auths, ReadBudget budget, long start, String[] topDigest)
            throws RegistryException {
        List<Credential> credentials = new ArrayList<>(auths.forImage(ref));
        credentials.add(Credential.ANONYMOUS);
        RegistryClient.Fetched top = null;
        Credential used = null;
        RegistryException authFailure = null;
        for (Credential c : credentials) {
            try {
                top = client.manifest(ref, ref.reference(), c, budget);
                used = c;
                break;
            } catch (RegistryException e) {
                if (e.kind() != RegistryException.Kind.AUTH) {
                    throw e;
                }
                if (authFailure == null || !c.anonymous()) {
                    authFailure = authFailure == null ? e : authFailure;
                }
            }
        }
        if (top == null) {
            throw authFailure;
        }
        topDigest[0] = top.digest();
        if (ref.digest() == null) {
            tags.put(key(ref.withoutDigest().toString(), platform), top.digest());
        }
        ImageInspection done = completed(key(top.digest(), platform));
        if (done != null) {
            listener.cacheHit("image"); // a new tag of a digest already read
            return done;
        }
        listener.cacheMiss("image");
        RegistryClient.Fetched manifest = top;
        if (MediaTypes.isIndex(mediaType(top))) {
            String child = pick(top.json(), platform, ref);
            manifest = client.manifest(ref, child, used, budget);
        }
        String type = mediaType(manifest);
        if (!MediaTypes.isManifest(type)) {
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL,
                    "the image is a " + (type.isEmpty() ? "manifest of no known type" : type)
                            + (type.startsWith(MediaTypes.DOCKER_SCHEMA1)
                                    ? " (Docker schema 1, not supported: push the image again)"
                                    : ""));
        }
        ImageManifest m = ImageManifest.parse(manifest.json(), maxLayers);
        ImageConfig config = ImageConfig.parse(BoundedJson.parse(
                client.blobBytes(ref, m.configDigest(), MAX_CONFIG_BYTES, used, budget), "the image config"));
        int n = m.layers().size();
        if (config.diffIds().size() != n) {
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL,
                    "the manifest lists " + n + " layers but the config "
                            + config.diffIds().size() + " diff_ids");
        }
        LayerFacts[] facts = new LayerFacts[n];
        for (int i = 0; i < n; i++) {
            facts[i] = layers.get(config.diffIds().get(i));
            if (facts[i] != null) {
                listener.cacheHit("layer");
            }
        }
        int knownBelow = 0;
        while (knownBelow < n && facts[knownBelow] != null) {
            knownBelow++;
        }
        if (knownBelow > 0 && knownBelow < n) {
            ImageFiles lower = new ImageFiles(Arrays.asList(facts).subList(0, knownBelow));
            provisional.put(
                    key(top.digest(), platform),
                    result(
                            ref,
                            top.digest(),
                            platform,
                            config,
                            lower,
                            ImageInspection.Basis.LOWER_LAYERS,
                            knownBelow,
                            n,
                            budget.compressed(),
                            elapsed(start)));
        }
        // Top down: if a bound stops the reading, what was read is what overrides the rest.
        for (int i = n - 1; i >= 0; i--) {
            if (facts[i] == null) {
                facts[i] = layer(ref, m.layers().get(i), config.diffIds().get(i), used, budget, i + 1, n);
            }
        }
        ImageInspection r = result(
                ref,
                top.digest(),
                platform,
                config,
                new ImageFiles(List.of(facts)),
                ImageInspection.Basis.COMPLETE,
                n,
                n,
                budget.compressed(),
                elapsed(start));
        keep(key(top.digest(), platform), r);
        return r;
    }

    /**
     * A layer's facts: from the cache (another image may have read it since this one started), from the
     * read another inspection has under way, or read here. Two images on one base arriving together read
     * the base once.
     */
    private LayerFacts layer(
            ImageRef ref,
            ImageManifest.Descriptor descriptor,
            String diffId,
            Credential used,
            ReadBudget budget,
            int index,
            int count)
            throws RegistryException {
        while (true) {
            LayerFacts cached = layers.get(diffId);
            if (cached != null) {
                listener.cacheHit("layer");
                return cached;
            }
            CompletableFuture<LayerFacts> mine = new CompletableFuture<>();
            CompletableFuture<LayerFacts> other = layersInFlight.putIfAbsent(diffId, mine);
            if (other == null) {
                listener.cacheMiss("layer");
                try {
                    LayerFacts f = readLayer(ref, descriptor, diffId, used, budget, index, count);
                    layers.put(diffId, f);
                    mine.complete(f);
                    return f;
                } catch (Throwable e) {
                    mine.completeExceptionally(e);
                    throw e;
                } finally {
                    layersInFlight.remove(diffId, mine);
                }
            }
            try {
                LayerFacts f = other.get(budget.remainingNanos(), TimeUnit.NANOSECONDS);
                listener.cacheHit("layer");
                return f;
            } catch (ExecutionException e) {
                // The other read failed (its registry, its credentials): read it here, on this image's terms.
                layersInFlight.remove(diffId, other);
            } catch (TimeoutException | InterruptedException e) {
                throw budget.timeout();
            }
        }
    }

    private LayerFacts readLayer(
            ImageRef ref,
            ImageManifest.Descriptor descriptor,
            String diffId,
            Credential used,
            ReadBudget budget,
            int index,
            int count)
            throws RegistryException {
        MediaTypes.Compression compression = MediaTypes.compression(descriptor.mediaType());
        if (compression == null || !Digests.isSha256(diffId)) {
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL,
                    "layer " + index + "/" + count
                            + " is not a layer dnsprobe reads ("
                            + (descriptor.mediaType().isEmpty() ? "no media type" : descriptor.mediaType()) + ")");
        }
        if (descriptor.size() > maxBytes) {
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    "layer " + index + "/" + count + " is "
                            + Sizes.bytes(descriptor.size()) + ", larger than the " + Sizes.bytes(maxBytes)
                            + " an image may take "
                            + "(dnsprobe.image.max-bytes); not read");
        }
        long before = budget.compressed();
        long uncompressedBefore = budget.uncompressed();
        try (DigestCheckingInputStream checked =
                client.checkedBlob(ref, descriptor.digest(), descriptor.size(), used, budget)) {
            budget.reading(checked);
            java.io.InputStream counted = budget.wrapCompressed(checked);
            LayerFacts f;
            try {
                f = LayerScanner.scan(counted, compression, diffId, budget);
            } catch (RegistryException e) {
                if (e.kind() == RegistryException.Kind.PROTOCOL) {
                    throw digestMismatchOr(counted, e);
                }
                throw e;
            }
            listener.layerRead(budget.compressed() - before, budget.uncompressed() - uncompressedBefore);
            return f;
        } catch (RegistryException e) {
            throw e;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted() || budget.expired()) {
                throw budget.timeout();
            }
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL,
                    "layer " + index + "/" + count + " could not be read: " + ErrorText.reason(e),
                    e);
        }
    }

    /**
     * Bytes that do not decompress are most often bytes that are not the blob: the rest is read (within the
     * image's bounds) to say so when the digest disagrees; otherwise the error stands as it was.
     */
    private static RegistryException digestMismatchOr(java.io.InputStream counted, RegistryException original) {
        try {
            counted.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.DIGEST_MISMATCH) {
                return e;
            }
        } catch (IOException e) {
            // A bound or the connection ended the check: the original error says more.
        }
        return original;
    }

    private static String mediaType(RegistryClient.Fetched f) throws RegistryException {
        if (!f.mediaType().isEmpty() && !f.mediaType().equals("application/json")) {
            return f.mediaType();
        }
        // Some registries send application/json: the document names its own type.
        return f.json()
                .path("mediaType")
                .asText(f.json().has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST);
    }

    /** The index entry for {@code platform}; attestations ({@code unknown/unknown}) are never picked. */
    static String pick(JsonNode index, Platform platform, ImageRef ref) throws RegistryException {
        List<String> offered = new ArrayList<>();
        int more = 0;
        for (JsonNode e : BoundedJson.array(index, "manifests", "the index")) {
            JsonNode p = e.path("platform");
            String os = p.path("os").isTextual() ? p.path("os").textValue() : null;
            String arch =
                    p.path("architecture").isTextual() ? p.path("architecture").textValue() : null;
            String variant = p.path("variant").isTextual() ? p.path("variant").textValue() : null;
            if (os == null || arch == null || os.equals("unknown") || arch.equals("unknown")) {
                continue;
            }
            if (offered.size() < MAX_NAMED_PLATFORMS) {
                offered.add(os + "/" + arch + (variant == null ? "" : "/" + variant));
            } else {
                more++;
            }
            String digest = e.path("digest").isTextual() ? e.path("digest").textValue() : "";
            if (platform.matches(os, arch, variant) && Digests.isSha256(digest)) {
                return digest;
            }
        }
        throw new RegistryException(
                RegistryException.Kind.NO_PLATFORM,
                "no " + platform + " image in the index"
                        + (offered.isEmpty()
                                ? ""
                                : " (it has " + String.join(", ", offered) + (more == 0 ? "" : " and " + more + " more")
                                        + ")"));
    }

    private static ImageInspection result(
            ImageRef ref,
            String digest,
            Platform platform,
            ImageConfig config,
            ImageFiles files,
            ImageInspection.Basis basis,
            int read,
            int n,
            long bytes,
            Duration took) {
        LibcFinder.Finding f = LibcFinder.find(files);
        LibcFinder.Evidence e = f.evidence();
        if (e.file() != null && e.layers() != n) {
            e = new LibcFinder.Evidence(e.file(), e.layer(), n, e.detail());
        }
        List<String> notes = new ArrayList<>(f.notes());
        if (basis == ImageInspection.Basis.LOWER_LAYERS) {
            notes.add("from the lower " + read + " of " + n + " layers (already known); the upper ones are being read");
        }
        files.layers().stream()
                .filter(LayerFacts::isIncomplete)
                .findFirst()
                .ifPresent(l -> notes.add("layer " + Digests.shortForm(l.diffId()) + " was not kept whole ("
                        + l.incomplete() + "): the program may not be found"));
        return new ImageInspection(
                ref,
                digest,
                platform,
                f.libc(),
                e,
                f.release(),
                notes,
                config,
                files,
                basis,
                read,
                n,
                null,
                null,
                bytes,
                took);
    }

    /** For tests and metrics: cached layers and their estimated heap. */
    public long cachedLayerBytes() {
        return layers.weight();
    }

    public int cachedLayers() {
        return layers.size();
    }

    public int cachedImages() {
        return results.size();
    }

    /** For tests: estimated heap the cached results keep of their own. */
    long cachedResultBytes() {
        return results.weight();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
