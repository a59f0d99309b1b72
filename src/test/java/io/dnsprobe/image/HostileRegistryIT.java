package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.registry.RawTar;
import io.dnsprobe.testing.registry.ScriptedRegistry;
import io.dnsprobe.testing.registry.TestImage;
import io.dnsprobe.testing.registry.TestImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The image reader against a registry that means harm ({@link ScriptedRegistry}, loopback): where credentials
 * go, answers that never end, failures inside an inspection, tails past the bounds, JSON of the wrong shape,
 * text that would rewrite a terminal. Every case must end, with a reason and no class name in it. Waits are
 * hang guards only: nothing here asserts how long anything took.
 */
class HostileRegistryIT {
    private static final String USER = "robot";
    private static final String PASSWORD = "s3cret:pass";
    private static final TestImage ORDERS = TestImages.image("acme/orders:1.4");

    private ScriptedRegistry registry;
    private final Set<String> insecure = new HashSet<>();

    @BeforeEach
    void start() throws Exception {
        registry = new ScriptedRegistry();
        insecure.add(registry.host());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private String other() throws Exception {
        String h = registry.otherHost();
        insecure.add(h);
        return h;
    }

    private ImageInspector inspector(Duration timeout) {
        return inspector(timeout, new ImageInspector.Listener() {});
    }

    private ImageInspector inspector(Duration timeout, ImageInspector.Listener listener) {
        return ImageInspector.builder(
                        RegistryClient.builder().insecure(insecure).build())
                .timeout(timeout)
                .failureTtl(Duration.ZERO)
                .listener(listener)
                .build();
    }

    private static ImageInspection inspect(ImageInspector i, String ref, RegistryAuths auths) throws Exception {
        // A hang guard, not a bound under test: every case here ends at its own deadline or sooner.
        return i.inspect(ImageRef.parse(ref), Platform.LINUX_AMD64, auths, ImageInspector.Priority.INTERACTIVE)
                .get(60, TimeUnit.SECONDS);
    }

    private static RegistryAuths auths(String... hosts) throws Exception {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        StringBuilder json = new StringBuilder("{\"auths\":{");
        for (int n = 0; n < hosts.length; n++) {
            json.append(n == 0 ? "" : ",")
                    .append('"')
                    .append(hosts[n])
                    .append("\":{\"auth\":\"")
                    .append(auth)
                    .append("\"}");
        }
        return RegistryAuths.parse(json.append("}}").toString().getBytes(StandardCharsets.UTF_8), "test");
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** A reason people can read: one line, no escape sequences, no Java class or stack. */
    private static void readable(ImageInspection r) {
        assertThat(r.problem()).isNotNull();
        assertThat(r.problem())
                .doesNotContainPattern("[\\x00-\\x1f\\x7f]")
                .doesNotContain("java.", "Exception", "\tat ");
        assertThat(r.problem().length()).isLessThanOrEqualTo(io.dnsprobe.text.Printable.REASON_CHARS + 40);
    }

    // --- Credential scope -------------------------------------------------------------------------------

    @Test
    void aRedirectTargetsChallengeNeverGetsTheRegistrysCredentials() throws Exception {
        String blobStore = other();
        String thirdHost = other();
        registry.image("acme/orders", "1.4", ORDERS);
        // The registry wants Basic and sends blobs to a store, which asks for a token from a third host.
        registry.on(registry.host(), "GET", "/v2/.*", ex -> {
            if (!basic().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ScriptedRegistry.challenge(ex, "Basic realm=\"registry\"");
            } else if (ex.getRequestURI().getPath().contains("/blobs/")) {
                ScriptedRegistry.redirect(
                        ex, "http://" + blobStore + ex.getRequestURI().getPath() + "?sig=1");
            } else {
                registry.serve(ex);
            }
        });
        registry.on(blobStore, "GET", "/v2/.*", ex -> {
            if (ex.getRequestHeaders().containsKey("Authorization")) {
                registry.serve(ex);
            } else {
                challengeFrom(ex, thirdHost);
            }
        });
        registry.on(
                thirdHost,
                "GET",
                "/token",
                ex -> ScriptedRegistry.send(ex, 200, "{\"token\":\"stolen\"}".getBytes(StandardCharsets.UTF_8)));
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/orders:1.4", auths(registry.host()));
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.AUTH);
            assertThat(r.problem())
                    .contains(blobStore)
                    .contains("redirected")
                    .contains("only ever sent to the registry");
            readable(r);
        }
        assertThat(registry.requestsTo(thirdHost))
                .as("the third host is never asked, let alone with credentials")
                .isEmpty();
        assertThat(registry.requestsTo(blobStore))
                .as("the blob store got requests, none with credentials")
                .isNotEmpty()
                .allMatch(q -> q.authorization() == null);
    }

    private static void challengeFrom(com.sun.net.httpserver.HttpExchange ex, String realmHost)
            throws java.io.IOException {
        ScriptedRegistry.challenge(ex, "Bearer realm=\"http://" + realmHost + "/token\",service=\"evil\"");
    }

    @Test
    void aTokenRealmOverPlainHttpGetsNoCredentialUnlessItsOwnHostIsListed() throws Exception {
        String realm = registry.otherHost(); // not listed as insecure, though the registry is
        registry.image("acme/orders", "1.4", ORDERS);
        registry.on(
                registry.host(),
                "GET",
                "/v2/.*",
                ex -> ScriptedRegistry.challenge(
                        ex, "Bearer realm=\"http://" + realm + "/token\",service=\"registry\""));
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/orders:1.4", auths(registry.host()));
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.INVALID);
            assertThat(r.problem()).contains("http://" + realm).contains("listed as insecure");
        }
        assertThat(registry.requestsTo(realm)).isEmpty();
    }

    @Test
    void tokensAreKeptPerRegistryEvenWhenTwoShareARealm() throws Exception {
        String second = other();
        String realm = other();
        registry.image("acme/orders", "1.4", ORDERS);
        for (String host : List.of(registry.host(), second)) {
            registry.on(host, "GET", "/v2/.*", ex -> {
                if (("Bearer token-for-" + host.replace(":", "_"))
                        .equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    registry.serve(ex);
                } else {
                    ScriptedRegistry.challenge(ex, "Bearer realm=\"http://" + realm + "/token\",service=\"shared\"");
                }
            });
        }
        // The realm hands out a token per registry: it can tell them apart only by the credential's use.
        String[] next = {registry.host()};
        registry.on(realm, "GET", "/token", ex -> {
            if (!basic().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ScriptedRegistry.error(ex, 401, "UNAUTHORIZED", "credentials needed"); // no anonymous way round
            } else {
                ScriptedRegistry.send(
                        ex,
                        200,
                        ("{\"token\":\"token-for-" + next[0].replace(":", "_") + "\",\"expires_in\":300}")
                                .getBytes(StandardCharsets.UTF_8));
            }
        });
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            assertThat(inspect(i, registry.host() + "/acme/orders:1.4", auths(registry.host(), second))
                            .problem())
                    .isNull();
            next[0] = second;
            ImageInspection r = inspect(i, second + "/acme/orders:1.4", auths(registry.host(), second));
            assertThat(r.problem())
                    .as("the second registry got its own token, not the first one's")
                    .isNull();
        }
        assertThat(registry.requestsTo(realm)).hasSize(2);
    }

    // --- Answers that never end -------------------------------------------------------------------------

    @Test
    void anErrorBodyThatTricklesIsCutAtTheDeadline() throws Exception {
        registry.on("GET", "/v2/acme/slow/manifests/.*", ex -> registry.trickle(ex, 404, "{\"errors\":[]}", 200));
        try (ImageInspector i = inspector(Duration.ofSeconds(2))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/slow:1", RegistryAuths.NONE);
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.TIMEOUT);
            assertThat(r.problem()).contains("not read within 2s");
            readable(r);
        }
    }

    @Test
    void aTokenServerWhoseErrorTricklesIsCutAtTheDeadline() throws Exception {
        String realm = other();
        registry.on(
                registry.host(),
                "GET",
                "/v2/.*",
                ex -> ScriptedRegistry.challenge(
                        ex, "Bearer realm=\"http://" + realm + "/token\",service=\"registry\""));
        registry.on(realm, "GET", "/token", ex -> registry.trickle(ex, 500, "{\"errors\":[]}", 200));
        try (ImageInspector i = inspector(Duration.ofSeconds(2))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/orders:1.4", RegistryAuths.NONE);
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.TIMEOUT);
            readable(r);
        }
    }

    // --- Failure inside an inspection is an answer ------------------------------------------------------

    @Test
    void anErrorInsideAnInspectionEndsItAndTheNextRequestIsRead() throws Exception {
        registry.image("acme/orders", "1.4", ORDERS);
        AtomicBoolean once = new AtomicBoolean(true);
        ImageInspector.Listener failing = new ImageInspector.Listener() {
            @Override
            public void cacheMiss(String cache) {
                if (once.getAndSet(false)) {
                    throw new OutOfMemoryError("Java heap space");
                }
            }
        };
        try (ImageInspector i = inspector(Duration.ofSeconds(20), failing)) {
            String ref = registry.host() + "/acme/orders:1.4";
            CompletableFuture<ImageInspection> first = i.inspect(
                    ImageRef.parse(ref), Platform.LINUX_AMD64, RegistryAuths.NONE, ImageInspector.Priority.INTERACTIVE);
            ImageInspection r = first.get(60, TimeUnit.SECONDS);
            assertThat(r.failed()).isTrue();
            assertThat(r.problem()).contains("more memory");
            readable(r);
            ImageInspection again = inspect(i, ref, RegistryAuths.NONE);
            assertThat(again.problem())
                    .as("the single-flight entry was not left behind")
                    .isNull();
            assertThat(again.libc().label()).isEqualTo("musl 1.2.3");
        }
    }

    // --- Every byte under the budget --------------------------------------------------------------------

    @Test
    void bytesAfterTheCompressedStreamAreNotReadPastTheBounds() throws Exception {
        RawTar.Built layer = RawTar.gzip(t -> t.file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n"));
        byte[] tail = new byte[8 << 20];
        byte[] blob = new byte[layer.blob().length + tail.length];
        System.arraycopy(layer.blob(), 0, blob, 0, layer.blob().length);
        RawTar.Built withTail = new RawTar.Built(blob, digest(blob), layer.diffId(), layer.tarSize());
        registry.rawImage("acme/tail", "1", Map.of(), List.of(withTail));
        // The descriptor's size covers the tail, and the image's bound is above it: only the tail rule stops it.
        long bound = 16 << 20;
        try (ImageInspector i = ImageInspector.builder(
                        RegistryClient.builder().insecure(insecure).build())
                .maxBytes(bound)
                .timeout(Duration.ofSeconds(20))
                .failureTtl(Duration.ZERO)
                .build()) {
            ImageInspection r = inspect(i, registry.host() + "/acme/tail:1", RegistryAuths.NONE);
            assertThat(r.failed())
                    .as("an 8 MiB tail behind a small gzip stream is refused")
                    .isTrue();
            assertThat(r.problem()).contains("after the end of its compressed stream");
            assertThat(r.bytesRead())
                    .as("at most 1 MiB of the tail was read (and counted)")
                    .isLessThanOrEqualTo(layer.blob().length + LayerScanner.MAX_TAIL + (128 << 10));
            readable(r);
        }
    }

    private static String digest(byte[] b) {
        return Digests.of(b);
    }

    // --- JSON of the wrong shape, numbers from outside --------------------------------------------------

    @Test
    void manifestsConfigsAndIndexesOfTheWrongShapeAreClearErrors() throws Exception {
        RawTar.Built layer = RawTar.gzip(t -> t.file("etc/alpine-release", "3.16.2\n"));
        byte[] config = ("{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{\"Env\":\"PATH=/bin\"},"
                        + "\"rootfs\":{\"diff_ids\":[\"" + layer.diffId() + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        registry.blob(Digests.of(config), config).blob(layer.digest(), layer.blob());
        String configDescriptor = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digests.of(config) + "\",\"size\":" + config.length + "}";
        Map<String, String> manifests = Map.of(
                "layers-object", "{\"config\":" + configDescriptor + ",\"layers\":{}}",
                "size-string",
                        "{\"config\":" + configDescriptor + ",\"layers\":[{\"mediaType\":"
                                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer.digest()
                                + "\",\"size\":\"12\"}]}",
                "size-huge",
                        "{\"config\":" + configDescriptor + ",\"layers\":[{\"mediaType\":"
                                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer.digest()
                                + "\",\"size\":1e30}]}",
                "env-string",
                        "{\"config\":" + configDescriptor + ",\"layers\":[{\"mediaType\":"
                                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer.digest()
                                + "\",\"size\":"
                                + layer.blob().length + "}]}",
                "long-number", "{\"config\":" + configDescriptor + ",\"layers\":[],\"x\":1" + "0".repeat(1000) + "}",
                "deep", "{\"config\":" + configDescriptor + ",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        Map<String, String> expected = Map.of(
                "layers-object",
                "layers is not a list",
                "size-string",
                "size is not a byte count",
                "size-huge",
                "size is not a byte count",
                "env-string",
                "Env is not a list",
                "long-number",
                "longer than 64 digits",
                "deep",
                "nested deeper than 32");
        for (Map.Entry<String, String> m : manifests.entrySet()) {
            registry.manifest(
                    "acme/bad",
                    m.getKey(),
                    "application/vnd.oci.image.manifest.v1+json",
                    m.getValue().getBytes(StandardCharsets.UTF_8));
        }
        registry.manifest(
                "acme/bad",
                "index-string",
                "application/vnd.oci.image.index.v1+json",
                "{\"manifests\":\"all of them\"}".getBytes(StandardCharsets.UTF_8));
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            for (Map.Entry<String, String> e : expected.entrySet()) {
                ImageInspection r = inspect(i, registry.host() + "/acme/bad:" + e.getKey(), RegistryAuths.NONE);
                assertThat(r.problem()).as(e.getKey()).contains(e.getValue());
                readable(r);
            }
            ImageInspection index = inspect(i, registry.host() + "/acme/bad:index-string", RegistryAuths.NONE);
            assertThat(index.problem()).contains("manifests is not a list");
            readable(index);
        }
    }

    @Test
    void anIndexOfThousandsOfPlatformsGivesAShortReason() throws Exception {
        for (int platforms : List.of(2_000, 10_000)) {
            StringBuilder index = new StringBuilder("{\"manifests\":[");
            for (int n = 0; n < platforms; n++) {
                index.append(n == 0 ? "" : ",")
                        .append("{\"digest\":\"sha256:")
                        .append("a".repeat(64))
                        .append("\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arch")
                        .append(n)
                        .append("\"}}");
            }
            registry.manifest(
                    "acme/many",
                    Integer.toString(platforms),
                    "application/vnd.oci.image.index.v1+json",
                    index.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        }
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            ImageInspection some = inspect(i, registry.host() + "/acme/many:2000", RegistryAuths.NONE);
            assertThat(some.problemKind()).isEqualTo(RegistryException.Kind.NO_PLATFORM);
            assertThat(some.problem()).contains("linux/arch0").contains("and 1992 more");
            readable(some);
            ImageInspection many = inspect(i, registry.host() + "/acme/many:10000", RegistryAuths.NONE);
            assertThat(many.problemKind()).isEqualTo(RegistryException.Kind.LIMIT);
            assertThat(many.problem()).contains("more than 20000 JSON values");
            readable(many);
        }
    }

    @Test
    void absurdTokenLifetimesAreTakenAsADayAtMost() throws Exception {
        String realm = other();
        registry.image("acme/orders", "1.4", ORDERS);
        registry.on(registry.host(), "GET", "/v2/.*", ex -> {
            if ("Bearer t0k3n".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                registry.serve(ex);
            } else {
                ScriptedRegistry.challenge(ex, "Bearer realm=\"http://" + realm + "/token\",service=\"registry\"");
            }
        });
        registry.on(
                realm,
                "GET",
                "/token",
                ex -> ScriptedRegistry.send(
                        ex, 200, "{\"token\":\"t0k3n\",\"expires_in\":1e13}".getBytes(StandardCharsets.UTF_8)));
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/orders:1.4", RegistryAuths.NONE);
            assertThat(r.problem()).isNull();
            assertThat(r.libc().label()).isEqualTo("musl 1.2.3");
        }
        assertThat(RegistryClient.lifetimeSeconds(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(1e13)))
                .isEqualTo(RegistryClient.MAX_TOKEN_SECONDS - 10);
        assertThat(RegistryClient.lifetimeSeconds(com.fasterxml.jackson.databind.node.TextNode.valueOf("soon")))
                .isEqualTo(50);
        assertThat(RegistryClient.lifetimeSeconds(com.fasterxml.jackson.databind.node.IntNode.valueOf(-5)))
                .isEqualTo(1);
    }

    // --- Text from the registry ---------------------------------------------------------------------------

    @Test
    void aRegistrysMessageCannotWriteToTheTerminal() throws Exception {
        registry.on(
                "GET",
                "/v2/acme/evil/manifests/.*",
                ex -> ScriptedRegistry.error(
                        ex,
                        403,
                        "DENIED",
                        "denied\\u001b[2J\\u001b[31m\\r\\ndnsprobe: acme/evil:1  glibc 2.36  (all clear)\\u0007"));
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/evil:1", RegistryAuths.NONE);
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.AUTH);
            assertThat(r.problem()).contains("DENIED denied\\u001b[2J").contains("\\r\\ndnsprobe:");
            readable(r);
        }
        // The error itself is printable, whatever carries it on (the inspection escapes again, to be sure).
        assertThat(new RegistryException(RegistryException.Kind.AUTH, "x\u001b[2J\ny").getMessage())
                .isEqualTo("x\\u001b[2J\\ny");
    }

    @Test
    void whatAnImageSaysAboutItselfIsPrintable() throws Exception {
        RawTar.Built layer = RawTar.gzip(t -> t.file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\u001b[31m\n\n")
                .file("etc/os-release", "ID=alpine\nPRETTY_NAME=\"Alpine\u001b]0;pwned\u0007 Linux\"\n")
                .file("etc/alpine-release", "3.16.2\u001b[2J\n"));
        registry.rawImage("acme/text", "1", Map.of(), List.of(layer));
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/text:1", RegistryAuths.NONE);
            assertThat(r.problem()).isNull();
            String shown = r.libc().label() + " " + r.release() + " " + r.where() + " " + r.notes();
            assertThat(shown).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
            assertThat(r.libc().isMusl()).isTrue();
        }
    }

    // --- Names as runtimes make them ------------------------------------------------------------------

    @Test
    void anApkDatabaseNamedThroughDotDotIsFound() throws Exception {
        RawTar.Built layer = RawTar.gzip(t -> t.file("lib/apk/db/../db/installed", "P:musl\nV:1.2.4-r1\n\n")
                .file("./etc/../etc/alpine-release", "3.18.0\n"));
        registry.rawImage("acme/dotdot", "1", Map.of(), List.of(layer));
        try (ImageInspector i = inspector(Duration.ofSeconds(20))) {
            ImageInspection r = inspect(i, registry.host() + "/acme/dotdot:1", RegistryAuths.NONE);
            assertThat(r.problem()).isNull();
            assertThat(r.libc().label()).isEqualTo("musl 1.2.4");
            assertThat(r.evidence().file()).isEqualTo("lib/apk/db/installed");
        }
    }

    // --- What went wrong on the way, said as people debug it ------------------------------------------

    @Test
    void aRegistryWhoseNameDoesNotResolveIsADnsFailure() {
        java.net.ConnectException e = new java.net.ConnectException();
        e.initCause(new java.nio.channels.UnresolvedAddressException());
        RegistryException r = RegistryClient.unreachable("registry", "registry.nowhere.invalid:5000", e);
        assertThat(r.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
        assertThat(r.getMessage()).isEqualTo("cannot resolve registry host registry.nowhere.invalid: no such host");
        RegistryException refused = RegistryClient.unreachable(
                "registry", "127.0.0.1:9", new java.net.ConnectException("Connection refused"));
        assertThat(refused.getMessage()).isEqualTo("cannot connect to registry 127.0.0.1:9: connection refused");
    }
}
