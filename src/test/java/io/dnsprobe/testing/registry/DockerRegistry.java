package io.dnsprobe.testing.registry;

import io.dnsprobe.testing.BoundedProcess;
import io.dnsprobe.testing.Cleanup;
import io.dnsprobe.testing.Ports;
import io.dnsprobe.testing.TrustAll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real registry (Debian's docker-registry, distribution 2.8) on a free 127.0.0.1 port, with filesystem
 * storage in a temp dir; optionally with htpasswd or token auth and TLS. Tests using it fail (never skip)
 * when the package is missing: CI installs it.
 *
 * <pre>
 * try (DockerRegistry r = DockerRegistry.builder().htpasswd("ci", "s3:cret").start()) { ... r.url() ... }
 * </pre>
 */
public final class DockerRegistry implements AutoCloseable {
    private static final String BINARY = "/usr/bin/docker-registry";
    /**
     * The Accept header a pull needs: distribution 2.8 answers an index or a Docker v2 manifest only to a client that
     * lists its type (and would otherwise hand out an old format or a 404).
     */
    public static final String MANIFEST_ACCEPT =
            "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
                    + "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

    private final Path dir;
    private final Process process;
    private final int port;
    private final boolean tls;
    private final SSLContext clientContext;
    private final TokenServer tokenServer;
    private final Map<String, String> users;

    private DockerRegistry(Builder b) throws IOException {
        Path exe = Util.requireExecutable(BINARY, "docker-registry");
        if (!b.users.isEmpty() && b.tokenServer != null) {
            throw new IllegalArgumentException("htpasswd and token auth are exclusive");
        }
        this.tls = b.certificate != null;
        this.clientContext = b.clientContext;
        this.tokenServer = b.tokenServer;
        this.users = Map.copyOf(b.users);
        this.dir = Files.createTempDirectory("dnsprobe-registry");
        try {
            String auth = "";
            if (!b.users.isEmpty()) {
                auth = "auth:\n  htpasswd:\n    realm: dnsprobe-test\n    path: " + writeHtpasswd(b.users) + "\n";
            } else if (b.tokenServer != null) {
                auth = """
                        auth:
                          token:
                            realm: %s
                            service: %s
                            issuer: %s
                            rootcertbundle: %s
                        """.formatted(
                                b.tokenServer.realm(),
                                b.tokenServer.service(),
                                b.tokenServer.issuer(),
                                b.tokenServer.rootCertBundle());
            }
            String tlsConf = tls ? "  tls:\n    certificate: " + b.certificate + "\n    key: " + b.key + "\n" : "";
            Process started = null;
            int chosen = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // The free port can be taken between choosing and binding; try a few, all within the 20 s.
            for (int attempt = 0; attempt < 5 && started == null && System.nanoTime() < deadline; attempt++) {
                chosen = Ports.freeTcpPort();
                Path conf = dir.resolve("config.yml");
                Files.writeString(
                        conf, """
                        version: 0.1
                        log:
                          level: info
                          formatter: text
                          accesslog:
                            disabled: false
                        storage:
                          filesystem:
                            rootdirectory: %s
                          delete:
                            enabled: %s
                          maintenance:
                            uploadpurging:
                              enabled: false
                        http:
                          addr: 127.0.0.1:%d
                          secret: %s
                        %s%s""".formatted(dir.resolve("storage"), b.deleteEnabled, chosen, secret(), tlsConf, auth));
                Process p = new ProcessBuilder(exe.toString(), "serve", conf.toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                        .start();
                if (waitUntilServing(p, chosen, deadline)) {
                    started = p;
                } else {
                    kill(p);
                }
            }
            if (started == null) {
                throw new IllegalStateException("docker-registry did not answer GET /v2/ within 20 s; log:\n" + log());
            }
            this.port = chosen;
            this.process = started;
        } catch (IOException | RuntimeException e) {
            Cleanup.deleteTree(dir);
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A registry without auth or TLS. */
    public static DockerRegistry plain() throws IOException {
        return builder().start();
    }

    /** "127.0.0.1:PORT", as in an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT". */
    public String url() {
        return (tls ? "https://" : "http://") + host();
    }

    public boolean tls() {
        return tls;
    }

    /** The htpasswd users given (name to password); empty unless htpasswd auth is on. */
    public Map<String, String> users() {
        return users;
    }

    /** The token server when token auth is on, else null. */
    public TokenServer tokenServer() {
        return tokenServer;
    }

    /** What the registry logged so far (access log included). */
    public String log() {
        try {
            return Files.exists(logFile()) ? Files.readString(logFile(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile() + ": " + e + ")";
        }
    }

    public Path logFile() {
        return dir.resolve("registry.log");
    }

    public Path dir() {
        return dir;
    }

    /**
     * An HTTP/1.1 client for this registry, following no redirects, trusting the registry's CA when it has TLS
     * (the TestCa it was given; a registry started from bare cert/key paths without a CA gets no trust, so give one).
     */
    public HttpClient newHttpClient() {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Util.HTTP_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls && clientContext != null) {
            b.sslContext(clientContext);
        }
        return b.build();
    }

    /** The context {@link #newHttpClient()} trusts for TLS, or null. */
    public SSLContext sslContext() {
        return clientContext;
    }

    @Override
    public void close() {
        kill(process);
        Cleanup.deleteTree(dir);
    }

    private static void kill(Process p) {
        BoundedProcess.stop(p, Duration.ofSeconds(5));
    }

    private Path writeHtpasswd(Map<String, String> users) throws IOException {
        Path htpasswd = Util.requireExecutable("/usr/bin/htpasswd", "apache2-utils");
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, String> u : users.entrySet()) {
            // bcrypt (-B) is the only hash the registry accepts; -b takes the password from argv, so ':' is fine.
            Process p = new ProcessBuilder(htpasswd.toString(), "-Bbn", "-C", "4", u.getKey(), u.getValue())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("htpasswd failed for " + u.getKey() + ": " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            lines.append(out.strip()).append('\n');
        }
        Path file = dir.resolve("htpasswd");
        Files.writeString(file, lines);
        return file;
    }

    private static String secret() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Polls GET /v2/ until it answers 200 or 401 (auth on), or the process dies, or the deadline passes. */
    private boolean waitUntilServing(Process p, int candidate, long deadline) {
        // Only asks whether it is up: trusts any certificate, unlike the clients tests get.
        HttpClient probe = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .sslContext(TrustAll.sslContext())
                .build();
        URI uri = URI.create((tls ? "https://" : "http://") + "127.0.0.1:" + candidate + "/v2/");
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                HttpResponse<Void> r = probe.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public static final class Builder {
        private final Map<String, String> users = new LinkedHashMap<>();
        private TokenServer tokenServer;
        private Path certificate;
        private Path key;
        private SSLContext clientContext;
        private boolean deleteEnabled = true;

        private Builder() {}

        /** htpasswd auth with this user (bcrypt); the password may contain ':'. */
        public Builder htpasswd(String user, String password) {
            users.put(user, password);
            return this;
        }

        public Builder htpasswd(Map<String, String> userPasswords) {
            users.putAll(userPasswords);
            return this;
        }

        /** Token auth against {@code server} (which outlives this registry: close it yourself). */
        public Builder tokenAuth(TokenServer server) {
            this.tokenServer = server;
            return this;
        }

        /** TLS with the CA's server certificate (for 127.0.0.1 and localhost); clients trust {@code ca}. */
        public Builder tls(TestCa ca) {
            this.certificate = ca.serverPem();
            this.key = ca.serverKeyPem();
            this.clientContext = ca.clientContext();
            return this;
        }

        /** TLS from PEM files; {@code clientContext} (may be null) is what {@link #newHttpClient()} will trust. */
        public Builder tls(Path certificatePem, Path keyPem, SSLContext clientContext) {
            this.certificate = certificatePem;
            this.key = keyPem;
            this.clientContext = clientContext;
            return this;
        }

        public Builder deleteEnabled(boolean on) {
            this.deleteEnabled = on;
            return this;
        }

        public DockerRegistry start() throws IOException {
            return new DockerRegistry(this);
        }
    }
}
