package io.dnsprobe.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The OCI distribution API over the JDK's HttpClient: manifests, blobs, and the auth around them.
 * Thread-safe; one per process is enough.
 *
 * <ul>
 *   <li>Auth: a 401's {@code WWW-Authenticate} says Bearer (a token from the realm, asked with the
 *       credential as Basic, or anonymously) or Basic. Tokens are kept until they expire, keyed by realm,
 *       service, scope and the credential's {@link Credential#id()}: never shared across credentials. A
 *       request answered 401 again after the challenge was met is an {@link RegistryException.Kind#AUTH}
 *       error at once: wrong credentials cost two requests, not a retry storm.</li>
 *   <li>Redirects are followed here, not by HttpClient: a redirect to another host (blob storage) drops
 *       the {@code Authorization} header, so registry credentials never reach a CDN.</li>
 *   <li>Plain HTTP only for registries listed as insecure; TLS otherwise, trusting the JDK's CAs plus
 *       any extra ones given.</li>
 *   <li>Every byte is checked against its digest: manifests here, blobs by {@link DigestCheckingInputStream}.</li>
 * </ul>
 */
public final class RegistryClient {
    static final String ACCEPT_MANIFESTS = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_LIST, MediaTypes.DOCKER_MANIFEST);
    /** Registries may refuse manifests over 4 MiB (distribution spec); nothing legitimate is larger. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Set<String> insecure;
    private final Duration requestTimeout;
    private final String userAgent;
    private final LongSupplier nanoClock;
    private final Map<TokenKey, Token> tokens = new ConcurrentHashMap<>();
    /** Per registry host: the last challenge seen, so later requests authenticate up front. */
    private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
    private final Map<String, Integer> requestsByHost = new ConcurrentHashMap<>();

    private record TokenKey(String realm, String service, String scope, String credential) {
    }

    private record Token(String value, long expiresNanos) {
    }

    /** A manifest or index as fetched. */
    public record Fetched(byte[] body, String mediaType, String digest) {
        public JsonNode json() throws RegistryException {
            try {
                JsonNode n = JSON.readTree(body);
                if (n == null || !n.isObject()) {
                    throw new RegistryException(RegistryException.Kind.PROTOCOL, "manifest " + digest + " is not a JSON object");
                }
                return n;
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, "manifest " + digest + " is not JSON", e);
            }
        }
    }

    private RegistryClient(Builder b) {
        HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(b.connectTimeout);
        if (b.sslContext != null) {
            hb.sslContext(b.sslContext);
        }
        this.http = hb.build();
        this.insecure = Set.copyOf(b.insecure);
        this.requestTimeout = b.requestTimeout;
        this.userAgent = b.userAgent;
        this.nanoClock = b.nanoClock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Set<String> insecure = Set.of();
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(15);
        private String userAgent = "dnsprobe";
        private LongSupplier nanoClock = System::nanoTime;

        /** Registries ({@code host[:port]}, as in image references) asked over plain HTTP. */
        public Builder insecure(Set<String> hosts) {
            this.insecure = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
            return this;
        }

        /** The TLS trust: {@link TrustedCertificates} adds extra CAs to the JDK's. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** Until the response headers arrive; bodies are bounded by the caller's deadline. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder userAgent(String ua) {
            this.userAgent = ua;
            return this;
        }

        Builder nanoClock(LongSupplier clock) {
            this.nanoClock = clock;
            return this;
        }

        public RegistryClient build() {
            return new RegistryClient(this);
        }
    }

    /** Requests sent to a registry host so far (token servers not counted). */
    public int requestsTo(String host) {
        return requestsByHost.getOrDefault(host, 0);
    }

    /**
     * The manifest (or index) {@code reference} names: a tag or a digest. A digest reference must match
     * the body's sha256; for a tag, the body's sha256 must match the registry's {@code Docker-Content-Digest}
     * when it sends one.
     */
    public Fetched manifest(ImageRef ref, String reference, Credential credential) throws RegistryException {
        return manifest(ref, reference, credential, null);
    }

    Fetched manifest(ImageRef ref, String reference, Credential credential, ReadBudget budget) throws RegistryException {
        HttpResponse<InputStream> r = send(ref, "manifests/" + reference, "GET", ACCEPT_MANIFESTS, credential, budget);
        byte[] body = readAll(r, MAX_MANIFEST_BYTES, "manifest " + reference + " of " + ref.repositoryPath(), budget);
        String actual = Digests.of(body);
        String expected = reference.startsWith("sha256:") ? reference
                : r.headers().firstValue("Docker-Content-Digest").filter(Digests::isSha256).orElse(actual);
        if (!expected.equals(actual)) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "manifest " + reference + " of " + where(ref)
                    + " has sha256 " + actual + ", not " + expected + ": refused");
        }
        String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
        return new Fetched(body, type, actual);
    }

    /** The digest a tag points to now, by HEAD (which Docker Hub does not count as a pull). */
    public Optional<String> headDigest(ImageRef ref, String tag, Credential credential) throws RegistryException {
        HttpResponse<InputStream> r = send(ref, "manifests/" + tag, "HEAD", ACCEPT_MANIFESTS, credential, null);
        close(r);
        return r.headers().firstValue("Docker-Content-Digest").filter(Digests::isSha256);
    }

    /** A small blob (an image config) read whole, at most {@code maxBytes}, digest checked. */
    public byte[] blobBytes(ImageRef ref, String digest, int maxBytes, Credential credential) throws RegistryException {
        return blobBytes(ref, digest, maxBytes, credential, null);
    }

    byte[] blobBytes(ImageRef ref, String digest, int maxBytes, Credential credential, ReadBudget budget)
            throws RegistryException {
        HttpResponse<InputStream> r = send(ref, "blobs/" + digest, "GET", "*/*", credential, budget);
        byte[] body = readAll(r, maxBytes, "blob " + Digests.shortForm(digest) + " of " + ref.repositoryPath(), budget);
        String actual = Digests.of(body);
        if (!actual.equals(digest)) {
            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "blob " + digest + " of " + where(ref)
                    + " has sha256 " + actual + ": refused");
        }
        return body;
    }

    /**
     * A blob as a stream that fails at its end unless the bytes had {@code digest}. The caller closes it,
     * and bounds its reads in time (a registry can stop sending mid-blob).
     */
    public InputStream blob(ImageRef ref, String digest, Credential credential) throws RegistryException {
        return checkedBlob(ref, digest, credential);
    }

    DigestCheckingInputStream checkedBlob(ImageRef ref, String digest, Credential credential) throws RegistryException {
        return checkedBlob(ref, digest, -1, credential, null);
    }

    /** @param size what the descriptor says, -1 when not known */
    DigestCheckingInputStream checkedBlob(ImageRef ref, String digest, long size, Credential credential, ReadBudget budget)
            throws RegistryException {
        HttpResponse<InputStream> r = send(ref, "blobs/" + digest, "GET", "*/*", credential, budget);
        return new DigestCheckingInputStream(r.body(), digest, size, "blob " + Digests.shortForm(digest) + " of " + where(ref));
    }

    private HttpResponse<InputStream> send(ImageRef ref, String path, String method, String accept, Credential credential,
            ReadBudget budget) throws RegistryException {
        String host = ref.apiHost();
        String scheme = insecure.contains(host.toLowerCase(Locale.ROOT)) ? "http" : "https";
        URI uri = URI.create(scheme + "://" + host + "/v2/" + ref.repositoryPath() + "/" + path);
        String scope = "repository:" + ref.repositoryPath() + ":pull";
        String auth = authorizationFor(host, scope, credential);
        HttpResponse<InputStream> r = follow(uri, method, accept, auth, ref);
        if (r.statusCode() == 401) {
            String header = r.headers().firstValue("WWW-Authenticate").orElse("");
            close(r);
            AuthChallenge challenge = AuthChallenge.parse(header).orElseThrow(() -> new RegistryException(
                    RegistryException.Kind.AUTH, where(ref) + " answered 401 without a challenge"));
            challenges.put(host, challenge);
            String retried = meet(challenge, scope, credential, ref, budget);
            r = follow(uri, method, accept, retried, ref);
            if (r.statusCode() == 401) {
                close(r);
                tokens.keySet().removeIf(k -> k.credential().equals(credential.id()) && k.scope().equals(scope));
                throw new RegistryException(RegistryException.Kind.AUTH, credential.anonymous()
                        ? where(ref) + " needs credentials to pull " + ref.repositoryPath() + " and none match it"
                        : where(ref) + " refused the credentials of " + credential + " for " + ref.repositoryPath());
            }
        }
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            return r;
        }
        String detail = errorDetail(r);
        throw new RegistryException(kindOf(status), where(ref) + " answered " + status + " for " + method + " "
                + uri.getPath() + (detail.isEmpty() ? "" : ": " + detail));
    }

    /** The header to send before any challenge: a live token, or Basic where the registry asked for it. */
    private String authorizationFor(String host, String scope, Credential credential) {
        AuthChallenge known = challenges.get(host);
        if (known == null) {
            return null;
        }
        if (known.bearer()) {
            Token t = tokens.get(new TokenKey(known.realm(), known.service(), scope, credential.id()));
            return t != null && t.expiresNanos() - nanoClock.getAsLong() > 0 ? "Bearer " + t.value() : null;
        }
        return known.basic() && !credential.anonymous() ? credential.basicHeader() : null;
    }

    private String meet(AuthChallenge challenge, String scope, Credential credential, ImageRef ref, ReadBudget budget)
            throws RegistryException {
        if (challenge.basic()) {
            if (credential.anonymous()) {
                throw new RegistryException(RegistryException.Kind.AUTH, where(ref) + " needs credentials (Basic) to pull "
                        + ref.repositoryPath() + " and none match it");
            }
            return credential.basicHeader();
        }
        if (!challenge.bearer() || challenge.realm().isEmpty()) {
            throw new RegistryException(RegistryException.Kind.AUTH, where(ref) + " asks for an authentication scheme "
                    + "dnsprobe does not speak: " + challenge.scheme());
        }
        String s = challenge.params().getOrDefault("scope", scope);
        TokenKey key = new TokenKey(challenge.realm(), challenge.service(), s, credential.id());
        Token cached = tokens.get(key);
        if (cached != null && cached.expiresNanos() - nanoClock.getAsLong() > 0) {
            return "Bearer " + cached.value();
        }
        Token fresh = fetchToken(challenge, s, credential, ref, budget);
        tokens.put(key, fresh);
        if (tokens.size() > 10_000) {
            tokens.entrySet().removeIf(e -> e.getValue().expiresNanos() - nanoClock.getAsLong() <= 0);
        }
        return "Bearer " + fresh.value();
    }

    private Token fetchToken(AuthChallenge challenge, String scope, Credential credential, ImageRef ref, ReadBudget budget)
            throws RegistryException {
        StringBuilder q = new StringBuilder(challenge.realm());
        q.append(challenge.realm().contains("?") ? '&' : '?');
        if (challenge.service() != null) {
            q.append("service=").append(URLEncoder.encode(challenge.service(), StandardCharsets.UTF_8)).append('&');
        }
        q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI uri;
        try {
            uri = URI.create(q.toString());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, where(ref) + " names a token realm that is not a URL");
        }
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && insecure.contains(ref.apiHost()))) {
            throw new RegistryException(RegistryException.Kind.INVALID, where(ref) + " sends for tokens to " + uri.getScheme()
                    + "://" + uri.getAuthority() + "; plain HTTP is only used for registries listed as insecure");
        }
        HttpResponse<InputStream> r = follow(uri, "GET", "application/json",
                credential.anonymous() ? null : credential.basicHeader(), ref);
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            close(r);
            throw new RegistryException(RegistryException.Kind.AUTH, "the token server of " + where(ref) + " refused "
                    + (credential.anonymous() ? "anonymous access" : "the credentials of " + credential) + " to "
                    + ref.repositoryPath() + " (" + r.statusCode() + ")");
        }
        if (r.statusCode() != 200) {
            String detail = errorDetail(r);
            throw new RegistryException(kindOf(r.statusCode()), "the token server of " + where(ref) + " answered "
                    + r.statusCode() + (detail.isEmpty() ? "" : ": " + detail));
        }
        byte[] body = readAll(r, 1 << 20, "token", budget);
        try {
            JsonNode n = JSON.readTree(body);
            String token = n.path("token").asText(n.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, "the token server of " + where(ref) + " sent no token");
            }
            // The spec's default is 60 s; renew 10 s early so a token never expires mid-request.
            long seconds = Math.max(1, n.path("expires_in").asLong(60) - 10);
            return new Token(token, nanoClock.getAsLong() + Duration.ofSeconds(seconds).toNanos());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "the token server of " + where(ref) + " sent no JSON");
        }
    }

    /** Sends, following redirects; across hosts the Authorization header is dropped. */
    private HttpResponse<InputStream> follow(URI uri, String method, String accept, String authorization, ImageRef ref)
            throws RegistryException {
        URI current = uri;
        String auth = authorization;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).timeout(requestTimeout).header("User-Agent", userAgent)
                    .header("Accept", accept).method(method, HttpRequest.BodyPublishers.noBody());
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<InputStream> r = exchange(b.build(), ref);
            int s = r.statusCode();
            if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
                return r;
            }
            String location = r.headers().firstValue("Location").orElse(null);
            close(r);
            if (location == null) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, where(ref) + " redirected without a Location");
            }
            URI next = current.resolve(location);
            if (!"https".equals(next.getScheme())
                    && !("http".equals(next.getScheme()) && insecure.contains(String.valueOf(next.getAuthority()).toLowerCase(Locale.ROOT)))) {
                throw new RegistryException(RegistryException.Kind.INVALID, where(ref) + " redirected to " + next.getScheme()
                        + "://" + next.getAuthority() + ": plain HTTP only to registries listed as insecure; refused");
            }
            if (!sameOrigin(current, next)) {
                auth = null;
            }
            current = next;
        }
        throw new RegistryException(RegistryException.Kind.PROTOCOL, where(ref) + " redirected more than " + MAX_REDIRECTS + " times");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private HttpResponse<InputStream> exchange(HttpRequest request, ImageRef ref) throws RegistryException {
        requestsByHost.merge(request.uri().getAuthority(), 1, Integer::sum);
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "no connection to " + request.uri().getAuthority()
                    + " within " + http.connectTimeout().map(Duration::toMillis).orElse(0L) + "ms", e);
        } catch (HttpTimeoutException e) {
            throw new RegistryException(RegistryException.Kind.TIMEOUT, request.uri().getAuthority() + " did not answer "
                    + request.method() + " " + request.uri().getPath() + " within " + requestTimeout.toMillis() + "ms", e);
        } catch (ConnectException e) {
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, "cannot connect to " + request.uri().getAuthority()
                    + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")", e);
        } catch (SSLException e) {
            boolean plain = String.valueOf(e.getMessage()).contains("plaintext") || String.valueOf(e.getMessage()).contains("Unsupported or unrecognized");
            throw new RegistryException(RegistryException.Kind.TLS, "TLS with " + request.uri().getAuthority() + " failed: "
                    + e.getMessage() + (plain ? "; if it serves plain HTTP, list it as an insecure registry"
                    : "; if it uses a private CA, add the CA certificate"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TIMEOUT, "stopped while waiting for " + request.uri().getAuthority(), e);
        } catch (IOException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof SSLException ssl) {
                throw new RegistryException(RegistryException.Kind.TLS, "TLS with " + request.uri().getAuthority() + " failed: "
                        + ssl.getMessage(), e);
            }
            if (root instanceof ConnectException) {
                throw new RegistryException(RegistryException.Kind.UNREACHABLE, "cannot connect to " + request.uri().getAuthority(), e);
            }
            throw new RegistryException(RegistryException.Kind.UNREACHABLE, request.uri().getAuthority() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    static RegistryException.Kind kindOf(int status) {
        if (status == 404) {
            return RegistryException.Kind.NOT_FOUND;
        }
        if (status == 401 || status == 403) {
            return RegistryException.Kind.AUTH;
        }
        if (status == 429) {
            return RegistryException.Kind.RATE_LIMITED;
        }
        if (status >= 500) {
            return RegistryException.Kind.SERVER_ERROR;
        }
        return RegistryException.Kind.PROTOCOL;
    }

    /** The registry's own error code and message ({@code {"errors":[{"code":..,"message":..}]}}), short. */
    private static String errorDetail(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            byte[] b = in.readNBytes(4096);
            JsonNode n = JSON.readTree(b);
            JsonNode first = n == null ? null : n.path("errors").path(0);
            if (first != null && !first.isMissingNode()) {
                String msg = first.path("code").asText("") + " " + first.path("message").asText("");
                return msg.trim().length() > 200 ? msg.trim().substring(0, 200) : msg.trim();
            }
            String text = new String(b, StandardCharsets.UTF_8).strip();
            return text.length() > 120 ? text.substring(0, 120) : text;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static byte[] readAll(HttpResponse<InputStream> r, int max, String what, ReadBudget budget) throws RegistryException {
        try (InputStream in = r.body()) {
            if (budget != null) {
                budget.reading(in);
            }
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new RegistryException(RegistryException.Kind.LIMIT, what + " is larger than " + max + " bytes: not read");
            }
            return b;
        } catch (RegistryException e) {
            throw e;
        } catch (IOException e) {
            if (budget != null && budget.expired()) {
                throw budget.timeout();
            }
            throw new RegistryException(Thread.currentThread().isInterrupted() ? RegistryException.Kind.TIMEOUT
                    : RegistryException.Kind.UNREACHABLE, what + " could not be read: " + e.getMessage(), e);
        }
    }

    private static void close(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException e) {
            // Nothing was to be read from it.
        }
    }

    private static String where(ImageRef ref) {
        return "registry " + ref.apiHost();
    }
}
