package io.dnsprobe.testing.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** Small helpers shared by the registry harness. */
final class Util {
    /** Every HTTP call of the harness is bounded by this. */
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    /** Compact, insertion-ordered: the bytes are hashed, so they are produced exactly once and never re-serialised. */
    static final ObjectMapper JSON = new ObjectMapper();

    static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Util() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    /** "sha256:" + hex, the form registries use in URLs, manifests and Docker-Content-Digest. */
    static String digest(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static byte[] json(Object tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path requireExecutable(String path, String apt) {
        Path p = Path.of(path);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(
                    path + " is not installed: apt-get install " + apt + " (.ci/run does this)");
        }
        return p;
    }

    static Path requireFile(String path, String apt) {
        Path p = Path.of(path);
        if (!Files.isReadable(p)) {
            throw new IllegalStateException(path + " is missing: apt-get install " + apt + " (.ci/run does this)");
        }
        return p;
    }

    /** A scratch directory under target/ when run from the project (kept between runs), else under the temp dir. */
    static Path cacheDir(String name) throws IOException {
        Path target = Path.of("target");
        Path base = Files.isDirectory(target)
                ? target.resolve("registry-harness")
                : Path.of(System.getProperty("java.io.tmpdir"), "dnsprobe-registry-harness");
        Path dir = base.resolve(name).toAbsolutePath();
        Files.createDirectories(dir);
        return dir;
    }
}
