package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.testing.registry.DockerRegistry;
import io.dnsprobe.testing.registry.HostileRegistry;
import io.dnsprobe.testing.registry.ImagePusher;
import io.dnsprobe.testing.registry.Layer;
import io.dnsprobe.testing.registry.TestImage;
import io.dnsprobe.testing.registry.TestImages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inspector against a real registry (Debian's docker-registry on loopback) holding images the test
 * builds: Alpine-like, Wolfi-like, Debian-like, Go, static, layered, zstd, multi-platform.
 */
class ImageInspectorIT {
    private static DockerRegistry registry;
    private static TestImages.Catalog catalog;

    @BeforeAll
    static void start() throws Exception {
        registry = DockerRegistry.plain();
        catalog = TestImages.pushAll(registry);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static RegistryClient client() {
        return RegistryClient.builder().insecure(Set.of(registry.host())).build();
    }

    private static ImageInspector inspector() {
        return ImageInspector.builder(client()).timeout(Duration.ofSeconds(30)).build();
    }

    static ImageInspection inspect(ImageInspector inspector, String reference) throws Exception {
        return inspect(inspector, reference, Platform.LINUX_AMD64);
    }

    static ImageInspection inspect(ImageInspector inspector, String reference, Platform platform) throws Exception {
        return inspector
                .inspect(ImageRef.parse(reference), platform, RegistryAuths.NONE, ImageInspector.Priority.INTERACTIVE)
                .get(60, TimeUnit.SECONDS);
    }

    private static ImageInspection inspect(String name) throws Exception {
        try (ImageInspector i = inspector()) {
            ImageInspection r = inspect(i, catalog.reference(name));
            assertThat(r.problem()).as(name).isNull();
            return r;
        }
    }

    @Test
    void everyAlpineReleaseGivesItsExactMuslFromTheApkDb() throws Exception {
        Map<String, String> labels = Map.of(
                "3.14",
                "musl 1.2.2",
                "3.16",
                "musl 1.2.3",
                "3.18",
                "musl 1.2.4",
                "3.19",
                "musl 1.2.4_git20230717",
                "3.20",
                "musl 1.2.5");
        Map<String, MuslVersion> models = Map.of(
                "3.14",
                MuslVersion.UP_TO_1_2_3,
                "3.16",
                MuslVersion.UP_TO_1_2_3,
                "3.18",
                MuslVersion.V1_2_4,
                "3.19",
                MuslVersion.V1_2_4_GIT20230717,
                "3.20",
                MuslVersion.FROM_1_2_5);
        for (String release : TestImages.ALPINE_RELEASES) {
            ImageInspection r = inspect("base/alpine:" + release);
            assertThat(r.libc().label()).as(release).isEqualTo(labels.get(release));
            assertThat(r.libc().model()).as(release).contains(models.get(release));
            assertThat(r.where()).isEqualTo("lib/apk/db/installed, layer 1/1");
            assertThat(r.release())
                    .isEqualTo("Alpine " + TestImages.ALPINE.get(release).release());
            assertThat(r.digest())
                    .isEqualTo(catalog.get("base/alpine:" + release).digest());
        }
    }

    @Test
    void aCustomNamedImageOnAlpineIsMusl() throws Exception {
        ImageInspection r = inspect("acme/orders:1.4");
        assertThat(r.libc().label()).isEqualTo("musl 1.2.3");
        assertThat(r.where()).isEqualTo("lib/apk/db/installed, layer 1/2");
        ProgramFinder.Program p = r.program(List.of(), List.of(), Map.of());
        assertThat(p.path()).isEqualTo("/app/orders.sh");
        assertThat(p.resolver()).isEqualTo(ProgramFinder.Resolver.IMAGE_LIBC);
    }

    @Test
    void aRealGoBinaryOnAlpineUsesGosResolverUnlessBuiltOrToldOtherwise() throws Exception {
        ImageInspection gw = inspect("acme/gateway:2.0");
        assertThat(gw.libc().isMusl()).isTrue();
        ProgramFinder.Program p = gw.program(List.of(), List.of(), Map.of());
        assertThat(p.path()).as("found on the image's PATH").isEqualTo("/usr/local/bin/gateway");
        assertThat(p.resolver()).isEqualTo(ProgramFinder.Resolver.GO);
        assertThat(p.reason()).contains("go1.").contains("retries over TCP");
        assertThat(gw.program(List.of("/bin/sh"), List.of(), Map.of()).resolver())
                .as("a pod command overrides the entrypoint")
                .isEqualTo(ProgramFinder.Resolver.MUSL);

        ProgramFinder.Program netcgo = inspect("acme/gateway-cgo:2.0").program(List.of(), List.of(), Map.of());
        assertThat(netcgo.resolver()).isNotEqualTo(ProgramFinder.Resolver.GO);
        assertThat(netcgo.reason()).contains("netcgo");
        ProgramFinder.Program shell = inspect("acme/gateway-sh:2.0").program(List.of(), List.of(), Map.of());
        assertThat(shell.path()).isEqualTo("/bin/busybox");
        assertThat(shell.resolver()).isEqualTo(ProgramFinder.Resolver.MUSL);

        ImageInspection scratchGo = inspect("scratch/go:1");
        assertThat(scratchGo.libc().kind()).isEqualTo(Libc.Kind.STATIC);
        assertThat(scratchGo.program(List.of(), List.of(), Map.of()).resolver()).isEqualTo(ProgramFinder.Resolver.GO);
    }

    @Test
    void glibcImagesAndStaticOnes() throws Exception {
        ImageInspection wolfi = inspect("wolfi/base:latest");
        assertThat(wolfi.libc().label()).isEqualTo("glibc 2.40");
        assertThat(wolfi.evidence().file()).as("lib -> usr/lib followed").isEqualTo("usr/lib/apk/db/installed");
        ImageInspection debian = inspect("debian/base:12");
        assertThat(debian.libc().kind()).isEqualTo(Libc.Kind.GLIBC);
        assertThat(debian.libc().label()).isEqualTo("glibc 2.36");
        assertThat(debian.evidence().file()).isEqualTo("lib/x86_64-linux-gnu/libc.so.6");
        assertThat(inspect("distroless/base:12").libc().kind()).isEqualTo(Libc.Kind.GLIBC);
        ImageInspection scratch = inspect("scratch/static:1");
        assertThat(scratch.libc().kind()).isEqualTo(Libc.Kind.STATIC);
        assertThat(scratch.program(List.of(), List.of(), Map.of()).reason()).contains("is static and not Go");
    }

    @Test
    void layersDecideTopDown() throws Exception {
        ImageInspection noApk = inspect("musl/noapk:1");
        assertThat(noApk.libc().label()).isEqualTo("musl 1.2.3");
        assertThat(noApk.where()).isEqualTo("lib/ld-musl-x86_64.so.1, layer 1/1");
        ImageInspection upgraded = inspect("acme/upgraded:1");
        assertThat(upgraded.libc().model()).contains(MuslVersion.V1_2_4);
        assertThat(upgraded.where()).isEqualTo("lib/apk/db/installed, layer 2/2");
        for (String name : List.of("acme/apkdb-deleted:1", "acme/opaque:1")) {
            ImageInspection r = inspect(name);
            assertThat(r.evidence().file()).as(name).isEqualTo("etc/alpine-release");
            assertThat(r.libc().label()).as(name).isEqualTo("musl 1.2.3");
        }
        assertThat(inspect("acme/zstd:1").libc().label()).isEqualTo("musl 1.2.4");
        assertThat(inspect("acme/dotslash:1").libc().label()).isEqualTo("musl 1.2.5");
    }

    @Test
    void indexesPickThePlatformAndSkipAttestations() throws Exception {
        try (ImageInspector i = inspector()) {
            assertThat(inspect(i, catalog.reference("multi/app:1")).libc().label())
                    .isEqualTo("musl 1.2.2");
            assertThat(inspect(i, catalog.reference("multi/app:1"), Platform.parse("linux/arm64"))
                            .libc()
                            .label())
                    .isEqualTo("musl 1.2.5");
            ImageInspection none = inspect(i, catalog.reference("multi/app:1"), Platform.parse("linux/s390x"));
            assertThat(none.problemKind()).isEqualTo(RegistryException.Kind.NO_PLATFORM);
            assertThat(none.problem())
                    .contains("no linux/s390x image in the index")
                    .contains("linux/amd64")
                    .contains("linux/arm64/v8")
                    .doesNotContain("unknown");
            assertThat(inspect(i, catalog.reference("multi/docker:1")).libc().label())
                    .isEqualTo("musl 1.2.4");
            assertThat(inspect(i, catalog.get("multi/app:1").digestReference(registry))
                            .libc()
                            .label())
                    .isEqualTo("musl 1.2.2");
        }
    }

    @Test
    void cachesSpareTheRegistry() throws Exception {
        RegistryClient client = client();
        ImageInspector i =
                ImageInspector.builder(client).timeout(Duration.ofSeconds(30)).build();
        try (i) {
            ImageInspection base = inspect(i, catalog.reference("base/alpine:3.16"));
            int after = client.requestsTo(registry.host());
            ImageInspection again = inspect(i, catalog.reference("base/alpine:3.16"));
            assertThat(client.requestsTo(registry.host()))
                    .as("tag and result cached")
                    .isEqualTo(after);
            assertThat(again.digest()).isEqualTo(base.digest());
            assertThat(again.libc()).isEqualTo(base.libc());
            assertThat(again.files().layers())
                    .as("the layers' facts from the layer cache")
                    .containsExactlyElementsOf(base.files().layers());

            // A new tag of an app on a known base: its manifest, config and top layer, not the base layer.
            ImageInspection orders = inspect(i, catalog.reference("acme/orders:1.4"));
            long top = catalog.get("acme/orders:1.4").layerDigests().size();
            assertThat(top).isEqualTo(2);
            assertThat(orders.bytesRead())
                    .as("the base layer came from the layer cache")
                    .isLessThan(base.bytesRead());
            assertThat(client.requestsTo(registry.host()) - after)
                    .as("manifest, config, one layer: " + orders)
                    .isEqualTo(3);

            // Concurrent requests for one image share one inspection.
            String ref = catalog.reference("acme/upgraded:1");
            List<CompletableFuture<ImageInspection>> all = java.util.stream.IntStream.range(0, 8)
                    .mapToObj(n -> i.inspect(
                            ImageRef.parse(ref),
                            Platform.LINUX_AMD64,
                            RegistryAuths.NONE,
                            ImageInspector.Priority.INTERACTIVE))
                    .toList();
            ImageInspection first = all.get(0).get(60, TimeUnit.SECONDS);
            for (CompletableFuture<ImageInspection> f : all) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isSameAs(first);
            }
        }
    }

    @Test
    void imagesReadTogetherReadTheirSharedBaseOnce() throws Exception {
        try (ImageInspector i = ImageInspector.builder(client()).concurrency(2).build()) {
            CompletableFuture<ImageInspection> orders = i.inspect(
                    ImageRef.parse(catalog.reference("acme/orders:1.4")),
                    Platform.LINUX_AMD64,
                    RegistryAuths.NONE,
                    ImageInspector.Priority.INTERACTIVE);
            CompletableFuture<ImageInspection> gateway = i.inspect(
                    ImageRef.parse(catalog.reference("acme/gateway:2.0")),
                    Platform.LINUX_AMD64,
                    RegistryAuths.NONE,
                    ImageInspector.Priority.INTERACTIVE);
            long read = orders.get(60, TimeUnit.SECONDS).bytesRead()
                    + gateway.get(60, TimeUnit.SECONDS).bytesRead();
            List<Layer> o = TestImages.image("acme/orders:1.4").layers();
            List<Layer> g = TestImages.image("acme/gateway:2.0").layers();
            assertThat(o.get(0).diffId()).as("one base").isEqualTo(g.get(0).diffId());
            TestImage oi = TestImages.image("acme/orders:1.4");
            TestImage gi = TestImages.image("acme/gateway:2.0");
            long documents = oi.manifestJson().length
                    + oi.configJson().length
                    + gi.manifestJson().length
                    + gi.configJson().length;
            assertThat(read)
                    .as("both app layers and the base once, and each image's manifest and config")
                    .isEqualTo(o.get(0).size() + o.get(1).size() + g.get(1).size() + documents);
        }
    }

    @Test
    void theLowerLayersAnswerAtOnceWhileTheUpperOnesAreRead() throws Exception {
        try (DockerRegistry own = DockerRegistry.plain();
                HostileRegistry slow = new HostileRegistry(own)) {
            ImagePusher pusher = new ImagePusher(own);
            Layer base = TestImages.alpineLayer("3.16");
            TestImage first = TestImages.alpineImage(base)
                    .layer(Layer.builder().file("app/v1", "one").build())
                    .build();
            TestImage second = TestImages.alpineImage(base)
                    .layer(Layer.builder().file("app/v2", "two").build())
                    .build();
            pusher.push("acme/app", "1", first);
            pusher.push("acme/app", "2", second);
            String topOfSecond = second.layerDigests().get(1);
            // Mid-layer: the headers and the first bytes arrive, then nothing, the connection kept open.
            slow.stallBlob(topOfSecond, 64);
            RegistryClient client =
                    RegistryClient.builder().insecure(Set.of(slow.host())).build();
            // The deadline is the inspector's own (a real timer): long enough that the partial answer is always seen
            // before it, however busy the machine; the stall costs this test that long.
            try (ImageInspector i = ImageInspector.builder(client)
                    .timeout(Duration.ofSeconds(10))
                    .build()) {
                assertThat(inspect(i, slow.host() + "/acme/app:1").basis()).isEqualTo(ImageInspection.Basis.COMPLETE);
                CompletableFuture<ImageInspection> reading = i.inspect(
                        ImageRef.parse(slow.host() + "/acme/app:2"),
                        Platform.LINUX_AMD64,
                        RegistryAuths.NONE,
                        ImageInspector.Priority.INTERACTIVE);
                ImageInspection[] seen = new ImageInspection[1];
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            seen[0] = i.peek(ImageRef.parse(slow.host() + "/acme/app:2"), Platform.LINUX_AMD64)
                                    .orElse(null);
                            return seen[0] != null || reading.isDone();
                        });
                ImageInspection partial = seen[0];
                assertThat(partial)
                        .as("an answer from the cached base while the top layer stalls")
                        .isNotNull();
                assertThat(partial.basis())
                        .as(String.valueOf(partial.problem()))
                        .isEqualTo(ImageInspection.Basis.LOWER_LAYERS);
                assertThat(partial.libc().label()).isEqualTo("musl 1.2.3");
                assertThat(partial.notes()).anyMatch(n -> n.contains("lower 1 of 2 layers"));
                // The stalled layer is cut off at the deadline: a bounded failure, not a hang.
                ImageInspection done = reading.get(30, TimeUnit.SECONDS);
                assertThat(done.problemKind()).isEqualTo(RegistryException.Kind.TIMEOUT);
                assertThat(done.problem()).contains("not read within 10s");
                slow.heal();
                // The worker thread was freed: the next image is read.
                assertThat(inspect(i, slow.host() + "/acme/app:1").failed()).isFalse();
            }
        }
    }

    @Test
    void contentThatIsNotItsDigestIsRefused() throws Exception {
        try (HostileRegistry hostile = new HostileRegistry(registry)) {
            TestImages.Pushed orders = catalog.get("acme/orders:1.4");
            hostile.corruptBlob(orders.layerDigests().get(1));
            RegistryClient client =
                    RegistryClient.builder().insecure(Set.of(hostile.host())).build();
            try (ImageInspector i = ImageInspector.builder(client)
                    .timeout(Duration.ofSeconds(30))
                    .build()) {
                ImageInspection r = inspect(i, hostile.host() + "/acme/orders:1.4");
                assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.DIGEST_MISMATCH);
                assertThat(r.problem()).contains("refused");
                assertThat(r.libc().kind()).isEqualTo(Libc.Kind.UNKNOWN);
            }
        }
    }

    @Test
    void boundsAndErrorsAreAnswersWithAReason() throws Exception {
        try (ImageInspector oneLayer =
                ImageInspector.builder(client()).maxLayers(1).build()) {
            ImageInspection r = inspect(oneLayer, catalog.reference("acme/orders:1.4"));
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.LIMIT);
            assertThat(r.problem()).contains("2 layers, more than 1");
        }
        try (ImageInspector small =
                ImageInspector.builder(client()).maxBytes(50_000).build()) {
            ImageInspection r = inspect(small, catalog.reference("debian/base:12"));
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.LIMIT);
            assertThat(r.problem()).contains("larger than");
        }
        try (ImageInspector i = inspector()) {
            assertThat(inspect(i, registry.host() + "/acme/nope:1").problemKind())
                    .isEqualTo(RegistryException.Kind.NOT_FOUND);
            assertThat(inspect(i, "127.0.0.1:9/acme/orders:1.4").problemKind())
                    .isEqualTo(RegistryException.Kind.UNREACHABLE);
            assertThat(inspect(i, "127.0.0.1:5000/Acme//x:1").problemKind()).isEqualTo(RegistryException.Kind.INVALID);
        }
        try (ImageInspector tlsOnly =
                ImageInspector.builder(RegistryClient.builder().build()).build()) {
            ImageInspection r = inspect(tlsOnly, catalog.reference("acme/orders:1.4"));
            assertThat(r.problemKind())
                    .as("a plain-HTTP registry not listed as insecure")
                    .isEqualTo(RegistryException.Kind.TLS);
            assertThat(r.problem()).contains("insecure");
        }
    }
}
