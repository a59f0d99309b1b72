package io.dnsprobe.testing.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes blobs, images and indexes to a registry over the Distribution API, the way docker push does:
 * HEAD each blob (skip it if present), POST an upload session, PUT the bytes with {@code ?digest=}, then PUT the
 * manifest. Answers a 401 challenge (Basic, or Bearer through the token realm) with the credentials given and
 * keeps the token per repository. Thread-safe: several pushes may run at once.
 */
public final class ImagePusher {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final String base;
    private final HttpClient client;
    private final String basic;
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    /** Pushes to {@code registry}; with htpasswd on, as its first user. */
    public ImagePusher(DockerRegistry registry) {
        this(
                registry.url(),
                registry.newHttpClient(),
                registry.users().isEmpty()
                        ? null
                        : registry.users().keySet().iterator().next(),
                registry.users().isEmpty()
                        ? null
                        : registry.users().values().iterator().next());
    }

    /** Pushes to {@code registry} as {@code user} (for htpasswd or token auth). */
    public ImagePusher(DockerRegistry registry, String user, String password) {
        this(registry.url(), registry.newHttpClient(), user, password);
    }

    /**
     * @param baseUrl "http(s)://host:port"
     * @param client a client that trusts the registry if it has TLS
     * @param user null to push anonymously
     */
    public ImagePusher(String baseUrl, HttpClient client, String user, String password) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.client = client;
        this.basic = user == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Pushes the image's layers, config and manifest; returns the manifest digest the registry answered. */
    public String push(String repository, String tag, TestImage image) {
        for (Layer l : image.layers()) {
            pushLayer(repository, l);
        }
        pushBlob(repository, image.configDigest(), image.configJson());
        return pushManifest(repository, tag, image.mediaType(), image.manifestJson());
    }

    /**
     * Pushes every platform image and attestation (by digest, untagged, as BuildKit does), then the index
     * under {@code tag}; returns the index digest.
     */
    public String push(String repository, String tag, ImageIndex index) {
        for (TestImage i : index.images()) {
            push(repository, i.digest(), i);
        }
        for (ImageIndex.Attestation a : index.attestations()) {
            pushBlob(repository, a.statementDigest(), a.statement());
            pushBlob(repository, a.configDigest(), a.config());
            pushManifest(repository, a.digest(), a.mediaType(), a.manifest());
        }
        return pushManifest(repository, tag, index.mediaType(), index.json());
    }

    public void pushLayer(String repository, Layer layer) {
        upload(
                repository,
                layer.digest(),
                () -> layer.file().isPresent()
                        ? publisherOf(layer)
                        : HttpRequest.BodyPublishers.ofByteArray(layer.blob()));
    }

    public void pushBlob(String repository, String digest, byte[] bytes) {
        upload(repository, digest, () -> HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    /** PUTs a manifest or index under {@code reference} (tag or digest); returns the Docker-Content-Digest answered. */
    public String pushManifest(String repository, String reference, String mediaType, byte[] json) {
        URI uri = URI.create(base + "/v2/" + repository + "/manifests/" + reference);
        HttpResponse<String> r = send(
                repository,
                () -> HttpRequest.newBuilder(uri)
                        .header("Content-Type", mediaType)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(json)));
        expect(r, 201, "PUT manifest " + repository + ":" + reference);
        String digest = r.headers()
                .firstValue("Docker-Content-Digest")
                .orElseThrow(() ->
                        new IllegalStateException("no Docker-Content-Digest pushing " + repository + ":" + reference));
        if (!digest.equals(Util.digest(json))) {
            throw new IllegalStateException(
                    "registry says " + digest + " for a manifest whose digest is " + Util.digest(json));
        }
        return digest;
    }

    public boolean hasBlob(String repository, String digest) {
        URI uri = URI.create(base + "/v2/" + repository + "/blobs/" + digest);
        HttpResponse<String> r =
                send(repository, () -> HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (r.statusCode() != 200 && r.statusCode() != 404) {
            expect(r, 200, "HEAD blob " + digest);
        }
        return r.statusCode() == 200;
    }

    /** Blobs uploaded so far. */
    public int uploaded() {
        return uploaded.get();
    }

    /** Blobs skipped because the registry had them. */
    public int skipped() {
        return skipped.get();
    }

    private void upload(String repository, String digest, Supplier<HttpRequest.BodyPublisher> body) {
        if (hasBlob(repository, digest)) {
            skipped.incrementAndGet();
            return;
        }
        URI start = URI.create(base + "/v2/" + repository + "/blobs/uploads/");
        HttpResponse<String> r =
                send(repository, () -> HttpRequest.newBuilder(start).POST(HttpRequest.BodyPublishers.noBody()));
        expect(r, 202, "POST upload " + repository);
        String location = r.headers()
                .firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("upload session without Location"));
        URI session = URI.create(base + "/").resolve(location);
        String sep = session.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(session + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<String> done = send(
                repository,
                () -> HttpRequest.newBuilder(put)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(body.get()));
        expect(done, 201, "PUT blob " + digest);
        uploaded.incrementAndGet();
    }

    private static HttpRequest.BodyPublisher publisherOf(Layer layer) {
        try {
            return HttpRequest.BodyPublishers.ofFile(layer.file().orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends with the repository's credentials; on a 401 challenge, gets them once and resends. */
    private HttpResponse<String> send(String repository, Supplier<HttpRequest.Builder> request) {
        HttpResponse<String> r = sendOnce(request.get(), authorization.get(repository));
        if (r.statusCode() != 401) {
            return r;
        }
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        String auth = answer(repository, challenge);
        if (auth == null) {
            return r;
        }
        authorization.put(repository, auth);
        return sendOnce(request.get(), auth);
    }

    private HttpResponse<String> sendOnce(HttpRequest.Builder b, String auth) {
        b.timeout(Util.HTTP_TIMEOUT);
        if (auth != null) {
            b.header("Authorization", auth);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Authorization value answering {@code challenge}, or null when there is nothing to answer with. */
    private String answer(String repository, String challenge) {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return basic;
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            return null;
        }
        Map<String, String> p = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            p.put(m.group(1), m.group(2));
        }
        // Ask for push and pull at once: the HEAD's challenge only names pull, and a second token would be wasted.
        String query = "service=" + URLEncoder.encode(p.getOrDefault("service", ""), StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode("repository:" + repository + ":pull,push", StandardCharsets.UTF_8);
        URI realm = URI.create(p.get("realm") + (p.get("realm").contains("?") ? "&" : "?") + query);
        HttpResponse<String> t = sendOnce(HttpRequest.newBuilder(realm).GET(), basic);
        expect(t, 200, "GET token " + realm);
        try {
            var tree = Util.JSON.readTree(t.body());
            String token = tree.hasNonNull("token")
                    ? tree.get("token").asText()
                    : tree.get("access_token").asText();
            return "Bearer " + token;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", got " + r.statusCode() + " " + r.body());
        }
    }
}
