package io.dnsprobe.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.text.ErrorText;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The OCI distribution API over the JDK's HttpClient: manifests, blobs, and the auth around them.
 * Thread-safe; one per process is enough. Every request runs under the {@link ReadBudget} of the image it
 * is made for: every byte of every answer, bodies of errors and of token answers included, is read under
 * that budget's deadline and byte bound.
 *
 * <p><b>Where credentials go.</b> A credential belongs to the registry host it was configured for (the
 * caller picks it by the image's host). It is sent:
 * <ul>
 *   <li>to that host itself, as Basic or as a token obtained with it;</li>
 *   <li>to a token realm, only when that realm was announced in a 401 by the registry host itself, never
 *       by a host a redirect led to, and only over HTTPS unless the realm's own host is listed as
 *       insecure;</li>
 *   <li>nowhere else: a redirect to another origin (blob storage) drops {@code Authorization}, and a 401
 *       from such a host ends the fetch as an error. It is never taken as a challenge of the registry.</li>
 * </ul>
 * Tokens are kept per (registry, realm, service, scope, credential) until they expire: never shared across
 * credentials or registries. A request answered 401 again after the challenge was met is an
 * {@link RegistryException.Kind#AUTH} error at once: wrong credentials cost two requests, not a retry storm.
 * Plain HTTP only to hosts listed as insecure, whether the registry, a redirect target or a token realm.
 */
public final class RegistryClient {
    static final String ACCEPT_MANIFESTS = String.join(
            ", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_LIST, MediaTypes.DOCKER_MANIFEST);
    /** Registries may refuse manifests over 4 MiB (distribution spec); nothing legitimate is larger. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    /** A token answer holds a JWT or two; 64 KiB is ten times the largest seen. */
    static final int MAX_TOKEN_BYTES = 64 << 10;
    /** Of an error answer, only the start is read: enough for the registry's JSON error. */
    static final int MAX_ERROR_BYTES = 4 << 10;
    /** The spec's default token lifetime; registries that say more are believed up to a day. */
    static final long DEFAULT_TOKEN_SECONDS = 60;

    static final long MAX_TOKEN_SECONDS = 24 * 3600;
    private static final int MAX_REDIRECTS = 5;
    /** Hosts and tokens remembered; each a few hundred bytes. Anyone who may create a Pod names new hosts. */
    private static final int MAX_REMEMBERED = 4096;
    /** What RFC 6750's b64token allows, and what any registry's tokens are: no spaces, no line breaks. */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    private final HttpClient http;
    private final Set<String> insecure;
    private final Duration requestTimeout;
    private final String userAgent;
    private final LongSupplier nanoClock;
    private final Map<TokenKey, Token> tokens = lru();
    /** Per registry host: the last challenge the host itself sent, so later requests authenticate up front. */
    private final Map<String, AuthChallenge> challenges = lru();

    private final Map<String, Integer> requestsByHost = new ConcurrentHashMap<>();
    private final UnreachableRegistries unreachable;

    private record TokenKey(String registry, String realm, String service, String scope, String credential) {}

    private record Token(String value, long expiresNanos) {}

    private static <K, V> Map<K, V> lru() {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_REMEMBERED;
            }
        });
    }

    /** A manifest or index as fetched. */
    public record Fetched(byte[] body, String mediaType, String digest) {
        public JsonNode json() throws RegistryException {
            return BoundedJson.object(body, "manifest " + Digests.shortForm(digest));
        }
    }

    private RegistryClient(Builder b) {
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.connectTimeout);
        if (b.sslContext != null) {
            hb.sslContext(b.sslContext);
        }
        this.http = hb.build();
        this.insecure = Set.copyOf(b.insecure);
        this.requestTimeout = b.requestTimeout;
        this.userAgent = b.userAgent;
        this.nanoClock = b.nanoClock;
        this.unreachable = b.unreachable;
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
        private UnreachableRegistries unreachable = UnreachableRegistries.forAWhile(Duration.ofMinutes(1));

        /**
         * Hosts ({@code host[:port]}, as in image references) asked over plain HTTP: registries, and the token
         * servers and blob stores they send to.
         */
        public Builder insecure(Set<String> hosts) {
            this.insecure = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
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

        /** Until the response headers arrive; bodies are bounded by the image's deadline. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder userAgent(String ua) {
            this.userAgent = ua;
            return this;
        }

        /**
         * How long a host that could not be reached is not asked again ({@link UnreachableRegistries}): a command's
         * run, or a while for a server (default one minute, as failures are kept).
         */
        public Builder unreachable(UnreachableRegistries memory) {
            this.unreachable = memory;
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

    /** Requests sent to a host so far (registries, token servers, redirect targets), for tests. */
    public int requestsTo(String host) {
        return requestsByHost.getOrDefault(host, 0);
    }

    /** The failure to repeat at once for {@code host} (an image's registry) while it is remembered as unreachable. */
    Optional<RegistryException> unreachable(String host) {
        return unreachable.reminder(host);
    }

    /**
     * The manifest (or index) {@code reference} names: a tag or a digest. A digest reference must match
     * the body's sha256; for a tag, the body's sha256 must match the registry's {@code Docker-Content-Digest}
     * when it sends one.
     */
    Fetched manifest(ImageRef ref, String reference, Credential credential, ReadBudget budget)
            throws RegistryException {
        HttpResponse<InputStream> r = send(ref, "manifests/" + reference, ACCEPT_MANIFESTS, credential, budget);
        byte[] body = readAll(r, MAX_MANIFEST_BYTES, "manifest " + reference + " of " + ref.repositoryPath(), budget);
        String actual = Digests.of(body);
        String expected = reference.startsWith("sha256:")
                ? reference
                : r.headers()
                        .firstValue("Docker-Content-Digest")
                        .filter(Digests::isSha256)
                        .orElse(actual);
        if (!expected.equals(actual)) {
            throw new RegistryException(
                    RegistryException.Kind.DIGEST_MISMATCH,
                    "manifest " + reference + " of " + where(ref) + " has sha256 " + actual + ", not " + expected
                            + ": refused");
        }
        String type = r.headers()
                .firstValue("Content-Type")
                .map(t -> t.split(";")[0].trim())
                .orElse("");
        return new Fetched(body, type, actual);
    }

    /** A small blob (an image config) read whole, at most {@code maxBytes}, digest checked. */
    byte[] blobBytes(ImageRef ref, String digest, int maxBytes, Credential credential, ReadBudget budget)
            throws RegistryException {
        HttpResponse<InputStream> r = send(ref, "blobs/" + digest, "*/*", credential, budget);
        byte[] body = readAll(r, maxBytes, "blob " + Digests.shortForm(digest) + " of " + ref.repositoryPath(), budget);
        String actual = Digests.of(body);
        if (!actual.equals(digest)) {
            throw new RegistryException(
                    RegistryException.Kind.DIGEST_MISMATCH,
                    "blob " + digest + " of " + where(ref) + " has sha256 " + actual + ": refused");
        }
        return body;
    }

    /**
     * A blob as a stream that fails at its end unless the bytes had {@code digest}, and as soon as it passes
     * {@code size}. The caller reads it under the budget and closes it.
     *
     * @param size what the descriptor says, -1 when not known
     */
    DigestCheckingInputStream checkedBlob(
            ImageRef ref, String digest, long size, Credential credential, ReadBudget budget) throws RegistryException {
        HttpResponse<InputStream> r = send(ref, "blobs/" + digest, "*/*", credential, budget);
        budget.reading(r.body());
        return new DigestCheckingInputStream(
                r.body(), digest, size, "blob " + Digests.shortForm(digest) + " of " + where(ref));
    }

    private HttpResponse<InputStream> send(
            ImageRef ref, String path, String accept, Credential credential, ReadBudget budget)
            throws RegistryException {
        String host = ref.apiHost();
        URI uri = URI.create(schemeFor(host) + "://" + host + "/v2/" + ref.repositoryPath() + "/" + path);
        String scope = "repository:" + ref.repositoryPath() + ":pull";
        Answer a = follow(uri, accept, authorizationFor(host, scope, credential), ref, budget);
        if (a.response().statusCode() == 401) {
            AuthChallenge challenge = challengeOf(a, ref, budget);
            challenges.put(host, challenge);
            String retried = meet(host, challenge, scope, credential, ref, budget);
            a = follow(uri, accept, retried, ref, budget);
            if (a.response().statusCode() == 401) {
                if (!a.fromRegistry()) {
                    throw refusedAfterRedirect(a, ref, budget);
                }
                close(a.response());
                tokens.keySet()
                        .removeIf(k -> k.registry().equals(host)
                                && k.credential().equals(credential.id())
                                && k.scope().equals(scope));
                throw new RegistryException(
                        RegistryException.Kind.AUTH,
                        credential.anonymous()
                                ? where(ref) + " needs credentials to pull " + ref.repositoryPath()
                                        + " and none match it"
                                : where(ref) + " refused the credentials of " + credential + " for "
                                        + ref.repositoryPath());
            }
        }
        HttpResponse<InputStream> r = a.response();
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            return r;
        }
        String detail = errorDetail(r, budget);
        throw new RegistryException(
                kindOf(status),
                (a.fromRegistry() ? where(ref) : a.uri().getAuthority() + " (where " + where(ref) + " redirected)")
                        + " answered " + status + " for GET " + a.uri().getPath()
                        + (detail.isEmpty() ? "" : ": " + detail));
    }

    /**
     * The registry's own challenge. A 401 from a host a redirect led to is that host's refusal, an error of
     * this fetch: taking it as the registry's challenge would send the registry's credentials to whatever
     * realm a third party names.
     */
    private AuthChallenge challengeOf(Answer a, ImageRef ref, ReadBudget budget) throws RegistryException {
        if (!a.fromRegistry()) {
            throw refusedAfterRedirect(a, ref, budget);
        }
        String header = a.response().headers().firstValue("WWW-Authenticate").orElse("");
        close(a.response());
        return AuthChallenge.parse(header)
                .orElseThrow(() -> new RegistryException(
                        RegistryException.Kind.AUTH, where(ref) + " answered 401 without a challenge"));
    }

    private RegistryException refusedAfterRedirect(Answer a, ImageRef ref, ReadBudget budget) {
        close(a.response());
        return new RegistryException(
                RegistryException.Kind.AUTH,
                a.uri().getAuthority() + " (where " + where(ref)
                        + " redirected) answered 401; the registry's credentials are only ever sent to the registry");
    }

    /** The header to send before any challenge: a live token, or Basic where the registry asked for it. */
    private String authorizationFor(String host, String scope, Credential credential) {
        AuthChallenge known = challenges.get(host);
        if (known == null) {
            return null;
        }
        if (known.bearer()) {
            Token t = tokens.get(new TokenKey(host, known.realm(), known.service(), scope, credential.id()));
            return t != null && t.expiresNanos() - nanoClock.getAsLong() > 0 ? "Bearer " + t.value() : null;
        }
        return known.basic() && !credential.anonymous() ? credential.basicHeader() : null;
    }

    private String meet(
            String host, AuthChallenge challenge, String scope, Credential credential, ImageRef ref, ReadBudget budget)
            throws RegistryException {
        if (challenge.basic()) {
            if (credential.anonymous()) {
                throw new RegistryException(
                        RegistryException.Kind.AUTH,
                        where(ref) + " needs credentials (Basic) to pull " + ref.repositoryPath()
                                + " and none match it");
            }
            return credential.basicHeader();
        }
        if (!challenge.bearer() || challenge.realm().isEmpty()) {
            throw new RegistryException(
                    RegistryException.Kind.AUTH,
                    where(ref) + " asks for an authentication scheme " + "dnsprobe does not speak: "
                            + challenge.scheme());
        }
        String s = challenge.params().getOrDefault("scope", scope);
        TokenKey key = new TokenKey(host, challenge.realm(), challenge.service(), s, credential.id());
        Token cached = tokens.get(key);
        if (cached != null && cached.expiresNanos() - nanoClock.getAsLong() > 0) {
            return "Bearer " + cached.value();
        }
        Token fresh = fetchToken(challenge, s, credential, ref, budget);
        tokens.put(key, fresh);
        return "Bearer " + fresh.value();
    }

    private Token fetchToken(
            AuthChallenge challenge, String scope, Credential credential, ImageRef ref, ReadBudget budget)
            throws RegistryException {
        StringBuilder q = new StringBuilder(challenge.realm());
        q.append(challenge.realm().contains("?") ? '&' : '?');
        if (challenge.service() != null) {
            q.append("service=")
                    .append(URLEncoder.encode(challenge.service(), StandardCharsets.UTF_8))
                    .append('&');
        }
        q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI uri;
        try {
            uri = URI.create(q.toString());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL, where(ref) + " names a token realm that is not a URL");
        }
        if (uri.getHost() == null || !allowed(uri)) {
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    where(ref) + " sends for tokens to " + uri.getScheme()
                            + "://" + uri.getRawAuthority()
                            + "; plain HTTP only to hosts listed as insecure, so no credential is "
                            + "sent there");
        }
        Answer a =
                follow(uri, "application/json", credential.anonymous() ? null : credential.basicHeader(), ref, budget);
        HttpResponse<InputStream> r = a.response();
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            close(r);
            throw new RegistryException(
                    RegistryException.Kind.AUTH,
                    "the token server of " + where(ref) + " refused "
                            + (credential.anonymous() ? "anonymous access" : "the credentials of " + credential)
                            + " to "
                            + ref.repositoryPath() + " (" + r.statusCode() + ")");
        }
        if (r.statusCode() != 200) {
            String detail = errorDetail(r, budget);
            throw new RegistryException(
                    kindOf(r.statusCode()),
                    "the token server of " + where(ref) + " answered " + r.statusCode()
                            + (detail.isEmpty() ? "" : ": " + detail));
        }
        String what = "the token answer of " + where(ref);
        JsonNode n = BoundedJson.object(readAll(r, MAX_TOKEN_BYTES, what, budget), what);
        String token = BoundedJson.text(n, "token", what);
        if (token == null || token.isEmpty()) {
            token = BoundedJson.text(n, "access_token", what);
        }
        if (token == null || token.isEmpty()) {
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL, "the token server of " + where(ref) + " sent no token");
        }
        if (!TOKEN_CHARS.matcher(token).matches()) {
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL,
                    "the token server of " + where(ref) + " sent a token with characters no token has");
        }
        return new Token(
                token,
                nanoClock.getAsLong()
                        + Duration.ofSeconds(lifetimeSeconds(n.get("expires_in")))
                                .toNanos());
    }

    /**
     * How long to use a token: {@code expires_in}, 60 s when absent or not a number (the spec's default), at
     * most a day, renewed 10 s early so it never expires mid-request.
     */
    static long lifetimeSeconds(JsonNode expiresIn) {
        double said = expiresIn != null && expiresIn.isNumber() ? expiresIn.doubleValue() : DEFAULT_TOKEN_SECONDS;
        if (Double.isNaN(said)) {
            said = DEFAULT_TOKEN_SECONDS;
        }
        return (long) Math.max(1, Math.min(MAX_TOKEN_SECONDS, said) - 10);
    }

    /** An answer, where it came from, and whether that is the registry's own origin. */
    private record Answer(HttpResponse<InputStream> response, URI uri, boolean fromRegistry) {}

    /** GETs, following redirects; across origins the Authorization header is dropped. */
    private Answer follow(URI uri, String accept, String authorization, ImageRef ref, ReadBudget budget)
            throws RegistryException {
        URI current = uri;
        String auth = authorization;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest request;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(current)
                        .timeout(requestTimeout)
                        .header("User-Agent", userAgent)
                        .header("Accept", accept)
                        .GET();
                if (auth != null) {
                    b.header("Authorization", auth);
                }
                request = b.build();
            } catch (IllegalArgumentException e) {
                throw new RegistryException(
                        RegistryException.Kind.PROTOCOL,
                        where(ref) + " led to an address that cannot be " + "asked: " + current);
            }
            // The registry by name; a token server or a redirect's target is a host the registry sent us to.
            String role = current.getRawAuthority().equalsIgnoreCase(ref.apiHost()) ? "registry" : "host";
            HttpResponse<InputStream> r = exchange(request, role, budget, ref);
            int s = r.statusCode();
            if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
                return new Answer(r, current, sameOrigin(current, uri));
            }
            String location = r.headers().firstValue("Location").orElse(null);
            close(r);
            if (location == null) {
                throw new RegistryException(
                        RegistryException.Kind.PROTOCOL, where(ref) + " redirected without a Location");
            }
            URI next;
            try {
                next = current.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(
                        RegistryException.Kind.PROTOCOL,
                        where(ref) + " redirected to something that is " + "not a URL: " + location);
            }
            if (next.getHost() == null || !allowed(next)) {
                throw new RegistryException(
                        RegistryException.Kind.INVALID,
                        where(ref) + " redirected to " + next.getScheme() + "://" + next.getRawAuthority()
                                + ": plain HTTP only to hosts listed as insecure; refused");
            }
            if (!sameOrigin(current, next)) {
                auth = null;
            }
            current = next;
        }
        throw new RegistryException(
                RegistryException.Kind.PROTOCOL, where(ref) + " redirected more than " + MAX_REDIRECTS + " times");
    }

    private String schemeFor(String host) {
        return insecure.contains(host.toLowerCase(Locale.ROOT)) ? "http" : "https";
    }

    /** HTTPS anywhere; plain HTTP only to a host listed as insecure. */
    private boolean allowed(URI u) {
        return "https".equalsIgnoreCase(u.getScheme())
                || "http".equalsIgnoreCase(u.getScheme())
                        && insecure.contains(String.valueOf(u.getRawAuthority()).toLowerCase(Locale.ROOT));
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * One request, with the memory of unreachable hosts: a host remembered fails at once; one that cannot be
     * connected to (DNS, refused, connect timeout, TLS) is remembered, and so is one that sends this image no
     * answer at all in the time allowed. A host that answered this image before and then goes silent is slow,
     * not absent: that timeout is this image's alone.
     *
     * @param role what the host is to the image: {@code registry}, or {@code host} for token servers and
     *     redirect targets
     */
    private HttpResponse<InputStream> exchange(HttpRequest request, String role, ReadBudget budget, ImageRef ref)
            throws RegistryException {
        String authority = request.uri().getRawAuthority();
        String name = authority.equalsIgnoreCase(ref.apiHost()) ? where(ref) : authority;
        Optional<RegistryException> known = unreachable.reminder(authority, name);
        if (known.isPresent()) {
            throw known.get();
        }
        if (requestsByHost.size() < MAX_REMEMBERED || requestsByHost.containsKey(authority)) {
            requestsByHost.merge(authority, 1, Integer::sum);
        }
        budget.check();
        long sent = System.nanoTime();
        try {
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            budget.heardFrom(authority);
            return r;
        } catch (HttpConnectTimeoutException e) {
            long ms = http.connectTimeout().map(Duration::toMillis).orElse(0L);
            throw unreachable.failed(
                    authority,
                    new RegistryException(
                            RegistryException.Kind.UNREACHABLE,
                            "cannot connect to " + role + " " + authority + ": timed out after " + ms + "ms",
                            e));
        } catch (HttpTimeoutException e) {
            RegistryException why = new RegistryException(
                    RegistryException.Kind.TIMEOUT,
                    authority + " did not answer " + request.method() + " "
                            + request.uri().getPath() + " within " + requestTimeout.toMillis() + "ms",
                    e);
            throw silent(authority, budget, why, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (budget.expired()) {
                throw noAnswer(authority, request, budget, sent);
            }
            throw new RegistryException(RegistryException.Kind.TIMEOUT, "stopped while waiting for " + authority, e);
        } catch (IOException e) {
            if (budget.expired()) {
                throw noAnswer(authority, request, budget, sent);
            }
            throw unreachable.failed(authority, unreachable(role, authority, e));
        }
    }

    /** The image's deadline came while waiting for headers: the image's timeout, said of the host for the others. */
    private RegistryException noAnswer(String authority, HttpRequest request, ReadBudget budget, long sent) {
        String what = authority + " sent no answer to " + request.method() + " "
                + request.uri().getPath();
        long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sent);
        return silent(
                authority,
                budget,
                budget.timeout(what),
                new RegistryException(RegistryException.Kind.TIMEOUT, what + " in " + waited + "s"));
    }

    /** A host that never answered this image is remembered; one that did is only slow this time. */
    private RegistryException silent(
            String authority, ReadBudget budget, RegistryException thrown, RegistryException remembered) {
        if (!budget.hasHeardFrom(authority)) {
            unreachable.failed(authority, remembered);
        }
        return thrown;
    }

    /**
     * What went wrong on the way to a host, said the way people debug it: the name does not resolve, the
     * connection is refused or times out, TLS fails (certificate not trusted, not for this host, expired, or
     * plain HTTP where TLS was expected), or the connection broke. Never a Java class name.
     *
     * @param role what the host is to the image: {@code registry}, or {@code host} for token servers and
     *     redirect targets
     */
    static RegistryException unreachable(String role, String authority, IOException e) {
        String host = authority.replaceFirst(":\\d+$", "").replaceFirst("^\\[(.*)]$", "$1");
        String who = role + " " + authority;
        // The cause decides, wherever it is in the chain: the JDK wraps the DNS failure in two ConnectExceptions.
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                boolean temporary = String.valueOf(t.getMessage()).contains("Temporary failure");
                return new RegistryException(
                        RegistryException.Kind.UNREACHABLE,
                        "cannot resolve "
                                + (role.equals("host") ? "" : role + " ") + "host " + host
                                + (temporary
                                        ? ": the DNS server did not answer (temporary failure)"
                                        : ": no such host"),
                        e);
            }
            if (t instanceof SSLException ssl) {
                return new RegistryException(
                        RegistryException.Kind.TLS, "TLS with " + who + " failed: " + tls(ssl, host), e);
            }
        }
        String connect = null;
        boolean refused = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                refused = true;
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    connect = ErrorText.reason(t);
                }
            }
        }
        if (refused) {
            // The JDK's client says nothing more when the port is closed: its ConnectExceptions carry no message.
            return new RegistryException(
                    RegistryException.Kind.UNREACHABLE,
                    "cannot connect to " + who + ": " + (connect == null ? "connection refused" : connect),
                    e);
        }
        return new RegistryException(
                RegistryException.Kind.UNREACHABLE, "the connection to " + who + " failed: " + ErrorText.reason(e), e);
    }

    /** Why a TLS handshake failed, in the words of what to do about it. */
    private static String tls(SSLException ssl, String host) {
        String all = "";
        boolean expired = false;
        for (Throwable t = ssl; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all += " " + t.getMessage();
            expired |= t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException;
        }
        if (all.contains("plaintext") || all.contains("Unsupported or unrecognized SSL message")) {
            return "it answers in plain HTTP, not TLS; if it serves plain HTTP, list it as an insecure registry";
        }
        if (expired) {
            return "its certificate has expired or is not valid yet";
        }
        if (all.contains("No subject alternative") || all.contains("No name matching")) {
            return "its certificate is not for " + host + " (hostname mismatch)";
        }
        if (all.contains("PKIX") || all.contains("certification path")) {
            return "its certificate is not trusted (signed by no CA this machine trusts); if it uses a private CA, "
                    + "add the CA certificate";
        }
        return "the handshake failed (" + ErrorText.reason(ssl) + ")";
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

    /**
     * The registry's own error code and message ({@code {"errors":[{"code":..,"message":..}]}}), short: at
     * most {@link #MAX_ERROR_BYTES} are read, under the budget (a body that trickles is cut at the deadline;
     * then the status alone is said). The text is made printable by {@link RegistryException}.
     */
    private static String errorDetail(HttpResponse<InputStream> r, ReadBudget budget) {
        byte[] b;
        try (InputStream in = budget.wrapCompressed(r.body())) {
            budget.reading(r.body());
            b = in.readNBytes(MAX_ERROR_BYTES);
        } catch (IOException | RuntimeException e) {
            return "";
        }
        try {
            JsonNode first =
                    BoundedJson.parse(b, "an error answer").path("errors").path(0);
            if (first.isObject()) {
                String msg = (first.path("code").asText("") + " "
                                + first.path("message").asText(""))
                        .trim();
                return msg.length() > 200 ? msg.substring(0, 200) : msg;
            }
        } catch (RegistryException e) {
            // Not the registry's JSON: the start of the text says more than nothing.
        }
        String text = new String(b, StandardCharsets.UTF_8).strip();
        return text.length() > 120 ? text.substring(0, 120) : text;
    }

    private static byte[] readAll(HttpResponse<InputStream> r, int max, String what, ReadBudget budget)
            throws RegistryException {
        long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > max) {
            close(r);
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    what + " is " + declared + " bytes, larger than " + max + ": not read");
        }
        try (InputStream in = budget.wrapCompressed(r.body())) {
            budget.reading(r.body());
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new RegistryException(
                        RegistryException.Kind.LIMIT, what + " is larger than " + max + " bytes: not read");
            }
            return b;
        } catch (RegistryException e) {
            throw e;
        } catch (IOException e) {
            if (budget.expired()) {
                throw budget.timeout();
            }
            throw new RegistryException(
                    Thread.currentThread().isInterrupted()
                            ? RegistryException.Kind.TIMEOUT
                            : RegistryException.Kind.UNREACHABLE,
                    what + " could not be read: " + e.getMessage(),
                    e);
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
