package io.dnsprobe.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Prometheus, run by a test on a free loopback port with its storage in a temporary directory,
 * killed and removed by {@link #close()}. Fails (never skips) when it is not installed: .ci/install-deps
 * installs it. Its output goes to a file, never a pipe, so a hung server cannot block the test.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final int port;
    private final Process process;

    /**
     * @param config prometheus.yml; a {@code rule_files} entry may name {@code rules.yaml}, written beside it
     * @param rules the rule groups (a Prometheus rules file), or null
     */
    public PrometheusServer(String config, String rules) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(
                    BINARY + " is not installed: apt-get install prometheus (.ci/install-deps does this)");
        }
        dir = Files.createTempDirectory("dnsprobe-prometheus");
        Files.writeString(dir.resolve("prometheus.yml"), config);
        if (rules != null) {
            Files.writeString(dir.resolve("rules.yaml"), rules);
        }
        Process started = null;
        int chosen = -1;
        // A free port can be taken between choosing and binding; try a few.
        for (int attempt = 0; attempt < 3 && started == null; attempt++) {
            chosen = Ports.freeTcpPort();
            Process p = new ProcessBuilder(List.of(
                            BINARY.toString(),
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + chosen,
                            "--storage.tsdb.retention.time=1h"))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            if (waitUntilReady(p, chosen)) {
                started = p;
            } else {
                BoundedProcess.kill(p);
            }
        }
        if (started == null) {
            String log = log();
            close();
            throw new IllegalStateException("prometheus did not start; log:\n" + log);
        }
        this.port = chosen;
        this.process = started;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** GET of a path of its HTTP API, e.g. {@code /api/v1/alerts}; the body, whatever the status. */
    public String get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .body();
    }

    public String log() {
        try {
            Path f = dir.resolve("prometheus.log");
            String text = Files.exists(f) ? Files.readString(f) : "";
            return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Polls /-/ready for at most 30 s (the TSDB replays nothing in a new directory; start is about a second). */
    private static boolean waitUntilReady(Process p, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Override
    public void close() {
        if (process != null) {
            BoundedProcess.stop(process, Duration.ofSeconds(10));
        }
        Cleanup.deleteTree(dir);
    }
}
