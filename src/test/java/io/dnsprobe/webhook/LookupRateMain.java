package io.dnsprobe.webhook;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stream of reviews with fresh names costs in DNS: starts the packaged operator
 * (target/quarkus-app) on loopback with no API server, its inline probes pointed at a counting DNS server
 * in this process (every name NXDOMAIN, so each probe walks the whole search list), fires RATE reviews a
 * second for SECONDS, each naming one host never seen before, and prints, second by second, the reviews
 * sent, the DNS queries received and the distinct names they were for; then the webhook's own counters.
 * Everything listens on 127.0.0.1; the operator is killed at the end (or after 60 s without starting).
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests
 * ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.dnsprobe.webhook.LookupRateMain \
 *     [RATE=200] [SECONDS=10] [MAX_LOOKUPS_PER_SECOND=the operator's default]
 * </pre>
 */
public final class LookupRateMain {
    private LookupRateMain() {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String limit = args.length > 2 ? args[2] : null;
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: ./mvnw -B -q package -DskipTests");
        }
        try (CountingDns dns = new CountingDns()) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    // Plain HTTP to /validate for this measurement only (production serves it over TLS).
                    "-Ddnsprobe.webhook.allow-plain-http=true",
                    "-Ddnsprobe.webhook.servers=127.0.0.1:" + dns.port(),
                    "-Ddnsprobe.image.enabled=false",
                    "-Dquarkus.log.level=WARN"));
            if (limit != null) {
                cmd.add("-Ddnsprobe.webhook.max-lookups-per-second=" + limit);
            }
            cmd.addAll(List.of("-jar", jar.toString()));
            Path log = Files.createTempFile("dnsprobe-lookup-rate", ".log");
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("KUBERNETES_MASTER", "https://127.0.0.1:9");
            Process app = pb.start();
            try {
                run(app, URI.create("http://127.0.0.1:" + port), dns, rate, seconds, limit);
            } finally {
                app.destroy();
                if (!app.waitFor(10, TimeUnit.SECONDS)) {
                    app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                System.out.println("operator log: " + log);
            }
        }
    }

    private static void run(Process app, URI base, CountingDns dns, int rate, int seconds, String limit)
            throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long startDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!app.isAlive() || System.nanoTime() > startDeadline) {
                throw new IllegalStateException("the operator did not start");
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(base.resolve("/q/health/live"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        System.out.printf(
                "%d reviews/s for %d s, one new name each; max-lookups-per-second %s%n",
                rate, seconds, limit == null ? "default" : limit);

        AtomicInteger sent = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        var firing = timer.scheduleAtFixedRate(
                () -> {
                    int i = sent.incrementAndGet();
                    http.sendAsync(
                                    HttpRequest.newBuilder(base.resolve("/validate"))
                                            .timeout(Duration.ofSeconds(10))
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(review(i)))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .whenComplete(
                                    (r, e) -> (e == null && r.statusCode() == 200 ? ok : failed).incrementAndGet());
                },
                0,
                periodNanos,
                TimeUnit.NANOSECONDS);

        System.out.printf("%4s %8s %10s %12s%n", "s", "reviews", "DNS qry", "names asked");
        List<long[]> rows = new ArrayList<>();
        long[] last = {0, 0, 0};
        for (int s = 1; s <= seconds + 3; s++) {
            Thread.sleep(1000);
            if (s == seconds) {
                firing.cancel(false);
            }
            long[] now = {sent.get(), dns.queries(), dns.names()};
            long[] row = {s, now[0] - last[0], now[1] - last[1], now[2] - last[2]};
            rows.add(row);
            System.out.printf(
                    "%4d %8d %10d %12d%s%n", row[0], row[1], row[2], row[3], s > seconds ? "   (after the load)" : "");
            last = now;
        }
        timer.shutdownNow();
        // Steady state: the first second holds the bucket's saved-up burst; the tail only finishing probes.
        double names =
                rows.subList(1, seconds).stream().mapToLong(r -> r[3]).average().orElse(0);
        double queries =
                rows.subList(1, seconds).stream().mapToLong(r -> r[2]).average().orElse(0);
        System.out.printf(
                "seconds 2-%d: %.1f names/s probed, %.1f DNS queries/s (%.1f queries per name)%n",
                seconds, names, queries, names == 0 ? 0 : queries / names);
        System.out.printf(
                "in all: %d reviews sent, %d answered 200, %d failed; %d DNS queries for %d distinct names%n",
                sent.get(), ok.get(), failed.get(), dns.queries(), dns.names());
        String metrics = http.send(
                        HttpRequest.newBuilder(base.resolve("/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        for (String series : List.of(
                "dnsprobe_webhook_lookups_rate_limited_total",
                "dnsprobe_webhook_names_unknown_total",
                "dnsprobe_webhook_reviews_total")) {
            Matcher m =
                    Pattern.compile("(?m)^" + series + "(\\{[^}]*\\})? (\\S+)$").matcher(metrics);
            while (m.find()) {
                System.out.printf(
                        "%s%s %.0f%n", series, m.group(1) == null ? "" : m.group(1), Double.parseDouble(m.group(2)));
            }
        }
    }

    private static String review(int i) {
        return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"load-%d\","
                        + "\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},\"namespace\":\"shop\","
                        + "\"operation\":\"CREATE\",\"object\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                        + "\"metadata\":{\"name\":\"load-%d\",\"namespace\":\"shop\"},\"spec\":{\"template\":{\"spec\":{\"containers\":"
                        + "[{\"name\":\"app\",\"image\":\"alpine:3.14\",\"env\":[{\"name\":\"UPSTREAM_HOST\",\"value\":\"n%d.load.test\"}]}]}}}}}}")
                .formatted(i, i, i);
    }

    /** Answers every query NXDOMAIN over UDP on loopback, counting queries and the distinct names (first label) asked. */
    private static final class CountingDns implements AutoCloseable {
        private final DatagramSocket socket =
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        private final AtomicLong queries = new AtomicLong();
        private final Set<String> names = ConcurrentHashMap.newKeySet();
        private final Thread thread;

        CountingDns() throws IOException {
            thread = new Thread(this::serve, "counting-dns");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        long queries() {
            return queries.get();
        }

        long names() {
            return names.size();
        }

        private void serve() {
            byte[] buf = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    queries.incrementAndGet();
                    int at = 12;
                    int first = buf[at] & 0xff;
                    names.add(new String(buf, at + 1, first, StandardCharsets.US_ASCII));
                    while (at < p.getLength() && buf[at] != 0) {
                        at += (buf[at] & 0xff) + 1;
                    }
                    int end = Math.min(at + 5, p.getLength()); // the root label, QTYPE, QCLASS
                    byte[] reply = java.util.Arrays.copyOf(buf, end);
                    reply[2] = (byte) (0x84 | (buf[2] & 0x01)); // QR, AA, RD as asked
                    reply[3] = 0x03; // NXDOMAIN
                    for (int i = 6; i < 12; i++) {
                        reply[i] = 0; // no answer, authority or additional records
                    }
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                } catch (RuntimeException malformed) {
                    // not a query this server understands: ignored
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
