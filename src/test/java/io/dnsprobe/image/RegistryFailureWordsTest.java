package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.Ports;
import io.dnsprobe.testing.registry.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a registry cannot be reached is said as what it is, in plain words and without a Java class name:
 * a name that does not resolve, a refused connection, a certificate nobody trusts, a certificate for another
 * host, plain HTTP where TLS was expected. The live cases run against servers of the test's on 127.0.0.1.
 */
class RegistryFailureWordsTest {
    private static final String JAVA_NAME = "\\b(java|javax|sun|com|io|org)\\.[a-z]+\\.[A-Za-z.]+|Exception\\b";

    private static ImageInspection inspect(RegistryClient client, String ref) throws Exception {
        try (ImageInspector i =
                ImageInspector.builder(client).timeout(Duration.ofSeconds(20)).build()) {
            // A hang guard, not a bound under test.
            return i.inspect(
                            ImageRef.parse(ref),
                            Platform.LINUX_AMD64,
                            RegistryAuths.NONE,
                            ImageInspector.Priority.INTERACTIVE)
                    .get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNameThatDoesNotResolveIsADnsFailure() {
        // As the JDK's client reports it: two ConnectExceptions without a message around the DNS failure.
        ConnectException outer = new ConnectException();
        ConnectException inner = new ConnectException();
        inner.initCause(new UnresolvedAddressException());
        outer.initCause(inner);
        RegistryException r = RegistryClient.unreachable("registry", "quay.example", outer);
        assertThat(r.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
        assertThat(r.getMessage()).isEqualTo("cannot resolve registry host quay.example: no such host");

        RegistryException temporary = RegistryClient.unreachable(
                "host",
                "auth.example:5001",
                new IOException(new UnknownHostException("auth.example: Temporary failure in name resolution")));
        assertThat(temporary.getMessage())
                .isEqualTo("cannot resolve host auth.example: the DNS server did not answer (temporary failure)");
    }

    @Test
    void aClosedPortIsARefusedConnection() throws Exception {
        String host = "127.0.0.1:" + Ports.freeTcpPort();
        ImageInspection r =
                inspect(RegistryClient.builder().insecure(Set.of(host)).build(), host + "/acme/x:1");
        assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
        assertThat(r.problem()).isEqualTo("cannot connect to registry " + host + ": connection refused");

        RegistryException said =
                RegistryClient.unreachable("registry", "10.0.0.1:443", new ConnectException("No route to host"));
        assertThat(said.getMessage()).isEqualTo("cannot connect to registry 10.0.0.1:443: no route to host");
    }

    @Test
    void aCertificateNoCaSignedIsNotTrusted() throws Exception {
        try (TestCa ca = TestCa.create();
                TlsServer server = TlsServer.start(ca.serverContext())) {
            ImageInspection r = inspect(RegistryClient.builder().build(), server.host() + "/acme/x:1");
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.TLS);
            assertThat(r.problem())
                    .isEqualTo(
                            "TLS with registry " + server.host() + " failed: its certificate is not "
                                    + "trusted (signed by no CA this machine trusts); if it uses a private CA, add the CA certificate");
        }
    }

    @Test
    void aCertificateForAnotherHostIsAHostnameMismatch(@TempDir Path dir) throws Exception {
        KeyPair keys = TestCa.ecKeyPair();
        X509Certificate other = TestCa.selfSigned(keys, "registry.example");
        Path pem = dir.resolve("other.pem");
        Files.writeString(
                pem,
                "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(other.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        try (TlsServer server = TlsServer.start(TestCa.serverContext(keys.getPrivate(), other))) {
            RegistryClient trusting = RegistryClient.builder()
                    .sslContext(TrustedCertificates.withExtraCas(List.of(pem)))
                    .build();
            ImageInspection r = inspect(trusting, server.host() + "/acme/x:1");
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.TLS);
            assertThat(r.problem())
                    .isEqualTo("TLS with registry " + server.host()
                            + " failed: its certificate is not for 127.0.0.1 (hostname mismatch)");
        }
    }

    @Test
    void plainHttpWhereTlsWasExpectedSaysWhatToList() throws Exception {
        try (PlainServer server = PlainServer.start()) {
            ImageInspection r = inspect(RegistryClient.builder().build(), server.host() + "/acme/x:1");
            assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.TLS);
            assertThat(r.problem())
                    .isEqualTo("TLS with registry " + server.host() + " failed: it answers in plain "
                            + "HTTP, not TLS; if it serves plain HTTP, list it as an insecure registry");
        }
    }

    @Test
    void anExpiredCertificateAndOtherHandshakeFailuresNameNoClass() {
        SSLHandshakeException expired = new SSLHandshakeException("PKIX path validation failed: "
                + "java.security.cert.CertPathValidatorException: validity check failed");
        expired.initCause(new CertificateExpiredException("NotAfter: Mon Jan 01 00:00:00 UTC 2024"));
        assertThat(RegistryClient.unreachable("registry", "r.example", expired).getMessage())
                .isEqualTo("TLS with registry r.example failed: its certificate has expired or is not valid yet");

        SSLHandshakeException alert = new SSLHandshakeException("Received fatal alert: handshake_failure");
        assertThat(RegistryClient.unreachable("registry", "r.example", alert).getMessage())
                .isEqualTo("TLS with registry r.example failed: the handshake failed "
                        + "(received fatal alert: handshake_failure)");

        IOException reset = new IOException("java.net.SocketException: Connection reset");
        assertThat(RegistryClient.unreachable("registry", "r.example", reset).getMessage())
                .isEqualTo("the connection to registry r.example failed: connection reset")
                .doesNotContainPattern(JAVA_NAME);
    }

    @Test
    void anInternalErrorOfTheReaderNamesNoClass() {
        assertThat(ImageInspector.describe(new ClassCastException(
                        "class java.lang.String cannot be cast to class " + "java.lang.Integer")))
                .isEqualTo("an internal error stopped the read (no detail)");
        assertThat(ImageInspector.describe(new IllegalStateException("java.util.zip.ZipException: invalid block type")))
                .isEqualTo("an internal error stopped the read (invalid block type)");
        assertThat(ImageInspector.describe(new OutOfMemoryError()))
                .isEqualTo("it needed more memory than there was (the read was abandoned)");
    }

    /** Accepts TLS connections on 127.0.0.1 and runs the handshake; whatever the client does next fails. */
    private static final class TlsServer extends Acceptor {
        static TlsServer start(SSLContext context) throws IOException {
            return new TlsServer(
                    context.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getByName("127.0.0.1")));
        }

        private TlsServer(ServerSocket socket) {
            super(socket, s -> {
                try {
                    ((SSLSocket) s).startHandshake();
                } catch (IOException e) {
                    // the client gave up: what it says is the test's subject
                }
            });
        }
    }

    /** Answers anything with a plain HTTP 400, as a registry without TLS answers a ClientHello. */
    private static final class PlainServer extends Acceptor {
        static PlainServer start() throws IOException {
            return new PlainServer(new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1")));
        }

        private PlainServer(ServerSocket socket) {
            super(socket, s -> {
                try (OutputStream out = s.getOutputStream()) {
                    s.getInputStream().read(new byte[4096]);
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the client gave up
                }
            });
        }
    }

    /** One accepting thread; each connection is served once, with a read timeout, then closed. */
    private abstract static class Acceptor implements AutoCloseable {
        private final ServerSocket socket;

        Acceptor(ServerSocket socket, Consumer<Socket> serve) {
            this.socket = socket;
            Thread t = new Thread(
                    () -> {
                        while (!socket.isClosed()) {
                            try (Socket s = socket.accept()) {
                                s.setSoTimeout(5000);
                                serve.accept(s);
                            } catch (IOException e) {
                                // closed, or one connection failed: the next one is served
                            }
                        }
                    },
                    "test-registry-acceptor");
            t.setDaemon(true);
            t.start();
        }

        String host() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
