package io.dnsprobe.testing.registry;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-HTTP proxy on 127.0.0.1 in front of a real {@link DockerRegistry}, for fault tests. It forwards every
 * request as it came (method, path, query, headers including Authorization, body) and returns the registry's
 * answer, unless told to misbehave:
 * <ul>
 * <li>{@link #stallBlob}: send a blob's headers and its first N bytes, then nothing more, keeping the connection open
 * (until {@link #heal()} or close());</li>
 * <li>{@link #corruptBlob}: flip one byte of a blob's body (so its digest no longer matches);</li>
 * <li>{@link #redirectBlobs}: answer blob GETs with 307 to a second listener on 127.0.0.2 (another host, like a
 * registry's object store) that serves the blob and records whether it was sent an Authorization header;</li>
 * <li>{@link #failAll}: answer every request with one status (500, 429, ...) and a registry-style JSON error.</li>
 * </ul>
 * {@link #requests()} counts what reached the proxy, faults included. Point clients at {@link #host()}.
 */
public final class HostileRegistry implements AutoCloseable {
    private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$");
    /** Hop-by-hop or computed by the HTTP stacks on each side. */
    private static final Set<String> SKIP = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "proxy-connection",
            "proxy-authorization",
            "date");

    private final DockerRegistry upstream;
    private final HttpClient client;
    private final HttpServer server;
    private final HttpServer redirectTarget;
    private final ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger redirectRequests = new AtomicInteger();
    private volatile boolean redirectSawAuthorization;
    private volatile int failStatus;
    private volatile Stall stall;
    private volatile Corruption corruption;
    private volatile boolean redirect;
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final Map<String, Redirected> redirected = new ConcurrentHashMap<>();

    private record Stall(String digest, long afterBytes) {}

    private record Corruption(String digest, long offset) {}

    private record Redirected(String repository, String digest, Map<String, List<String>> headers) {}

    public HostileRegistry(DockerRegistry upstream) throws IOException {
        this.upstream = upstream;
        this.client = upstream.newHttpClient();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hostile-registry");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(Util.LOOPBACK, 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        this.redirectTarget =
                HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 0), 64);
        redirectTarget.setExecutor(executor);
        redirectTarget.createContext("/", this::serveRedirected);
        server.start();
        redirectTarget.start();
    }

    /** "127.0.0.1:PORT": use it in image references instead of the real registry's host. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String url() {
        return "http://" + host();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** "127.0.0.2:PORT", where {@link #redirectBlobs()} sends blob downloads. */
    public String redirectHost() {
        return "127.0.0.2:" + redirectTarget.getAddress().getPort();
    }

    /** Blob GETs ({@code digest}, or any blob when null) get their headers and first {@code afterBytes} bytes, then silence. */
    public void stallBlob(String digest, long afterBytes) {
        this.stall = new Stall(digest, afterBytes);
    }

    /** The middle byte of blob {@code digest}'s body is flipped. */
    public void corruptBlob(String digest) {
        corruptBlob(digest, -1);
    }

    /** Byte {@code offset} of blob {@code digest}'s body is flipped (-1: the middle one). */
    public void corruptBlob(String digest, long offset) {
        this.corruption = new Corruption(digest, offset);
    }

    /** Blob GETs are answered 307 to {@link #redirectHost()}, which serves them. */
    public void redirectBlobs() {
        this.redirect = true;
    }

    /** Whether any request to the redirect target carried an Authorization header (a credential leak to another host). */
    public boolean redirectSawAuthorization() {
        return redirectSawAuthorization;
    }

    public int redirectRequests() {
        return redirectRequests.get();
    }

    /** Every request is answered {@code status} with a registry-style JSON error, without reaching the registry. */
    public void failAll(int status) {
        this.failStatus = status;
    }

    /** Requests that reached the proxy (not the redirect target), faulted ones included. */
    public int requests() {
        return requests.get();
    }

    /** Stops every fault and releases stalled responses (their connections are then closed short). */
    public void heal() {
        failStatus = 0;
        stall = null;
        corruption = null;
        redirect = false;
        CountDownLatch old = release;
        release = new CountDownLatch(1);
        old.countDown();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        redirectTarget.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            int fail = failStatus;
            if (fail != 0) {
                error(ex, fail);
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            Matcher blob = BLOB.matcher(path);
            boolean blobGet = ex.getRequestMethod().equals("GET") && blob.matches();
            if (blobGet && redirect) {
                String token = UUID.randomUUID().toString().replace("-", "");
                redirected.put(token, new Redirected(blob.group(1), blob.group(2), Map.copyOf(ex.getRequestHeaders())));
                // Shaped like a pre-signed object-store URL: the credential is in the query, not in a header.
                ex.getResponseHeaders()
                        .set(
                                "Location",
                                "http://" + redirectHost() + "/docker/registry/v2/blobs/sha256/"
                                        + blob.group(2).substring(7, 9) + "/"
                                        + blob.group(2).substring(7) + "/data?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                                        + "&X-Amz-Expires=1200&X-Amz-Signature=" + token);
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(307, -1);
                return;
            }
            HttpResponse<InputStream> r = forward(
                    ex.getRequestMethod(),
                    path,
                    ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders(),
                    ex.getRequestBody().readAllBytes(),
                    ex.getRequestHeaders().getFirst("Host"));
            respond(ex, r, blobGet ? blob.group(2) : null);
        }
    }

    private void serveRedirected(HttpExchange ex) throws IOException {
        try (ex) {
            redirectRequests.incrementAndGet();
            if (ex.getRequestHeaders().containsKey("Authorization")) {
                redirectSawAuthorization = true;
            }
            String query = ex.getRequestURI().getRawQuery();
            Matcher m = query == null
                    ? null
                    : Pattern.compile("X-Amz-Signature=(\\w+)").matcher(query);
            Redirected target = m != null && m.find() ? redirected.get(m.group(1)) : null;
            if (target == null || !ex.getRequestMethod().equals("GET")) {
                byte[] body = "<Error><Code>AccessDenied</Code></Error>".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(403, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            // The blob comes from the registry with the credentials of the request that was redirected.
            Headers h = new Headers();
            h.putAll(target.headers());
            HttpResponse<InputStream> r = forward(
                    "GET", "/v2/" + target.repository() + "/blobs/" + target.digest(), null, h, new byte[0], null);
            respond(ex, r, target.digest());
        }
    }

    private HttpResponse<InputStream> forward(
            String method, String path, String query, Headers headers, byte[] body, String host) throws IOException {
        URI uri = URI.create(upstream.url() + path + (query == null ? "" : "?" + query));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Util.HTTP_TIMEOUT)
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, values) -> {
            if (!SKIP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        if (host != null) {
            // So that the Location of an upload session points back at this proxy.
            b.header("X-Forwarded-Host", host);
            b.header("X-Forwarded-Proto", "http");
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void respond(HttpExchange ex, HttpResponse<InputStream> r, String blobDigest) throws IOException {
        try (InputStream in = r.body()) {
            r.headers().map().forEach((name, values) -> {
                if (!SKIP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, values);
                }
            });
            long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (head && length >= 0) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(length));
            }
            int status = r.statusCode();
            if (head || status == 204 || status == 304 || length == 0) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, length < 0 ? 0 : length);
            Stall s = stall;
            Corruption c = corruption;
            boolean stallThis = blobDigest != null
                    && status == 200
                    && s != null
                    && (s.digest() == null || s.digest().equals(blobDigest));
            long flipAt = blobDigest != null
                            && status == 200
                            && c != null
                            && c.digest().equals(blobDigest)
                    ? (c.offset() >= 0 ? c.offset() : Math.max(0, length / 2))
                    : -1;
            OutputStream out = ex.getResponseBody();
            byte[] buf = new byte[1 << 16];
            long sent = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                if (flipAt >= sent && flipAt < sent + n) {
                    buf[(int) (flipAt - sent)] ^= (byte) 0xFF;
                }
                if (stallThis && sent + n >= s.afterBytes()) {
                    out.write(buf, 0, (int) (s.afterBytes() - sent));
                    out.flush();
                    awaitRelease();
                    // Closing short of Content-Length makes the server drop the connection: what a dying peer looks
                    // like.
                    return;
                }
                out.write(buf, 0, n);
                sent += n;
            }
            if (stallThis) {
                out.flush();
                awaitRelease();
            }
        }
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void error(HttpExchange ex, int status) throws IOException {
        String code = switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 404 -> "NAME_UNKNOWN";
            case 429 -> "TOOMANYREQUESTS";
            case 503 -> "UNAVAILABLE";
            default -> "UNKNOWN";
        };
        byte[] body = ("{\"errors\":[{\"code\":\"" + code
                        + "\",\"message\":\"injected by HostileRegistry\",\"detail\":null}]}\n")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Docker-Distribution-Api-Version", "registry/2.0");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }
}
