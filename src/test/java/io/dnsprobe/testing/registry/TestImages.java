package io.dnsprobe.testing.registry;

import io.dnsprobe.testing.Cleanup;
import io.dnsprobe.testing.registry.Layer.Compression;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The catalog of fixture images the image inspector is tested against, and a way to push all of them into a
 * {@link DockerRegistry}. Every image is linux/amd64 with OCI media types unless its entry says otherwise;
 * layers are built once per JVM and shared, so pushing the whole catalog takes a second or two.
 *
 * <pre>
 * try (DockerRegistry r = DockerRegistry.plain()) {
 *     TestImages.Catalog c = TestImages.pushAll(r);
 *     TestImages.Pushed gw = c.get("acme/gateway:2.0");   // gw.diffIds().get(1): the layer holding the Go binary
 *     inspector.inspect(c.reference("acme/gateway:2.0")); // "127.0.0.1:PORT/acme/gateway:2.0"
 * }
 * </pre>
 *
 * The fixtures' real files come from the host (Debian's glibc, Debian's musl loader, a Go toolchain, musl-gcc);
 * when one is missing the catalog fails with the package to install: it never quietly builds a weaker fixture,
 * except for scratch/static:1 which falls back to a synthetic static ELF without musl-gcc.
 */
public final class TestImages {
    /** One pushed image or index. For an index, {@link #manifests()} lists its entries, attestations last. */
    public record Pushed(
            String repository,
            String tag,
            String digest,
            String mediaType,
            String platform,
            String configDigest,
            List<String> diffIds,
            List<String> layerDigests,
            List<Pushed> manifests) {
        /** "repository:tag". */
        public String name() {
            return repository + ":" + tag;
        }

        /** "127.0.0.1:PORT/repository:tag". */
        public String reference(DockerRegistry registry) {
            return registry.host() + "/" + name();
        }

        /** "127.0.0.1:PORT/repository@sha256:...". */
        public String digestReference(DockerRegistry registry) {
            return registry.host() + "/" + repository + "@" + digest;
        }

        /** The index entry for "os/arch[/variant]" ("unknown/unknown" for the attestation). */
        public Pushed platform(String osArch) {
            return manifests.stream()
                    .filter(m -> m.platform().equals(osArch))
                    .findFirst()
                    .orElseThrow(
                            () -> new NoSuchElementException(name() + " has no " + osArch + " entry: " + manifests));
        }
    }

    /** What {@link #pushAll} pushed, by "repository:tag". */
    public record Catalog(String host, Map<String, Pushed> images) {
        public Pushed get(String name) {
            Pushed p = images.get(name);
            if (p == null) {
                throw new NoSuchElementException(name + " is not in the catalog: " + images.keySet());
            }
            return p;
        }

        /** "127.0.0.1:PORT/" + name. */
        public String reference(String name) {
            return host + "/" + get(name).name();
        }
    }

    /** Alpine releases with a base image in the catalog, as base/alpine:RELEASE. */
    public static final List<String> ALPINE_RELEASES = List.of("3.14", "3.16", "3.18", "3.19", "3.20");

    /** An Alpine release: its /etc/alpine-release and the versions of the packages its base layer holds. */
    public record Alpine(
            String branch,
            String release,
            String musl,
            String busybox,
            String baselayout,
            String libcUtils,
            long built) {
        /** The version musl's loader prints (and holds as a string): the package version without -rN. */
        public String muslLoaderVersion() {
            return musl.replaceFirst("-r\\d+$", "");
        }
    }

    public static final Map<String, Alpine> ALPINE = Map.of(
            "3.14", new Alpine("3.14", "3.14.3", "1.2.2-r3", "1.33.1-r6", "3.2.0-r16", "0.7.2-r3", 1636466170L),
            "3.16", new Alpine("3.16", "3.16.2", "1.2.3-r2", "1.35.0-r17", "3.2.0-r23", "0.7.2-r3", 1660144582L),
            "3.18", new Alpine("3.18", "3.18.4", "1.2.4-r2", "1.36.1-r5", "3.4.3-r1", "0.7.2-r5", 1695731442L),
            "3.19",
                    new Alpine(
                            "3.19",
                            "3.19.1",
                            "1.2.4_git20230717-r4",
                            "1.36.1-r15",
                            "3.4.3-r2",
                            "0.7.2-r5",
                            1706529217L),
            "3.20", new Alpine("3.20", "3.20.3", "1.2.5-r0", "1.36.1-r29", "3.6.5-r0", "0.7.2-r5", 1725545873L));

    public static final String GO_SOURCE = """
            package main

            import (
            \t"fmt"
            \t"net"
            )

            func main() {
            \ta, _ := net.LookupHost("example.com")
            \tfmt.Println(a)
            }
            """;

    static final String MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";
    static final String GLIBC = "/lib/x86_64-linux-gnu/libc.so.6";
    private static final String GO = "/usr/bin/go";
    private static final String MUSL_GCC = "/usr/bin/musl-gcc";
    private static final String GLIBC_DPKG_VERSION = "2.36-9+deb12u4";

    private static final Map<String, Layer> LAYERS = new LinkedHashMap<>();
    private static Map<String, Object> fixtures;
    private static final Map<String, Path> BINARIES = new LinkedHashMap<>();

    private TestImages() {}

    /** Pushes every fixture into {@code registry} (as its first htpasswd user, if it has any). */
    public static Catalog pushAll(DockerRegistry registry) {
        return pushAll(new ImagePusher(registry), registry.host());
    }

    /** Pushes every fixture with {@code pusher}; {@code host} is only used to form references. */
    public static Catalog pushAll(ImagePusher pusher, String host) {
        Map<String, Object> all = fixtures();
        // One task per repository (tags of a repository share blobs), repositories in parallel.
        Map<String, List<String>> byRepo = new LinkedHashMap<>();
        for (String name : all.keySet()) {
            byRepo.computeIfAbsent(name.substring(0, name.lastIndexOf(':')), r -> new ArrayList<>())
                    .add(name);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, byRepo.size()), r -> {
            Thread t = new Thread(r, "catalog-push");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<List<Pushed>>> futures = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> repo : byRepo.entrySet()) {
                futures.put(repo.getKey(), pool.submit(() -> {
                    List<Pushed> done = new ArrayList<>();
                    for (String name : repo.getValue()) {
                        done.add(push(pusher, name, all.get(name)));
                    }
                    return done;
                }));
            }
            Map<String, Pushed> pushed = new LinkedHashMap<>();
            for (Future<List<Pushed>> f : futures.values()) {
                for (Pushed p : f.get(60, TimeUnit.SECONDS)) {
                    pushed.put(p.name(), p);
                }
            }
            Map<String, Pushed> ordered = new LinkedHashMap<>();
            all.keySet().forEach(n -> ordered.put(n, pushed.get(n)));
            return new Catalog(host, Collections.unmodifiableMap(ordered));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("pushing the catalog took over a minute", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every fixture by "repository:tag": a {@link TestImage} or an {@link ImageIndex}. Built once per JVM. */
    public static synchronized Map<String, Object> fixtures() {
        if (fixtures == null) {
            fixtures = Collections.unmodifiableMap(buildFixtures());
        }
        return fixtures;
    }

    public static TestImage image(String name) {
        if (fixtures().get(name) instanceof TestImage i) {
            return i;
        }
        throw new NoSuchElementException(name + " is not a single-platform fixture");
    }

    public static ImageIndex index(String name) {
        if (fixtures().get(name) instanceof ImageIndex i) {
            return i;
        }
        throw new NoSuchElementException(name + " is not an index fixture");
    }

    private static Pushed push(ImagePusher pusher, String name, Object fixture) {
        int colon = name.lastIndexOf(':');
        String repo = name.substring(0, colon);
        String tag = name.substring(colon + 1);
        if (fixture instanceof TestImage i) {
            return pushed(repo, tag, pusher.push(repo, tag, i), i);
        }
        ImageIndex x = (ImageIndex) fixture;
        String digest = pusher.push(repo, tag, x);
        List<Pushed> entries = new ArrayList<>();
        for (TestImage i : x.images()) {
            entries.add(pushed(repo, i.digest(), i.digest(), i));
        }
        for (ImageIndex.Attestation a : x.attestations()) {
            entries.add(new Pushed(
                    repo,
                    a.digest(),
                    a.digest(),
                    a.mediaType(),
                    "unknown/unknown",
                    a.configDigest(),
                    List.of(a.statementDigest()),
                    List.of(a.statementDigest()),
                    List.of()));
        }
        return new Pushed(repo, tag, digest, x.mediaType(), null, null, List.of(), List.of(), List.copyOf(entries));
    }

    private static Pushed pushed(String repo, String tag, String digest, TestImage i) {
        return new Pushed(
                repo,
                tag,
                digest,
                i.mediaType(),
                i.platform(),
                i.configDigest(),
                i.diffIds(),
                i.layerDigests(),
                List.of());
    }

    private static Map<String, Object> buildFixtures() {
        Map<String, Object> f = new LinkedHashMap<>();
        for (String r : ALPINE_RELEASES) {
            f.put("base/alpine:" + r, alpineImage(alpineLayer(r)).build());
        }
        Layer base16 = alpineLayer("3.16");
        f.put(
                "acme/orders:1.4",
                alpineImage(base16)
                        .layer(ordersLayer(), "COPY app/ /app/ # buildkit")
                        .entrypoint("/app/orders.sh")
                        .noCmd()
                        .workingDir("/app")
                        .build());
        Layer go = layer(
                "go-app",
                () -> Layer.builder()
                        .file("usr/local/bin/gateway", goBinary(false), 0755)
                        .build());
        Layer goCgo = layer(
                "go-app-netcgo",
                () -> Layer.builder()
                        .file("usr/local/bin/gateway", goBinary(true), 0755)
                        .build());
        f.put(
                "acme/gateway:2.0",
                alpineImage(base16)
                        .layer(go, "COPY gateway /usr/local/bin/ # buildkit")
                        .entrypoint("gateway")
                        .noCmd()
                        .build());
        f.put(
                "acme/gateway-cgo:2.0",
                alpineImage(base16)
                        .layer(goCgo, "COPY gateway /usr/local/bin/ # buildkit")
                        .entrypoint("/usr/local/bin/gateway")
                        .noCmd()
                        .build());
        f.put(
                "acme/gateway-sh:2.0",
                alpineImage(base16)
                        .layer(go, "COPY gateway /usr/local/bin/ # buildkit")
                        .entrypoint("/bin/sh", "-c", "gateway")
                        .noCmd()
                        .build());
        f.put(
                "wolfi/base:latest",
                TestImage.builder()
                        .layer(wolfiLayer(), "apko")
                        .cmd("/bin/sh", "-l")
                        .build());
        f.put(
                "debian/base:12",
                TestImage.builder()
                        .layer(debianLayer(), "# debian.sh --arch 'amd64' out/ 'bookworm' '@1705881600'")
                        .cmd("bash")
                        .build());
        f.put(
                "distroless/base:12",
                TestImage.builder()
                        .layer(distrolessLayer(), "bazel build @distroless//base:base_root_amd64_debian12")
                        .env("PATH=" + TestImage.DEFAULT_PATH, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt")
                        .build());
        f.put(
                "scratch/static:1",
                TestImage.builder()
                        .layer(
                                layer(
                                        "static-c",
                                        () -> Layer.builder()
                                                .file("app", staticCBinary(), 0755)
                                                .build()),
                                "COPY app /app # buildkit")
                        .entrypoint("/app")
                        .build());
        f.put(
                "scratch/go:1",
                TestImage.builder()
                        .layer(
                                layer(
                                        "scratch-go",
                                        () -> Layer.builder()
                                                .file("gateway", goBinary(false), 0755)
                                                .build()),
                                "COPY gateway /gateway # buildkit")
                        .entrypoint("/gateway")
                        .build());
        f.put(
                "musl/noapk:1",
                TestImage.builder()
                        .layer(
                                layer(
                                        "musl-noapk",
                                        () -> Layer.builder()
                                                .file("lib/ld-musl-x86_64.so.1", realFile(MUSL_LOADER, "musl"), 0755)
                                                .build()),
                                "COPY ld-musl-x86_64.so.1 /lib/ # buildkit")
                        .build());
        f.put(
                "acme/upgraded:1",
                alpineImage(base16)
                        .layer(
                                layer("upgraded", () -> {
                                    Alpine a = ALPINE.get("3.16");
                                    Alpine upgraded = new Alpine(
                                            a.branch(),
                                            a.release(),
                                            "1.2.4-r2",
                                            a.busybox(),
                                            a.baselayout(),
                                            a.libcUtils(),
                                            a.built());
                                    return Layer.builder()
                                            .file("lib/apk/db/installed", apkInstalled(upgraded, "x86_64"))
                                            .file("lib/ld-musl-x86_64.so.1", muslLoader("1.2.4", "x86_64"), 0755)
                                            .build();
                                }),
                                "RUN apk upgrade musl # buildkit")
                        .build());
        f.put(
                "acme/apkdb-deleted:1",
                alpineImage(base16)
                        .layer(
                                layer(
                                        "apkdb-deleted",
                                        () -> Layer.builder()
                                                .whiteout("lib/apk/db/installed")
                                                .build()),
                                "RUN rm /lib/apk/db/installed # buildkit")
                        .build());
        f.put(
                "acme/opaque:1",
                alpineImage(base16)
                        .layer(
                                layer(
                                        "opaque",
                                        () -> Layer.builder()
                                                .opaque("lib/apk/db")
                                                .build()),
                                "RUN rm -rf /lib/apk/db && mkdir /lib/apk/db # buildkit")
                        .build());
        f.put(
                "acme/zstd:1",
                alpineImage(alpineLayer("3.18").withCompression(Compression.ZSTD))
                        .layer(
                                layer("zstd-app", () -> appLayer("zstd").withCompression(Compression.ZSTD)),
                                "COPY app/ /app/ # buildkit")
                        .entrypoint("/app/run.sh")
                        .noCmd()
                        .build());
        f.put(
                "acme/dotslash:1",
                alpineImage(layer(
                                "alpine-3.20-dotslash",
                                () -> alpineLayer("3.20").toBuilder()
                                        .dotSlash(true)
                                        .build()))
                        .build());

        TestImage appAmd64 = alpineImage(alpineLayer("3.14"))
                .layer(appLayer("multi"), "COPY app/ /app/ # buildkit")
                .entrypoint("/app/run.sh")
                .noCmd()
                .build();
        TestImage appArm64 = alpineImage(alpineLayer("3.20", "aarch64"))
                .platform("linux", "arm64", "v8")
                .layer(appLayer("multi"), "COPY app/ /app/ # buildkit")
                .entrypoint("/app/run.sh")
                .noCmd()
                .build();
        f.put(
                "multi/app:1",
                ImageIndex.oci()
                        .add(appAmd64)
                        .add(appArm64)
                        .attestation(appAmd64)
                        .build());
        TestImage dockerAmd64 =
                alpineImage(alpineLayer("3.18")).format(TestImage.Format.DOCKER).build();
        TestImage dockerArm64 = alpineImage(alpineLayer("3.16", "aarch64"))
                .format(TestImage.Format.DOCKER)
                .platform("linux", "arm64", "v8")
                .build();
        f.put(
                "multi/docker:1",
                ImageIndex.dockerList().add(dockerAmd64).add(dockerArm64).build());
        return f;
    }

    /** An image on an Alpine base layer, configured like the alpine image (PATH, Cmd ["/bin/sh"]). */
    public static TestImage.Builder alpineImage(Layer base) {
        return TestImage.builder()
                .layer(base, "ADD alpine-minirootfs.tar.gz / # buildkit")
                .cmd("/bin/sh");
    }

    public static Layer alpineLayer(String release) {
        return alpineLayer(release, "x86_64");
    }

    /**
     * The base layer of Alpine {@code release} (gzip, like the official images) for "x86_64" or "aarch64":
     * the apk database, alpine-release, os-release, the musl loader and busybox.
     */
    public static Layer alpineLayer(String release, String arch) {
        Alpine a = ALPINE.get(release);
        if (a == null) {
            throw new NoSuchElementException("no Alpine " + release + " fixture; have " + ALPINE_RELEASES);
        }
        return layer("alpine-" + release + "-" + arch, () -> {
            String loader = "ld-musl-" + arch + ".so.1";
            Layer.Builder b = Layer.builder();
            for (String d : List.of(
                    "bin", "dev", "etc", "etc/apk", "home", "lib", "lib/apk", "lib/apk/db", "media", "mnt", "opt")) {
                b.dir(d);
            }
            b.dir("proc", 0555)
                    .dir("root", 0700)
                    .dir("run")
                    .dir("sbin")
                    .dir("srv")
                    .dir("sys", 0555)
                    .dir("tmp", 01777);
            for (String d : List.of(
                    "usr",
                    "usr/bin",
                    "usr/lib",
                    "usr/local",
                    "usr/local/bin",
                    "usr/local/lib",
                    "usr/local/share",
                    "usr/sbin",
                    "usr/share",
                    "var",
                    "var/cache",
                    "var/lib",
                    "var/log",
                    "var/tmp")) {
                b.dir(d);
            }
            b.file("bin/busybox", busybox(a, arch), 0755);
            b.symlink("bin/sh", "/bin/busybox");
            b.file("etc/alpine-release", a.release() + "\n");
            b.file("etc/os-release", alpineOsRelease(a));
            b.file("etc/apk/world", "alpine-baselayout\nbusybox\nlibc-utils\nmusl-utils\n");
            b.file(
                    "etc/apk/repositories",
                    "https://dl-cdn.alpinelinux.org/alpine/v" + a.branch() + "/main\n"
                            + "https://dl-cdn.alpinelinux.org/alpine/v" + a.branch() + "/community\n");
            b.file("etc/apk/arch", arch + "\n");
            b.file("etc/hostname", "localhost\n");
            b.file("etc/hosts", "127.0.0.1\tlocalhost localhost.localdomain\n::1\t\tlocalhost localhost.localdomain\n");
            b.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n");
            b.file("etc/group", "root:x:0:root\nnobody:x:65534:\n");
            b.file("etc/shells", "# valid login shells\n/bin/sh\n/bin/ash\n");
            b.file("lib/" + loader, muslLoader(a.muslLoaderVersion(), arch), 0755);
            b.symlink("lib/libc.musl-" + arch + ".so.1", loader);
            b.file("lib/apk/db/installed", apkInstalled(a, arch));
            b.file("lib/apk/db/triggers", "");
            b.file("sbin/ldconfig", LDCONFIG, 0755);
            b.file("usr/bin/getconf", muslTool("getconf", arch), 0755);
            b.file("usr/bin/getent", muslTool("getent", arch), 0755);
            b.file("usr/bin/iconv", muslTool("iconv", arch), 0755);
            b.symlink("usr/bin/ldd", "/lib/" + loader);
            return b.build();
        });
    }

    /** A stand-in for musl's dynamic loader: an ELF shared object with musl's banner and {@code version} in its rodata. */
    public static byte[] muslLoader(String version, String arch) {
        return Elf.build(
                Elf.Type.SHARED_OBJECT,
                arch,
                null,
                List.of(),
                List.of(
                        "/etc/ld-musl-" + arch + ".path",
                        "/lib:/usr/local/lib:/usr/lib",
                        "LD_LIBRARY_PATH",
                        "LD_PRELOAD",
                        "Error relocating %s: %s: symbol not found",
                        "Error loading shared library %s: %m (needed by %s)",
                        "musl libc (" + arch
                                + ")\nVersion %s\nDynamic Program Loader\nUsage: %s [options] [--] pathname%s\n",
                        "ldd",
                        version,
                        "/dev/null"));
    }

    /** A stand-in for a dynamically linked musl executable (PT_INTERP names the musl loader). */
    public static byte[] muslTool(String name, String arch) {
        return Elf.build(
                Elf.Type.EXECUTABLE_DYNAMIC,
                arch,
                "/lib/ld-musl-" + arch + ".so.1",
                List.of("libc.musl-" + arch + ".so.1"),
                List.of("libc.musl-" + arch + ".so.1", name, "usage: " + name + " [options]"));
    }

    private static byte[] busybox(Alpine a, String arch) {
        String v = a.busybox().replaceFirst("-r\\d+$", "");
        return Elf.build(
                Elf.Type.EXECUTABLE_DYNAMIC,
                arch,
                "/lib/ld-musl-" + arch + ".so.1",
                List.of("libc.musl-" + arch + ".so.1"),
                List.of(
                        "libc.musl-" + arch + ".so.1",
                        "BusyBox v" + v + " ("
                                + java.time.Instant.ofEpochSecond(a.built())
                                        .toString()
                                        .replace('T', ' ')
                                        .replace("Z", " UTC")
                                + ")",
                        " multi-call binary.",
                        "Usage: busybox [function [arguments]...]",
                        "/bin/sh",
                        "ash",
                        "nslookup",
                        "wget",
                        "/etc/resolv.conf"));
    }

    private static final String LDCONFIG = """
            #!/bin/sh
            scan_dirs() {
            \tscanelf -qS "$@" | while read SONAME FILE; do
            \t\tTARGET="${FILE##*/}"
            \t\tLINK="${FILE%/*}/$SONAME"
            \t\tcase "$FILE" in
            \t\t/lib/*|/usr/lib/*|/usr/local/lib/*) ;;
            \t\t*) [ -h "$LINK" -o ! -e "$LINK" ] && ln -sf "$TARGET" "$LINK"
            \t\tesac
            \tdone
            \treturn 0
            }
            # eat ldconfig options
            while getopts "nNvXvf:C:r:" opt; do
            \t:
            done
            shift $(( OPTIND - 1 ))
            [ $# -gt 0 ] && scan_dirs "$@"
            """;

    private static String alpineOsRelease(Alpine a) {
        return """
                NAME="Alpine Linux"
                ID=alpine
                VERSION_ID=%s
                PRETTY_NAME="Alpine Linux v%s"
                HOME_URL="https://alpinelinux.org/"
                BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
                """.formatted(a.release(), a.branch());
    }

    /** lib/apk/db/installed of an Alpine base as apk writes it: one block per package, a blank line after each. */
    public static String apkInstalled(Alpine a, String arch) {
        String loader = "ld-musl-" + arch + ".so.1";
        String libc = "libc.musl-" + arch + ".so.1";
        String loaderVersion = a.muslLoaderVersion();
        StringBuilder db = new StringBuilder();
        apkPackage(
                db,
                "musl",
                a.musl(),
                arch,
                383_152,
                622_592,
                "the musl c library (libc) implementation",
                "https://musl.libc.org/",
                "MIT",
                "musl",
                "Timo Teräs <timo.teras@iki.fi>",
                a.built(),
                List.of(),
                List.of("so:" + libc + "=1"),
                List.of(new ApkDir(
                        "lib",
                        List.of(
                                new ApkFile(loader, "0:0:755", muslLoader(loaderVersion, arch)),
                                new ApkFile(libc, "0:0:777", loader.getBytes(StandardCharsets.UTF_8))))));
        apkPackage(
                db,
                "busybox",
                a.busybox(),
                arch,
                507_831,
                962_560,
                "Size optimized toolbox of many common UNIX utilities",
                "https://busybox.net/",
                "GPL-2.0-only",
                "busybox",
                "Sören Tempel <soeren+alpine@soeren-tempel.net>",
                a.built(),
                List.of("so:" + libc),
                List.of("/bin/sh", "cmd:busybox=" + a.busybox(), "cmd:sh=" + a.busybox()),
                List.of(new ApkDir(
                        "bin",
                        List.of(
                                new ApkFile("busybox", "0:0:755", busybox(a, arch)),
                                new ApkFile("sh", "0:0:777", "/bin/busybox".getBytes(StandardCharsets.UTF_8))))));
        apkPackage(
                db,
                "alpine-baselayout",
                a.baselayout(),
                arch,
                11_073,
                348_160,
                "Alpine base dir structure and init scripts",
                "https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout",
                "GPL-2.0-only",
                "alpine-baselayout",
                "Natanael Copa <ncopa@alpinelinux.org>",
                a.built(),
                List.of("/bin/sh"),
                List.of(),
                List.of(
                        new ApkDir("dev", List.of()),
                        new ApkDir(
                                "etc",
                                List.of(
                                        new ApkFile("hostname", null, "localhost\n".getBytes(StandardCharsets.UTF_8)),
                                        new ApkFile(
                                                "shells",
                                                null,
                                                "# valid login shells\n/bin/sh\n/bin/ash\n"
                                                        .getBytes(StandardCharsets.UTF_8)))),
                        new ApkDir("home", List.of()),
                        new ApkDir("lib", List.of()),
                        new ApkDir("media", List.of()),
                        new ApkDir("proc", List.of()),
                        new ApkDir("root", List.of()),
                        new ApkDir("run", List.of()),
                        new ApkDir("sbin", List.of()),
                        new ApkDir("srv", List.of()),
                        new ApkDir("sys", List.of()),
                        new ApkDir("tmp", List.of()),
                        new ApkDir("usr", List.of()),
                        new ApkDir("var", List.of())));
        apkPackage(
                db,
                "musl-utils",
                a.musl(),
                arch,
                36_938,
                135_168,
                "the musl c library (libc) implementation",
                "https://musl.libc.org/",
                "MIT AND BSD-2-Clause AND GPL-2.0-or-later",
                "musl",
                "Timo Teräs <timo.teras@iki.fi>",
                a.built(),
                List.of("scanelf", "so:" + libc),
                List.of(
                        "cmd:getconf=" + a.musl(),
                        "cmd:getent=" + a.musl(),
                        "cmd:iconv=" + a.musl(),
                        "cmd:ldconfig=" + a.musl(),
                        "cmd:ldd=" + a.musl()),
                List.of(
                        new ApkDir(
                                "sbin",
                                List.of(new ApkFile("ldconfig", "0:0:755", LDCONFIG.getBytes(StandardCharsets.UTF_8)))),
                        new ApkDir("usr", List.of()),
                        new ApkDir(
                                "usr/bin",
                                List.of(
                                        new ApkFile("getconf", "0:0:755", muslTool("getconf", arch)),
                                        new ApkFile("getent", "0:0:755", muslTool("getent", arch)),
                                        new ApkFile("iconv", "0:0:755", muslTool("iconv", arch)),
                                        new ApkFile(
                                                "ldd",
                                                "0:0:777",
                                                ("/lib/" + loader).getBytes(StandardCharsets.UTF_8))))));
        apkPackage(
                db,
                "libc-utils",
                a.libcUtils(),
                arch,
                1_228,
                4_096,
                "Meta package to pull in correct libc",
                "https://alpinelinux.org",
                "BSD-2-Clause AND BSD-3-Clause",
                "libc-dev",
                "Natanael Copa <ncopa@alpinelinux.org>",
                a.built(),
                List.of("musl-utils"),
                List.of(),
                List.of());
        return db.toString();
    }

    private record ApkFile(String name, String acl, byte[] content) {}

    private record ApkDir(String path, List<ApkFile> files) {}

    private static void apkPackage(
            StringBuilder db,
            String name,
            String version,
            String arch,
            long size,
            long installed,
            String desc,
            String url,
            String license,
            String origin,
            String maintainer,
            long built,
            List<String> depends,
            List<String> provides,
            List<ApkDir> dirs) {
        db.append("C:")
                .append(q1((name + "-" + version + "-" + arch).getBytes(StandardCharsets.UTF_8)))
                .append('\n');
        db.append("P:").append(name).append('\n');
        db.append("V:").append(version).append('\n');
        db.append("A:").append(arch).append('\n');
        db.append("S:").append(size).append('\n');
        db.append("I:").append(installed).append('\n');
        db.append("T:").append(desc).append('\n');
        db.append("U:").append(url).append('\n');
        db.append("L:").append(license).append('\n');
        db.append("o:").append(origin).append('\n');
        db.append("m:").append(maintainer).append('\n');
        db.append("t:").append(built).append('\n');
        db.append("c:")
                .append(sha1Hex((origin + version).getBytes(StandardCharsets.UTF_8)))
                .append('\n');
        if (!depends.isEmpty()) {
            db.append("D:").append(String.join(" ", depends)).append('\n');
        }
        if (!provides.isEmpty()) {
            db.append("p:").append(String.join(" ", provides)).append('\n');
        }
        for (ApkDir d : dirs) {
            db.append("F:").append(d.path()).append('\n');
            for (ApkFile f : d.files()) {
                db.append("R:").append(f.name()).append('\n');
                if (f.acl() != null) {
                    db.append("a:").append(f.acl()).append('\n');
                }
                db.append("Z:").append(q1(f.content())).append('\n');
            }
        }
        db.append('\n');
    }

    /** apk's checksum notation: "Q1" and the base64 SHA-1. */
    private static String q1(byte[] b) {
        return "Q1" + Base64.getEncoder().encodeToString(sha1(b));
    }

    private static String sha1Hex(byte[] b) {
        return HexFormat.of().formatHex(sha1(b));
    }

    private static byte[] sha1(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Layer ordersLayer() {
        return layer(
                "orders-app",
                () -> Layer.builder()
                        .file("app/orders.sh", """
                        #!/bin/sh
                        # Resolves the order service's dependencies at start, then serves.
                        set -eu
                        for host in $(sed -n 's/^ *host: *//p' /app/config.yaml); do
                        \tnslookup "$host" >/dev/null 2>&1 || echo "orders: cannot resolve $host" >&2
                        done
                        exec httpd -f -p 8080 -h /app/www
                        """, 0755)
                        .file("app/config.yaml", """
                        orders:
                          database:
                            host: orders-db.payments.svc.cluster.local
                            port: 5432
                          broker:
                            host: kafka-0.kafka-headless.messaging.svc.cluster.local
                            port: 9092
                          upstream:
                            host: api.partner-gateway.example.com
                            port: 443
                        """)
                        .build());
    }

    private static Layer appLayer(String name) {
        return layer(
                "app-" + name,
                () -> Layer.builder()
                        .file("app/run.sh", "#!/bin/sh\nexec nslookup example.com\n", 0755)
                        .file("app/VERSION", name + "\n")
                        .build());
    }

    private static Layer wolfiLayer() {
        return layer("wolfi", () -> {
            StringBuilder db = new StringBuilder();
            apkPackage(
                    db,
                    "wolfi-baselayout",
                    "20230201-r15",
                    "x86_64",
                    5_561,
                    32_768,
                    "baselayout data for Wolfi",
                    "https://wolfi.dev",
                    "MIT",
                    "wolfi-baselayout",
                    "Wolfi",
                    1726000000L,
                    List.of(),
                    List.of(),
                    List.of(
                            new ApkDir(
                                    "etc",
                                    List.of(new ApkFile(
                                            "os-release",
                                            "0:0:777",
                                            "../usr/lib/os-release".getBytes(StandardCharsets.UTF_8)))),
                            new ApkDir(
                                    "usr/lib",
                                    List.of(new ApkFile(
                                            "os-release", null, wolfiOsRelease().getBytes(StandardCharsets.UTF_8))))));
            apkPackage(
                    db,
                    "ld-linux",
                    "2.40-r3",
                    "x86_64",
                    101_225,
                    241_664,
                    "the GNU C library dynamic linker",
                    "https://www.gnu.org/software/libc",
                    "LGPL-2.1-or-later",
                    "glibc",
                    "Wolfi",
                    1726100000L,
                    List.of(),
                    List.of("so:ld-linux-x86-64.so.2=2"),
                    List.of());
            apkPackage(
                    db,
                    "glibc",
                    "2.40-r3",
                    "x86_64",
                    2_011_355,
                    6_459_392,
                    "the GNU C library",
                    "https://www.gnu.org/software/libc",
                    "LGPL-2.1-or-later",
                    "glibc",
                    "Wolfi",
                    1726100000L,
                    List.of("ld-linux", "wolfi-baselayout"),
                    List.of("so:libc.so.6=6", "so:libm.so.6=6", "so:libresolv.so.2=2"),
                    List.of());
            apkPackage(
                    db,
                    "ca-certificates-bundle",
                    "20240705-r0",
                    "x86_64",
                    128_512,
                    241_664,
                    "CA certificates bundle",
                    "https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/",
                    "MPL-2.0 AND MIT",
                    "ca-certificates",
                    "Wolfi",
                    1720200000L,
                    List.of(),
                    List.of(),
                    List.of());
            return Layer.builder()
                    .symlink("bin", "usr/bin")
                    .symlink("lib", "usr/lib")
                    .symlink("lib64", "usr/lib")
                    .symlink("sbin", "usr/sbin")
                    .dir("etc")
                    .symlink("etc/os-release", "../usr/lib/os-release")
                    .file("etc/apk/world", "ca-certificates-bundle\nglibc\nwolfi-baselayout\n")
                    .dir("tmp", 01777)
                    .dir("usr/bin")
                    .dir("usr/sbin")
                    .file("usr/lib/os-release", wolfiOsRelease())
                    .file("usr/lib/apk/db/installed", db.toString())
                    .dir("var")
                    .build();
        });
    }

    private static String wolfiOsRelease() {
        return """
                ID=wolfi
                NAME="Wolfi"
                PRETTY_NAME="Wolfi"
                VERSION_ID="20230201"
                HOME_URL="https://wolfi.dev"
                """;
    }

    private static final String LIBC6_CONTROL = """
            Package: libc6
            %sPriority: optional
            Section: libs
            Installed-Size: 12988
            Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
            Architecture: amd64
            Multi-Arch: same
            Source: glibc
            Version: %s
            Replaces: libc6-amd64
            Depends: libgcc-s1
            Recommends: libidn2-0 (>= 2.0.5~)
            Suggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales, libnss-nis, libnss-nisplus
            Breaks: aide (<< 0.17.3-4+b3), busybox (<< 1.30.1-6), fakeroot (<< 1.25.3-1.1ubuntu2~), hurd (<< 1:0.9.git20220301-2), ioquake3 (<< 1.36+u20200211.f2c61c1~dfsg-2~), iraf-fitsutil (<< 2018.07.06-4), libgegl-0.4-0 (<< 0.4.18), libtirpc1 (<< 0.2.3), locales (<< 2.36), locales-all (<< 2.36), macs (<< 2.2.7.1-3~), nocache (<< 1.1-1~), nscd (<< 2.36), openarena (<< 0.8.8+dfsg-4~), openssh-server (<< 1:8.1p1-5), python3-iptables (<< 1.0.0-2), r-cran-later (<< 0.7.5+dfsg-2), tinydns (<< 1:1.05-14), valgrind (<< 1:3.19.0-1~), wcc (<< 0.0.2+dfsg-3)
            %sDescription: GNU C Library: Shared libraries
             Contains the standard libraries that are used by nearly all programs on
             the system. This package includes shared versions of the standard C library
             and the standard math library, as well as many others.
            Homepage: https://www.gnu.org/software/libc/libc.html
            """;

    /** The libc6 stanza of a dpkg status file; {@code withStatus} false gives the control-file form distroless keeps. */
    public static String libc6Stanza(boolean withStatus) {
        return LIBC6_CONTROL.formatted(
                withStatus ? "Status: install ok installed\n" : "",
                GLIBC_DPKG_VERSION,
                withStatus
                        ? "Conffiles:\n /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab\n"
                        : "");
    }

    private static Layer debianLayer() {
        return layer("debian-12", () -> {
            String status = """
                    Package: base-files
                    Essential: yes
                    Status: install ok installed
                    Priority: required
                    Section: admin
                    Installed-Size: 340
                    Maintainer: Santiago Vila <sanvila@debian.org>
                    Architecture: amd64
                    Multi-Arch: foreign
                    Version: 12.4+deb12u4
                    Replaces: base, dpkg (<= 1.15.0), miscutils
                    Provides: base
                    Pre-Depends: awk
                    Breaks: debian-security-support (<< 2019.04.25), initscripts (<< 2.88dsf-13.3), sendfile (<< 2.1b.20080616-5.2~), usr-merge (<< 25~)
                    Conffiles:
                     /etc/debian_version 2ed03d4d1f4fb2bb6a8ea3ff3e9e3a4d
                     /etc/issue 5ee3cb6ab1c6bd1ac3c0ef1fc2a32aa8
                     /etc/os-release 4f4bdfb8e5d8e7b2a0e0f3f1d6b5c0e3
                    Description: Debian base system miscellaneous files
                     This package contains the basic filesystem hierarchy of a Debian system, and
                     several important miscellaneous files, such as /etc/debian_version,
                     /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
                     and the text of several common licenses in use on Debian systems.

                    Package: libgcc-s1
                    Status: install ok installed
                    Priority: optional
                    Section: libs
                    Installed-Size: 140
                    Maintainer: Debian GCC Maintainers <debian-gcc@lists.debian.org>
                    Architecture: amd64
                    Multi-Arch: same
                    Source: gcc-12
                    Version: 12.2.0-14
                    Replaces: libgcc1 (<< 1:10)
                    Provides: libgcc1 (= 1:12.2.0-14)
                    Depends: gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)
                    Description: GCC support library
                     Shared version of the support library, a library of internal subroutines
                     that GCC uses to overcome shortcomings of particular machines, or
                     special needs for some languages.
                    Homepage: http://gcc.gnu.org/

                    """ + libc6Stanza(true) + """

                    Package: tzdata
                    Status: install ok installed
                    Priority: required
                    Section: localization
                    Installed-Size: 3496
                    Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
                    Architecture: all
                    Multi-Arch: foreign
                    Version: 2024a-0+deb12u1
                    Provides: tzdata-bookworm
                    Depends: debconf (>= 0.5) | debconf-2.0
                    Description: time zone and daylight-saving time data
                     This package contains data required for the implementation of
                     standard local time for many representative locations around the
                     globe. It is updated periodically to reflect changes made by
                     political bodies to time zone boundaries, UTC offsets, and
                     daylight-saving rules.
                    Homepage: https://www.iana.org/time-zones

                    """;
            return Layer.builder()
                    .dir("bin")
                    .dir("etc")
                    .file("etc/debian_version", "12.4\n")
                    .file("etc/os-release", """
                            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                            NAME="Debian GNU/Linux"
                            VERSION_ID="12"
                            VERSION="12 (bookworm)"
                            VERSION_CODENAME=bookworm
                            ID=debian
                            HOME_URL="https://www.debian.org/"
                            SUPPORT_URL="https://www.debian.org/support"
                            BUG_REPORT_URL="https://bugs.debian.org/"
                            """)
                    .file("lib/x86_64-linux-gnu/libc.so.6", realFile(GLIBC, "libc6"), 0755)
                    .dir("tmp", 01777)
                    .dir("usr/bin")
                    .dir("usr/lib")
                    .dir("usr/sbin")
                    .file("var/lib/dpkg/status", status)
                    .build();
        });
    }

    private static Layer distrolessLayer() {
        return layer("distroless-12", () -> {
            byte[] libc = realFile(GLIBC, "libc6");
            String md5 = md5Hex(libc) + "  lib/x86_64-linux-gnu/libc.so.6\n";
            return Layer.builder()
                    .dir("etc")
                    .file(
                            "etc/passwd",
                            "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
                                    + "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
                    .file("lib/x86_64-linux-gnu/libc.so.6", libc, 0755)
                    .dir("tmp", 01777)
                    .file("var/lib/dpkg/status.d/libc6", libc6Stanza(false))
                    .file("var/lib/dpkg/status.d/libc6.md5sums", md5)
                    .build();
        });
    }

    private static String md5Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface LayerSource {
        Layer build() throws IOException;
    }

    private static synchronized Layer layer(String key, LayerSource source) {
        Layer l = LAYERS.get(key);
        if (l == null) {
            try {
                l = source.build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LAYERS.put(key, l);
        }
        return l;
    }

    private static byte[] realFile(String path, String debianPackage) {
        try {
            return Files.readAllBytes(Util.requireFile(path, debianPackage).toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A real Go binary from {@link #GO_SOURCE}, built with CGO_ENABLED=0 -trimpath (plus -tags netcgo if asked),
     * once per JVM. Go's build cache lives under target/ so later runs build in well under a second.
     */
    public static synchronized byte[] goBinary(boolean netcgo) {
        try {
            return Files.readAllBytes(goBinaryPath(netcgo));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized Path goBinaryPath(boolean netcgo) {
        String key = netcgo ? "go-netcgo" : "go";
        Path done = BINARIES.get(key);
        if (done != null) {
            return done;
        }
        Path go = Util.requireExecutable(GO, "golang-go");
        try {
            Path cache = Util.cacheDir("go");
            Path src = Files.createTempDirectory(cache, "src");
            Files.writeString(src.resolve("main.go"), GO_SOURCE);
            Files.writeString(src.resolve("go.mod"), "module example.com/gateway\n\ngo 1.19\n");
            Path out = cache.resolve(key + "-" + ProcessHandle.current().pid());
            List<String> cmd = new ArrayList<>(List.of(go.toString(), "build", "-trimpath", "-buildvcs=false"));
            if (netcgo) {
                cmd.addAll(List.of("-tags", "netcgo"));
            }
            cmd.addAll(List.of("-o", out.toString(), "."));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(src.toFile()).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("CGO_ENABLED", "0");
            env.put("GOCACHE", cache.resolve("gocache").toString());
            env.put("GOPATH", cache.resolve("gopath").toString());
            env.put("GOPROXY", "off");
            env.put("GOFLAGS", "");
            env.put("GOENV", "off");
            env.put("GO111MODULE", "on");
            env.put("HOME", cache.toString());
            run(pb, "go build");
            Cleanup.deleteTree(src);
            out.toFile().deleteOnExit();
            BINARIES.put(key, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** src/test/c/gai.c built with musl-gcc -static (once per JVM), or a synthetic static ELF without musl-gcc. */
    public static synchronized byte[] staticCBinary() {
        Path source = Path.of("src/test/c/gai.c");
        if (!Files.isExecutable(Path.of(MUSL_GCC)) || !Files.isReadable(source)) {
            return Elf.build(
                    Elf.Type.EXECUTABLE_STATIC,
                    "x86_64",
                    null,
                    List.of(),
                    List.of("%s\tOK\t%d\t%s\n", "%s\tERR\t%s\n", "EAI_NONAME", "/etc/resolv.conf", "/etc/hosts"));
        }
        try {
            Path out = BINARIES.get("static-c");
            if (out == null) {
                Path cache = Util.cacheDir("c");
                out = cache.resolve("gai-static-" + ProcessHandle.current().pid());
                run(
                        new ProcessBuilder(
                                        MUSL_GCC,
                                        "-static",
                                        "-Os",
                                        "-s",
                                        "-o",
                                        out.toString(),
                                        source.toAbsolutePath().toString())
                                .redirectErrorStream(true),
                        "musl-gcc");
                out.toFile().deleteOnExit();
                BINARIES.put("static-c", out);
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(ProcessBuilder pb, String what) throws IOException {
        Path log = Files.createTempFile("dnsprobe-build", ".log");
        try {
            Process p =
                    pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(what + " took over 2 minutes: " + Files.readString(log));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (" + p.exitValue() + "): " + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
