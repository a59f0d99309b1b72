package io.dnsprobe.testing.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dnsprobe.testing.Cleanup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker token-auth server (the /token endpoint a registry's Bearer challenge points to) on 127.0.0.1:
 * {@code GET /token?service=S&scope=repository:NAME:pull,push} with optional Basic credentials answers
 * {@code {"token","access_token","expires_in","issued_at"}}, the token an ES256 JWT whose x5c header carries
 * the signing certificate, which {@link #rootCertBundle()} holds for the registry's {@code rootcertbundle}.
 *
 * <p>Known users get every action they ask for; anonymous callers get pull only if {@link #anonymousPull(boolean)}
 * allows it (otherwise a token with no access, as Docker Hub does, so the registry then says 401 again).
 * Wrong credentials get 401 with a JSON error. Requests are counted, in total and per user ("" for anonymous),
 * so tests can assert that a client reuses its token and does not retry in a storm.
 */
public final class TokenServer implements AutoCloseable {
    public static final String ANONYMOUS = "";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path dir;
    private final KeyPair keys;
    private final X509Certificate cert;
    private final Map<String, String> users;
    private final String service;
    private final String issuer;
    private volatile boolean anonymousPull;
    private volatile Duration lifetime;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();

    private TokenServer(Builder b) throws IOException {
        this.users = Map.copyOf(b.users);
        this.service = b.service;
        this.issuer = b.issuer;
        this.anonymousPull = b.anonymousPull;
        this.lifetime = b.lifetime;
        try {
            this.keys = TestCa.ecKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.cert = TestCa.selfSigned(keys, "dnsprobe test token signer");
        this.dir = Files.createTempDirectory("dnsprobe-tokenserver");
        Files.writeString(rootCertBundle(), TestCa.pem(cert));
        this.server = HttpServer.create(new InetSocketAddress(Util.LOOPBACK, 0), 16);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "token-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/token", this::token);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The URL to put in the registry's auth.token.realm. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public String service() {
        return service;
    }

    public String issuer() {
        return issuer;
    }

    /** PEM of the token signing certificate: the registry's auth.token.rootcertbundle. */
    public Path rootCertBundle() {
        return dir.resolve("token-signer.pem");
    }

    public void anonymousPull(boolean allowed) {
        this.anonymousPull = allowed;
    }

    /** expires_in of the tokens issued from now on (and their exp claim). */
    public void lifetime(Duration d) {
        this.lifetime = d;
    }

    /** All requests to /token, refused ones included. */
    public int requests() {
        return requests.get();
    }

    /** Requests that presented {@code user}'s name ({@link #ANONYMOUS} for none), refused ones included. */
    public int requests(String user) {
        AtomicInteger n = perUser.get(user);
        return n == null ? 0 : n.get();
    }

    /** Requests answered 401 (wrong credentials). */
    public int refused() {
        return refused.get();
    }

    public void resetCounts() {
        requests.set(0);
        refused.set(0);
        perUser.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        Cleanup.deleteTree(dir);
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String user = ANONYMOUS;
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            boolean authenticated = false;
            if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded;
                try {
                    decoded = new String(
                            Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException bad) {
                    decoded = "";
                }
                // The user name cannot contain ':'; the password can.
                int colon = decoded.indexOf(':');
                user = colon < 0 ? decoded : decoded.substring(0, colon);
                String password = colon < 0 ? "" : decoded.substring(colon + 1);
                perUser.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
                if (!password.equals(users.get(user))) {
                    refused.incrementAndGet();
                    send(
                            ex,
                            401,
                            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"incorrect username or password\",\"detail\":null}]}");
                    return;
                }
                authenticated = true;
            } else {
                perUser.computeIfAbsent(ANONYMOUS, u -> new AtomicInteger()).incrementAndGet();
            }
            Map<String, List<String>> query = query(ex.getRequestURI().getRawQuery());
            String aud = query.getOrDefault("service", List.of(service)).get(0);
            List<Object> access = new ArrayList<>();
            for (String scope : query.getOrDefault("scope", List.of())) {
                // repository:NAME:ACTIONS; NAME may hold a registry host with a port, so split at the first and last
                // ':'.
                int first = scope.indexOf(':');
                int last = scope.lastIndexOf(':');
                if (first < 0 || last == first) {
                    continue;
                }
                List<String> granted = new ArrayList<>();
                for (String action : scope.substring(last + 1).split(",")) {
                    if (authenticated || (anonymousPull && action.equals("pull"))) {
                        granted.add(action);
                    }
                }
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("type", scope.substring(0, first));
                a.put("name", scope.substring(first + 1, last));
                a.put("actions", granted);
                access.add(a);
            }
            Instant now = Instant.now();
            long expiresIn = Math.max(1, lifetime.toSeconds());
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("iss", issuer);
            claims.put("sub", user);
            claims.put("aud", aud);
            claims.put("exp", now.getEpochSecond() + expiresIn);
            // A second of slack: the registry compares whole seconds and must not see a token from the future.
            claims.put("nbf", now.getEpochSecond() - 1);
            claims.put("iat", now.getEpochSecond());
            claims.put("jti", UUID.randomUUID().toString());
            claims.put("access", access);
            String jwt = jwt(claims);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", jwt);
            body.put("access_token", jwt);
            body.put("expires_in", expiresIn);
            body.put("issued_at", now.toString());
            send(ex, 200, new String(Util.json(body), StandardCharsets.UTF_8));
        }
    }

    private String jwt(Map<String, Object> claims) {
        try {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("typ", "JWT");
            header.put("alg", "ES256");
            header.put("x5c", List.of(Base64.getEncoder().encodeToString(cert.getEncoded())));
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(Util.json(header)) + "." + b64.encodeToString(Util.json(claims));
            // JWS wants the raw r||s form, not DER.
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(keys.getPrivate());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            // Several scopes may come as repeated parameters or space-separated in one.
            for (String part : k.equals("scope") ? v.split(" ") : new String[] {v}) {
                q.computeIfAbsent(k, x -> new ArrayList<>()).add(part);
            }
        }
        return q;
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"dnsprobe test token server\"");
        }
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    public static final class Builder {
        private final Map<String, String> users = new LinkedHashMap<>();
        private String service = "dnsprobe-test-registry";
        private String issuer = "dnsprobe-test-token-server";
        private boolean anonymousPull;
        private Duration lifetime = Duration.ofSeconds(300);

        private Builder() {}

        /** A user name (no ':') and password (may contain ':'). */
        public Builder user(String name, String password) {
            if (name.contains(":")) {
                throw new IllegalArgumentException("a user name cannot contain ':'");
            }
            users.put(name, password);
            return this;
        }

        public Builder users(Map<String, String> u) {
            u.forEach(this::user);
            return this;
        }

        public Builder service(String s) {
            this.service = s;
            return this;
        }

        public Builder issuer(String s) {
            this.issuer = s;
            return this;
        }

        /** Whether callers without credentials get pull access (default no). */
        public Builder anonymousPull(boolean allowed) {
            this.anonymousPull = allowed;
            return this;
        }

        /** expires_in of issued tokens (default 300 s, at least 1 s). */
        public Builder lifetime(Duration d) {
            this.lifetime = d;
            return this;
        }

        public TokenServer start() throws IOException {
            return new TokenServer(this);
        }
    }
}
