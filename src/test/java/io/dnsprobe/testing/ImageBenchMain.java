package io.dnsprobe.testing;

import io.dnsprobe.testing.registry.DockerRegistry;
import io.dnsprobe.testing.registry.ImagePusher;
import io.dnsprobe.testing.registry.Layer;
import io.dnsprobe.testing.registry.TestImage;
import io.dnsprobe.testing.registry.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Images for measuring {@code dnsprobe image}: a real registry (Debian's docker-registry) on a loopback port with
 * three images sharing one ~3 MB Alpine 3.16 base layer (the fixture plus incompressible bytes in usr/lib/libbig.so):
 * {@code bench/small:1} (base + a tiny app layer), {@code bench/big:1} and {@code bench/big:2} (base + a different
 * BIG_MB MB top layer each: many files of random bytes, ELF executables among them, gzip, streamed to disk).
 * Prints {@code registry ready HOST}, the images and {@code images ready}; then runs until stdin closes or WAIT seconds
 * have passed since start (whichever is first, setup included), stops the registry and deletes its temp files.
 *
 * <p>Usage: ImageBenchMain WAIT_SECONDS [BIG_MB] (run by .ci/bench-image; BIG_MB defaults to 200)
 */
public final class ImageBenchMain {
    private static final long MB = 1_000_000L;
    private static final long BASE_TARGET = 3 * MB;

    private static DockerRegistry registry;
    private static Path work;

    private ImageBenchMain() {}

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        long waitSeconds = Long.parseLong(args[0]);
        long bigMb = args.length > 1 ? Long.parseLong(args[1]) : 200;
        long deadline = start + TimeUnit.SECONDS.toNanos(waitSeconds);
        Runtime.getRuntime().addShutdownHook(new Thread(ImageBenchMain::cleanUp, "image-bench-cleanup"));
        // Bounded whatever happens: at WAIT seconds exit (the hook stops the registry); if that hangs, halt.
        Thread bound = new Thread(
                () -> {
                    sleepUntil(deadline);
                    System.out.println("WAIT of " + waitSeconds + " s over: exiting");
                    System.out.flush();
                    Thread halt = new Thread(
                            () -> {
                                sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
                                Runtime.getRuntime().halt(3);
                            },
                            "image-bench-halt");
                    halt.setDaemon(true);
                    halt.start();
                    System.exit(0);
                },
                "image-bench-deadline");
        bound.setDaemon(true);
        bound.start();

        work = Files.createTempDirectory("dnsprobe-image-bench");
        registry = DockerRegistry.plain();
        String host = registry.host();
        System.out.println("registry ready " + host);
        ProcessHandle.current()
                .children()
                .filter(p -> p.info().command().orElse("").endsWith("docker-registry"))
                .forEach(p -> System.out.println("registry pid " + p.pid()));
        System.out.flush();

        Layer base = baseLayer();
        Layer app = Layer.builder()
                .file("app/run.sh", "#!/bin/sh\nexec nslookup example.com\n", 0755)
                .file("app/VERSION", "1\n")
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Layer> big1 = pool.submit(() -> bigLayer("big1", 1, bigMb * MB));
        Future<Layer> big2 = pool.submit(() -> bigLayer("big2", 2, bigMb * MB));
        List<Layer> tops = List.of(big1.get(), big2.get());
        pool.shutdown();
        describe("base layer (shared)", base);
        describe("tiny app layer", app);
        describe("big:1 top layer", tops.get(0));
        describe("big:2 top layer", tops.get(1));

        ImagePusher pusher = new ImagePusher(registry);
        push(
                pusher,
                host,
                "bench/small",
                "1",
                TestImages.alpineImage(base)
                        .layer(app, "COPY app /app # buildkit")
                        .entrypoint("/app/run.sh")
                        .build());
        push(
                pusher,
                host,
                "bench/big",
                "1",
                TestImages.alpineImage(base)
                        .layer(tops.get(0), "COPY dist / # buildkit")
                        .entrypoint("/usr/local/bin/tool-0")
                        .build());
        push(
                pusher,
                host,
                "bench/big",
                "2",
                TestImages.alpineImage(base)
                        .layer(tops.get(1), "COPY dist / # buildkit")
                        .entrypoint("/usr/local/bin/tool-0")
                        .build());
        // The registry has the blobs now: the local copies are not needed.
        for (Layer l : tops) {
            Files.deleteIfExists(l.file().orElseThrow());
        }
        System.out.printf("images ready after %.1f s%n", (System.nanoTime() - start) / 1e9);
        System.out.flush();

        CountDownLatch stdinClosed = new CountDownLatch(1);
        Thread stdin = new Thread(
                () -> {
                    try (InputStream in = System.in) {
                        byte[] buf = new byte[256];
                        while (in.read(buf) >= 0) {
                            // just waiting for EOF
                        }
                    } catch (IOException e) {
                        // treated as closed
                    }
                    stdinClosed.countDown();
                },
                "image-bench-stdin");
        stdin.setDaemon(true);
        stdin.start();
        boolean closed = stdinClosed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        System.out.println(closed ? "stdin closed: exiting" : "WAIT of " + waitSeconds + " s over: exiting");
        System.out.flush();
        System.exit(0);
    }

    /** The Alpine 3.16 fixture plus random (incompressible) bytes in usr/lib/libbig.so, about 3 MB as a gzip blob. */
    private static Layer baseLayer() {
        Layer alpine = TestImages.alpineLayer("3.16");
        long extra = Math.max(0, BASE_TARGET - alpine.size());
        byte[] lib = new byte[(int) extra];
        new SplittableRandom(316).nextBytes(lib);
        return alpine.toBuilder().file("usr/lib/libbig.so", lib, 0755).build();
    }

    /**
     * A top layer of about {@code total} uncompressed bytes, like an application's: a few ELF executables of 0.5-4 MB
     * (which dnsprobe reads through, looking for Go build info), shared libraries and jars of 64 kB-2 MB, one large data
     * file, and many small assets. All content random, so gzip cannot shrink it. Sources and blob are written to disk,
     * one file at a time: nothing of it is held in memory.
     */
    private static Layer bigLayer(String name, long seed, long total) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path src = Files.createDirectories(work.resolve(name + "-src"));
        Layer.Builder b = Layer.builder();
        byte[] elf = TestImages.muslTool("app", "x86_64");
        long written = 0;
        long bigFile = total / 5;
        written += writeFile(b, src, "opt/app/data/model.bin", bigFile, 0644, null, rnd);
        int exe = 0;
        int lib = 0;
        int asset = 0;
        while (written < total) {
            long left = total - written;
            int pick = rnd.nextInt(100);
            long size;
            if (pick < 10) {
                size = Math.min(left, rnd.nextLong(500_000, 4_000_000));
                written += writeFile(b, src, "usr/local/bin/tool-" + exe++, size, 0755, elf, rnd);
            } else if (pick < 40) {
                size = Math.min(left, rnd.nextLong(64_000, 2_000_000));
                boolean so = rnd.nextBoolean();
                written += writeFile(
                        b,
                        src,
                        so ? "opt/app/lib/lib" + lib++ + ".so" : "opt/app/lib/dep-" + lib++ + ".jar",
                        size,
                        so ? 0755 : 0644,
                        so ? elf : null,
                        rnd);
            } else {
                size = Math.min(left, rnd.nextLong(1_000, 64_000));
                written += writeFile(
                        b,
                        src,
                        "usr/share/app/assets/" + (asset % 40) + "/a" + asset++ + ".dat",
                        size,
                        0644,
                        null,
                        rnd);
            }
        }
        Layer layer = b.buildTo(work.resolve(name + ".tar.gz"));
        deleteTree(src);
        System.out.printf(
                "%s: %d executables, %d libraries, %d assets, 1 data file of %d MB%n",
                name, exe, lib, asset, bigFile / MB);
        return layer;
    }

    /** Writes {@code size} random bytes (after {@code prefix}, an ELF header, if given) and adds the file to the layer. */
    private static long writeFile(
            Layer.Builder b, Path src, String path, long size, int mode, byte[] prefix, SplittableRandom rnd)
            throws IOException {
        Path f = src.resolve(path);
        Files.createDirectories(f.getParent());
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            long left = size;
            if (prefix != null && size >= prefix.length) {
                out.write(prefix);
                left -= prefix.length;
            }
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                rnd.nextBytes(buf);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        b.file(path, f, mode);
        return size;
    }

    private static void describe(String what, Layer l) {
        System.out.printf(
                "%s: %s, %d bytes gzip (%.1f MB), %d bytes tar%n",
                what, l.digest().substring(0, 19), l.size(), l.size() / 1e6, l.tarSize());
    }

    private static void push(ImagePusher pusher, String host, String repo, String tag, TestImage image) {
        long t0 = System.nanoTime();
        pusher.push(repo, tag, image);
        long compressed = image.layers().stream().mapToLong(Layer::size).sum();
        System.out.printf(
                "image %s/%s:%s %s %d layers, %d bytes of layers (pushed in %.1f s)%n",
                host,
                repo,
                tag,
                image.digest().substring(0, 19),
                image.layers().size(),
                compressed,
                (System.nanoTime() - t0) / 1e9);
        System.out.flush();
    }

    private static synchronized void cleanUp() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (work != null) {
            deleteTree(work);
            work = null;
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all =
                    new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
