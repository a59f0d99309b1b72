package io.dnsprobe.testing.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry of the test's own, in memory, that answers whatever the test scripts: the hostile registry of
 * the image reader's tests. No docker-registry behind it, so it can serve what no real registry would store
 * (manifests of the wrong shape, blobs with tails, error bodies that trickle) and misbehave per path.
 *
 * <p>It listens on 127.0.0.1 and, for each {@link #otherHost} asked for, on a further loopback address
 * (127.0.0.2, .3, ...): other hosts for redirect targets and token realms. Every request is recorded with
 * the host it reached and the Authorization it carried ({@link #requests()}), so a test can see where a
 * credential went. Slow answers wait on {@link #close()} at most, which releases them.
 *
 * <pre>
 * try (ScriptedRegistry r = new ScriptedRegistry()) {
 *     r.image("acme/app", "1", image);
 *     r.on("GET", "/v2/acme/app/blobs/.*", ex -&gt; ScriptedRegistry.trickle(ex, 404, "{}", 200));
 * }
 * </pre>
 */
public final class ScriptedRegistry implements AutoCloseable {
    /** What a scripted answer does with the exchange. */
    public interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    /** A request as it arrived: the host:port it reached, method, path and query, and its Authorization header. */
    public record Request(String host, String method, String path, String authorization) {}

    private record Route(String host, String method, Pattern path, Handler handler) {}

    private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
    private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$");

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-registry");
        t.setDaemon(true);
        return t;
    });
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final HttpServer main;
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    public ScriptedRegistry() throws IOException {
        this.main = listen(1);
    }

    /** "127.0.0.1:PORT". */
    public String host() {
        return hostOf(main);
    }

    /** Another host (127.0.0.N:PORT, N from 2) served by the same routes; its requests are recorded under its name. */
    public String otherHost() throws IOException {
        return hostOf(listen(servers.size() + 1));
    }

    private HttpServer listen(int lastOctet) throws IOException {
        HttpServer s = HttpServer.create(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet}), 0), 64);
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        servers.add(s);
        return s;
    }

    private static String hostOf(HttpServer s) {
        return s.getAddress().getAddress().getHostAddress() + ":"
                + s.getAddress().getPort();
    }

    /** Serves {@code image} as {@code repository:tag} (and by its digest), its config and layers by digest. */
    public ScriptedRegistry image(String repository, String tag, TestImage image) {
        manifest(repository, tag, image.mediaType(), image.manifestJson());
        blob(image.configDigest(), image.configJson());
        for (Layer l : image.layers()) {
            blob(l.digest(), l.blob());
        }
        return this;
    }

    /**
     * Serves an OCI image made of {@code layers} (gzip, as {@link RawTar} builds them) with {@code runtime} as its
     * config's {@code config} part (Entrypoint, Env, ...), and returns its manifest's JSON.
     */
    public byte[] rawImage(String repository, String tag, Map<String, Object> runtime, List<RawTar.Built> layers) {
        return rawImage(repository, tag, runtime, layers, GZIP_LAYER);
    }

    public static final String GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** As {@link #rawImage(String, String, Map, List)}, with {@code layerType} as every layer's media type. */
    public byte[] rawImage(
            String repository, String tag, Map<String, Object> runtime, List<RawTar.Built> layers, String layerType) {
        Map<String, Object> config = new java.util.LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", runtime);
        config.put(
                "rootfs",
                Map.of(
                        "type",
                        "layers",
                        "diff_ids",
                        layers.stream().map(RawTar.Built::diffId).toList()));
        byte[] configJson = Util.json(config);
        blob(Util.digest(configJson), configJson);
        List<Object> descriptors = new ArrayList<>();
        for (RawTar.Built l : layers) {
            blob(l.digest(), l.blob());
            descriptors.add(TestImage.descriptor(layerType, l.digest(), l.blob().length));
        }
        Map<String, Object> manifest = new java.util.LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.put(
                "config",
                TestImage.descriptor(
                        "application/vnd.oci.image.config.v1+json", Util.digest(configJson), configJson.length));
        manifest.put("layers", descriptors);
        byte[] json = Util.json(manifest);
        manifest(repository, tag, "application/vnd.oci.image.manifest.v1+json", json);
        return json;
    }

    /** Serves {@code json} as the manifest {@code repository:reference} and by its digest. */
    public ScriptedRegistry manifest(String repository, String reference, String mediaType, byte[] json) {
        String digest = Util.digest(json);
        for (String ref : List.of(reference, digest)) {
            manifests.put(repository + ":" + ref, json);
            manifestTypes.put(repository + ":" + ref, mediaType);
        }
        return this;
    }

    public ScriptedRegistry blob(String digest, byte[] bytes) {
        blobs.put(digest, bytes);
        return this;
    }

    /** Answers {@code method} requests whose path matches {@code pathRegex} with {@code h}, on every host. */
    public ScriptedRegistry on(String method, String pathRegex, Handler h) {
        routes.add(0, new Route(null, method, Pattern.compile(pathRegex), h));
        return this;
    }

    /** As {@link #on(String, String, Handler)}, only on {@code host} (one of {@link #host()}, {@link #otherHost()}). */
    public ScriptedRegistry on(String host, String method, String pathRegex, Handler h) {
        routes.add(0, new Route(host, method, Pattern.compile(pathRegex), h));
        return this;
    }

    /** Every request so far, in order of arrival. */
    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Requests that reached {@code host}. */
    public List<Request> requestsTo(String host) {
        return requests.stream().filter(r -> r.host().equals(host)).toList();
    }

    @Override
    public void close() {
        closing.countDown();
        servers.forEach(s -> s.stop(0));
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String host = ex.getLocalAddress().getAddress().getHostAddress() + ":"
                    + ex.getLocalAddress().getPort();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            requests.add(new Request(
                    host,
                    ex.getRequestMethod(),
                    path + (query == null ? "" : "?" + query),
                    ex.getRequestHeaders().getFirst("Authorization")));
            for (Route r : routes) {
                if ((r.host() == null || r.host().equals(host))
                        && r.method().equals(ex.getRequestMethod())
                        && r.path().matcher(path).matches()) {
                    r.handler().handle(ex);
                    return;
                }
            }
            serve(ex);
        } catch (IOException e) {
            // The client went away (a cut-off read): nothing to answer.
        }
    }

    /** What the registry serves without a script: its manifests and blobs, 404 for the rest. */
    public void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        Matcher m = MANIFEST.matcher(path);
        if (m.matches()) {
            String key = m.group(1) + ":" + m.group(2);
            byte[] body = manifests.get(key);
            if (body == null) {
                error(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", manifestTypes.get(key));
            ex.getResponseHeaders().set("Docker-Content-Digest", Util.digest(body));
            send(ex, 200, body);
            return;
        }
        Matcher b = BLOB.matcher(path);
        if (b.matches() && blobs.containsKey(b.group(2))) {
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            send(ex, 200, blobs.get(b.group(2)));
            return;
        }
        error(ex, 404, "BLOB_UNKNOWN", "not found");
    }

    /** Sends {@code body} whole with its length. */
    public static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
    }

    /** A registry-style JSON error. */
    public static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(
                ex,
                status,
                ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code status} at once, then {@code body} one byte every {@code everyMillis}, then (if the client is
     * still there) the same byte again and again until the registry closes: an answer that never ends.
     */
    public void trickle(HttpExchange ex, int status, String body, long everyMillis) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        trickle(ex, status, body.getBytes(StandardCharsets.UTF_8), everyMillis);
    }

    /** As {@link #trickle(HttpExchange, int, String, long)}, with bytes (a real blob, sent too slowly to finish). */
    public void trickle(HttpExchange ex, int status, byte[] b, long everyMillis) throws IOException {
        ex.sendResponseHeaders(status, 0);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; ; i++) {
            out.write(b.length == 0 ? ' ' : b[Math.min(i, b.length - 1)]);
            out.flush();
            try {
                if (closing.await(everyMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A 401 with {@code challenge} as its WWW-Authenticate. */
    public static void challenge(HttpExchange ex, String challenge) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate", challenge);
        error(ex, 401, "UNAUTHORIZED", "authentication required");
    }

    /** A redirect to {@code location}. */
    public static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(307, -1);
    }
}
