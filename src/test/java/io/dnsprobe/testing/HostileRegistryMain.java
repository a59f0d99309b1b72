package io.dnsprobe.testing;

import io.dnsprobe.testing.registry.RawTar;
import io.dnsprobe.testing.registry.ScriptedRegistry;
import io.dnsprobe.testing.registry.TestImage;
import io.dnsprobe.testing.registry.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hostile set for {@code .ci/hostile-registry}: a {@link ScriptedRegistry} on loopback serving about thirty
 * images and answers built to hurt an image reader (credential traps, answers that never end, metadata bombs,
 * floods, tails, malformed JSON, escape sequences, absurd numbers), and one good image for contrast.
 *
 * <p>Prints {@code host H}, {@code insecure H} for every host to list as insecure, {@code credential H USER:PASS}
 * for the docker config to write, one {@code case NAME EXIT EXPECT REF} line per case (EXPECT: a phrase the
 * output must hold, {@code _} for spaces, {@code |} between alternatives), then {@code cases ready}; runs until stdin closes or WAIT seconds
 * have passed, then prints {@code leaks N} (requests that carried an Authorization header to the blob store or
 * the third host it names: hosts the registry's credentials must never reach) and exits.
 *
 * <p>Usage: HostileRegistryMain WAIT_SECONDS
 */
public final class HostileRegistryMain {
    private static final String USER = "robot";
    private static final String PASSWORD = "s3cret";

    private HostileRegistryMain() {}

    private record Case(String name, int exit, String expect, String ref) {}

    public static void main(String[] args) throws Exception {
        long waitSeconds = Long.parseLong(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        try (ScriptedRegistry r = new ScriptedRegistry()) {
            String blobStore = r.otherHost();
            String thirdHost = r.otherHost();
            String realm = r.otherHost();
            List<Case> cases = build(r, blobStore, thirdHost, realm);
            System.out.println("host " + r.host());
            for (String h : List.of(r.host(), blobStore, thirdHost, realm)) {
                System.out.println("insecure " + h);
            }
            System.out.println("credential " + r.host() + " " + USER + ":" + PASSWORD);
            for (Case c : cases) {
                System.out.println(
                        "case " + c.name() + " " + c.exit() + " " + c.expect().replace(' ', '_') + " " + c.ref());
            }
            System.out.println("cases ready");
            System.out.flush();
            waitForStdinOrDeadline(deadline);
            // The realm is the registry's own (it announced it, and it is listed): credentials may go there. Not to
            // the blob store, nor to the third host the blob store names.
            long leaks = r.requests().stream()
                    .filter(q ->
                            (q.host().equals(blobStore) || q.host().equals(thirdHost)) && q.authorization() != null)
                    .count();
            System.out.println("leaks " + leaks);
            System.out.flush();
        }
        System.exit(0);
    }

    /** Until stdin reaches its end (the script closed it) or the deadline. */
    private static void waitForStdinOrDeadline(long deadline) throws InterruptedException {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(
                () -> {
                    try (InputStream in = System.in) {
                        byte[] buf = new byte[256];
                        while (in.read(buf) >= 0) {
                            // just waiting for EOF
                        }
                    } catch (IOException e) {
                        // treated as closed
                    }
                    closed.countDown();
                },
                "hostile-registry-stdin");
        reader.setDaemon(true);
        reader.start();
        closed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static List<Case> build(ScriptedRegistry r, String blobStore, String thirdHost, String realm)
            throws IOException {
        List<Case> cases = new ArrayList<>();
        String h = r.host();
        TestImage orders = TestImages.image("acme/orders:1.4");
        r.image("good/orders", "1.4", orders);
        cases.add(new Case("good-musl-image", 0, "musl 1.2.3", h + "/good/orders:1.4"));

        // Credentials: a blob store whose 401 names a third host's realm.
        r.image("trap/redirect", "1", orders);
        String basic =
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        r.on(h, "GET", "/v2/trap/redirect/.*", ex -> {
            if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ScriptedRegistry.challenge(ex, "Basic realm=\"registry\"");
            } else if (ex.getRequestURI().getPath().contains("/blobs/")) {
                ScriptedRegistry.redirect(
                        ex, "http://" + blobStore + ex.getRequestURI().getPath() + "?sig=1");
            } else {
                r.serve(ex);
            }
        });
        r.on(
                blobStore,
                "GET",
                "/v2/.*",
                ex -> ScriptedRegistry.challenge(
                        ex, "Bearer realm=\"http://" + thirdHost + "/token\",service=\"evil\""));
        r.on(
                thirdHost,
                "GET",
                "/token",
                ex -> ScriptedRegistry.send(ex, 200, "{\"token\":\"stolen\"}".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("redirect-target-challenge", 2, "only ever sent to the registry", h + "/trap/redirect:1"));

        // Answers that never end.
        r.on("GET", "/v2/slow/error/manifests/.*", ex -> r.trickle(ex, 404, "{\"errors\":[]}", 200));
        cases.add(new Case("error-body-trickles", 2, "not read within", h + "/slow/error:1"));
        r.on(
                h,
                "GET",
                "/v2/slow/token/.*",
                ex -> ScriptedRegistry.challenge(
                        ex, "Bearer realm=\"http://" + realm + "/token\",service=\"registry\""));
        r.on(realm, "GET", "/token", ex -> {
            if (ex.getRequestURI().getQuery().contains("slow/token")) {
                r.trickle(ex, 500, "{\"errors\":[]}", 200);
            } else {
                ScriptedRegistry.send(
                        ex, 200, "{\"token\":\"t0k3n\",\"expires_in\":1e13}".getBytes(StandardCharsets.UTF_8));
            }
        });
        cases.add(new Case("token-error-trickles", 2, "not read within", h + "/slow/token:1"));
        r.image("slow/layer", "1", orders);
        byte[] appLayer = orders.layers().get(1).blob();
        r.on("GET", "/v2/slow/layer/blobs/" + orders.layerDigests().get(1), ex -> r.trickle(ex, 200, appLayer, 50));
        cases.add(new Case("layer-trickles", 2, "not read within", h + "/slow/layer:1"));

        // Metadata bombs and floods.
        layer(
                r,
                cases,
                "gnu-long-name-256MiB",
                2,
                "GNU long name of",
                RawTar.gzip(t -> t.gnuLongName(256L << 20, 'a')));
        layer(r, cases, "pax-path-256MiB", 2, "PAX header of", RawTar.gzip(t -> t.paxPath(256L << 20, 'p')));
        layer(
                r,
                cases,
                "long-names-900KB",
                0,
                "was not kept whole",
                RawTar.gzip(t -> t.gnuLongName(900_000, 'b')
                        .paxPath(900_000, 'c')
                        .file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n")));
        layer(
                r,
                cases,
                "pax-flood",
                0,
                "musl 1.2.3",
                RawTar.gzip(t -> t.paxFlood(30_000).file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n")));
        layer(
                r,
                cases,
                "whiteout-flood-1M",
                0,
                "was not kept whole",
                RawTar.gzip(t ->
                        t.whiteouts("usr/share", 1_000_000).file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n")));
        layer(
                r,
                cases,
                "hardlink-flood-1M",
                0,
                "was not kept whole",
                RawTar.gzip(t -> t.file("bin/busybox", "#!/bin/true\n".getBytes(StandardCharsets.UTF_8), 0755)
                        .hardLinks("usr/bin/t", "bin/busybox", 1_000_000)
                        .file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n")));
        layer(r, cases, "symlink-flood-long-names", 0, "was not kept whole", RawTar.gzip(t -> {
            String dir = "usr/lib/" + "d".repeat(90) + "/";
            for (int i = 0; i < 300_000; i++) {
                t.symlink(dir.substring(0, 99 - Integer.toString(i).length()) + i, "/" + "t".repeat(90));
            }
            t.file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n");
        }));
        // 5 GiB of zeros in 5 MB: the 4 GiB bound or the deadline, whichever comes first on the machine.
        layer(
                r,
                cases,
                "gzip-bomb-5GiB",
                2,
                "uncompressed|not read within",
                RawTar.gzip(t ->
                        t.file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n").zeroFile("var/zeros", 5L << 30)));
        // Holes in bounds: a tail after the gzip stream that the descriptor covers.
        RawTar.Built small = RawTar.gzip(t -> t.file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n"));
        byte[] tailed = Arrays.copyOf(small.blob(), small.blob().length + (64 << 20));
        layer(
                r,
                cases,
                "gzip-tail-64MiB",
                2,
                "after the end of its compressed stream",
                new RawTar.Built(tailed, digest(tailed), small.diffId(), small.tarSize()));
        layer(
                r,
                cases,
                "zstd-window-2GiB",
                2,
                "not a readable tar",
                zstdHugeWindow(),
                "application/vnd.oci.image.layer.v1.tar+zstd");

        // Names as runtimes make them, and text that would rewrite a terminal.
        layer(
                r,
                cases,
                "apk-db-through-dotdot",
                0,
                "musl 1.2.4",
                RawTar.gzip(t -> t.file("lib/apk/db/../db/installed", "P:musl\nV:1.2.4-r1\n\n")));
        layer(
                r,
                cases,
                "escape-sequences-in-image",
                0,
                "\\u001b",
                RawTar.gzip(t -> t.file("lib/apk/db/installed", "P:musl\nV:1.2.3-r2\n\n")
                        .file(
                                "etc/os-release",
                                "ID=alpine\nPRETTY_NAME=\"Alpine\u001b]0;pwned\u0007\u001b[2J Linux\"\n")));
        r.on(
                "GET",
                "/v2/text/error/manifests/.*",
                ex -> ScriptedRegistry.error(
                        ex, 403, "DENIED", "denied\\u001b[2J\\u001b[31m\\r\\ndnsprobe: all images OK\\u0007"));
        cases.add(new Case("escape-sequences-in-error", 2, "\\u001b[2J", h + "/text/error:1"));

        // JSON of the wrong shape, absurd numbers, huge documents.
        manifest(
                r,
                cases,
                "layers-not-a-list",
                "layers is not a list",
                "{\"config\":{\"digest\":\"sha256:" + "a".repeat(64) + "\"},\"layers\":{}}");
        manifest(
                r,
                cases,
                "size-not-a-number",
                "not a byte count",
                "{\"config\":{\"digest\":\"sha256:" + "a".repeat(64)
                        + "\"},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:"
                        + "b".repeat(64) + "\",\"size\":\"12\"}]}");
        manifest(
                r,
                cases,
                "nested-10000-deep",
                "nested deeper",
                "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        manifest(r, cases, "number-1000-digits", "longer than 64 digits", "{\"x\":1" + "0".repeat(1000) + "}");
        StringBuilder many = new StringBuilder("{\"layers\":[");
        for (int i = 0; i < 200_000; i++) {
            many.append(i == 0 ? "" : ",").append("[]");
        }
        manifest(
                r,
                cases,
                "manifest-200k-values",
                "JSON values",
                many.append("]}").toString());
        manifest(r, cases, "manifest-5MiB", "larger than", "{\"x\":\"" + "x".repeat(5 << 20) + "\"}");
        StringBuilder index = new StringBuilder("{\"manifests\":[");
        for (int n = 0; n < 2_000; n++) {
            index.append(n == 0 ? "" : ",")
                    .append("{\"digest\":\"sha256:")
                    .append("a".repeat(64))
                    .append("\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arch")
                    .append(n)
                    .append("\"}}");
        }
        r.manifest(
                "json/index-2000",
                "1",
                "application/vnd.oci.image.index.v1+json",
                index.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        cases.add(new Case("index-2000-platforms", 2, "and 1992 more", h + "/json/index-2000:1"));
        r.image("json/token-1e13", "1", orders);
        r.on(h, "GET", "/v2/json/token-1e13/.*", ex -> {
            if ("Bearer t0k3n".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                r.serve(ex);
            } else {
                ScriptedRegistry.challenge(ex, "Bearer realm=\"http://" + realm + "/token\",service=\"registry\"");
            }
        });
        cases.add(new Case("token-expires-in-1e13", 0, "musl 1.2.3", h + "/json/token-1e13:1"));
        Map<String, Object> env =
                Map.of("Env", List.of("PATH=" + "/nope:".repeat(40_000) + "/bin"), "Entrypoint", List.of("sh"));
        r.rawImage("config/path-40k", "1", env, List.of(small));
        cases.add(new Case("path-of-40000-dirs", 0, "musl 1.2.3", h + "/config/path-40k:1"));
        r.rawImage(
                "config/entrypoint-1m",
                "1",
                Map.of("Entrypoint", List.of("/a" + "/.".repeat(1 << 20))),
                List.of(small));
        cases.add(new Case("entrypoint-of-a-million-components", 2, "hold over", h + "/config/entrypoint-1m:1"));
        // Redirects in a loop, and to plain HTTP on a host not listed.
        r.on(
                "GET",
                "/v2/redirect/loop/manifests/.*",
                ex -> ScriptedRegistry.redirect(ex, ex.getRequestURI().getPath()));
        cases.add(new Case("redirect-loop", 2, "more than 5 times", h + "/redirect/loop:1"));
        r.on("GET", "/v2/redirect/plain/manifests/.*", ex -> ScriptedRegistry.redirect(ex, "http://127.0.0.99:1/x"));
        cases.add(new Case("redirect-to-plain-http", 2, "listed as insecure", h + "/redirect/plain:1"));
        return cases;
    }

    private static void layer(
            ScriptedRegistry r, List<Case> cases, String name, int exit, String expect, RawTar.Built layer) {
        layer(r, cases, name, exit, expect, layer, null);
    }

    private static void layer(
            ScriptedRegistry r,
            List<Case> cases,
            String name,
            int exit,
            String expect,
            RawTar.Built layer,
            String mediaType) {
        String repository = "layer/" + name.toLowerCase(java.util.Locale.ROOT); // repositories are lower case
        r.rawImage(
                repository, "1", Map.of(), List.of(layer), mediaType == null ? ScriptedRegistry.GZIP_LAYER : mediaType);
        cases.add(new Case(name, exit, expect, r.host() + "/" + repository + ":1"));
    }

    private static void manifest(ScriptedRegistry r, List<Case> cases, String name, String expect, String json) {
        String repository = "json/" + name.toLowerCase(java.util.Locale.ROOT);
        r.manifest(
                repository, "1", "application/vnd.oci.image.manifest.v1+json", json.getBytes(StandardCharsets.UTF_8));
        cases.add(new Case(name, 2, expect, r.host() + "/" + repository + ":1"));
    }

    /** A zstd frame whose header declares a 2 GiB window, then junk: a decoder that believed it would allocate 2 GiB. */
    private static RawTar.Built zstdHugeWindow() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) (21 << 3)});
        b.write(new byte[4096]);
        byte[] blob = b.toByteArray();
        return new RawTar.Built(blob, digest(blob), digest(new byte[0]), 0);
    }

    private static String digest(byte[] bytes) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
