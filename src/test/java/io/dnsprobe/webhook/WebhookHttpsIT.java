package io.dnsprobe.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.TrustAll;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The webhook as the API server reaches it, in the production setting: over TLS 1.2 or 1.3 on the HTTPS
 * port, while the plain HTTP port serves health and metrics only ({@code dnsprobe.webhook.allow-plain-http}
 * is false here, as in production; the other tests run with it on).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = WebhookHttpsIT.Tls.class, restrictToAnnotatedClass = true)
class WebhookHttpsIT {
    private static final String REVIEW =
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
                    + "{\"uid\":\"tls-1\",\"operation\":\"DELETE\",\"namespace\":\"shop\"}}";

    /** A self-signed serving certificate for localhost, made with the JDK's keytool. */
    public static class Tls implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createDirectories(Path.of("target", "test-tls"));
                Path store = dir.resolve("webhook.p12");
                Files.deleteIfExists(store);
                Process p = new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "keytool")
                                        .toString(),
                                "-genkeypair",
                                "-alias",
                                "webhook",
                                "-keyalg",
                                "EC",
                                "-groupname",
                                "secp256r1",
                                "-validity",
                                "1",
                                "-dname",
                                "CN=localhost",
                                "-ext",
                                "SAN=dns:localhost,ip:127.0.0.1",
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                store.toString(),
                                "-storepass",
                                "changeit")
                        .inheritIO()
                        .start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("keytool did not finish within 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed");
                }
                return Map.of(
                        "quarkus.tls.key-store.p12.path",
                        store.toAbsolutePath().toString(),
                        "quarkus.tls.key-store.p12.password",
                        "changeit",
                        "quarkus.http.test-ssl-port",
                        "0",
                        "dnsprobe.webhook.allow-plain-http",
                        "false");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {}
    }

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @TestHTTPResource("/validate")
    URL plainValidate;

    @TestHTTPResource("/")
    URL plainRoot;

    @TestHTTPResource(value = "/", tls = true)
    URL httpsRoot;

    @Inject
    TlsConfigurationRegistry tls;

    @Test
    void aReviewIsAnsweredOverTls() {
        assertThat(validate.getProtocol()).isEqualTo("https");
        String uid = given().relaxedHTTPSValidation()
                .contentType(ContentType.JSON)
                .body(REVIEW)
                .post(validate)
                .then()
                .statusCode(200)
                .extract()
                .path("response.uid");
        assertThat(uid).isEqualTo("tls-1");
    }

    @Test
    void plainHttpServesHealthAndMetricsButNotTheWebhook() throws Exception {
        assertThat(plainValidate.getProtocol()).isEqualTo("http");
        given().contentType(ContentType.JSON)
                .body(REVIEW)
                .post(plainValidate)
                .then()
                .statusCode(404);
        given().get(new URL(plainRoot, "/q/health/live")).then().statusCode(200);
        given().get(new URL(plainRoot, "/q/health/ready")).then().statusCode(200);
        given().get(new URL(plainRoot, "/q/metrics")).then().statusCode(200);
        // Dot segments and look-alike prefixes do not get past the check.
        assertThat(rawPlainPost("/q/health/../../validate")).startsWith("HTTP/1.1 404");
        assertThat(rawPlainPost("/q/healthz/../validate")).startsWith("HTTP/1.1 404");
        assertThat(rawPlainPost("/validate")).startsWith("HTTP/1.1 404");
        // Over TLS everything is served, health included.
        given().relaxedHTTPSValidation()
                .get(new URL(httpsRoot, "/q/health/live"))
                .then()
                .statusCode(200);
    }

    /** The status line and headers of a POST sent byte for byte, so no client normalises the path first. */
    private String rawPlainPost(String path) throws IOException {
        try (Socket s = new Socket(plainRoot.getHost(), plainRoot.getPort())) {
            s.setSoTimeout(10_000);
            byte[] body = REVIEW.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path
                            + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void tls12And13AreAccepted() throws Exception {
        assertThat(handshake("TLSv1.3")).isEqualTo("TLSv1.3");
        assertThat(handshake("TLSv1.2")).isEqualTo("TLSv1.2");
    }

    @Test
    void tls10And11AreRefusedWithAProtocolVersionAlert() throws Exception {
        // The JDK's own client refuses to offer TLS 1.0 and 1.1 (jdk.tls.disabledAlgorithms), so the
        // ClientHello is written by hand. The same bytes offering TLS 1.2 get a ServerHello: the hello is
        // well formed, and only its version is refused.
        assertThat(rawHello(0x0303)).isEqualTo("ServerHello 0x0303");
        assertThat(rawHello(0x0302)).as("TLS 1.1").isEqualTo("alert 70");
        assertThat(rawHello(0x0301)).as("TLS 1.0").isEqualTo("alert 70");
    }

    @Test
    void theListenerIsConfiguredForTls12And13Only() {
        // On this JDK TLS 1.0 and 1.1 are disabled anyway; the configured list is what keeps them off
        // under a java.security that enables them, and what keeps TLS 1.2 on (Quarkus's default is 1.3 alone).
        assertThat(tls.getDefault()).isPresent();
        assertThat(tls.getDefault().get().getSSLOptions().getEnabledSecureTransportProtocols())
                .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    }

    /** The protocol a JDK client offering only {@code protocol} ends up with. */
    private String handshake(String protocol) throws Exception {
        try (SSLSocket socket = (SSLSocket)
                TrustAll.sslContext().getSocketFactory().createSocket(httpsRoot.getHost(), httpsRoot.getPort())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    /**
     * Sends a ClientHello offering {@code version} (0x0301 TLS 1.0 ... 0x0303 TLS 1.2) with ECDHE-ECDSA
     * suites for the test's P-256 key, and says what came back: {@code ServerHello 0x0303},
     * {@code alert 70} (protocol_version), or {@code closed}.
     */
    private String rawHello(int version) throws IOException {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(hello);
        h.writeShort(version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        h.write(random);
        h.writeByte(0); // no session id
        int[] suites = {0xC02B, 0xC02C, 0xC023, 0xC009, 0xC00A, 0x00FF}; // ECDHE-ECDSA GCM, CBC-SHA256, CBC-SHA; SCSV
        h.writeShort(suites.length * 2);
        for (int suite : suites) {
            h.writeShort(suite);
        }
        h.writeByte(1);
        h.writeByte(0); // compression: null
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        DataOutputStream e = new DataOutputStream(extensions);
        e.writeShort(0x000a); // supported_groups: secp256r1
        e.writeShort(4);
        e.writeShort(2);
        e.writeShort(0x0017);
        e.writeShort(0x000b); // ec_point_formats: uncompressed
        e.writeShort(2);
        e.writeByte(1);
        e.writeByte(0);
        e.writeShort(0x000d); // signature_algorithms: ecdsa_secp256r1_sha256, ecdsa_sha1
        e.writeShort(6);
        e.writeShort(4);
        e.writeShort(0x0403);
        e.writeShort(0x0203);
        h.writeShort(extensions.size());
        h.write(extensions.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        DataOutputStream r = new DataOutputStream(record);
        r.writeByte(0x16); // handshake
        r.writeShort(0x0301);
        r.writeShort(hello.size() + 4);
        r.writeByte(1); // client_hello
        r.writeByte(0);
        r.writeShort(hello.size());
        r.write(hello.toByteArray());

        try (Socket s = new Socket(httpsRoot.getHost(), httpsRoot.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(record.toByteArray());
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            DataInputStream d = new DataInputStream(in);
            try {
                int type = d.readUnsignedByte();
                d.readUnsignedShort(); // record version
                d.readUnsignedShort(); // length
                if (type == 0x15) {
                    d.readUnsignedByte(); // level
                    return "alert " + d.readUnsignedByte();
                }
                if (type == 0x16 && d.readUnsignedByte() == 2) {
                    d.readNBytes(3); // handshake length
                    return "ServerHello 0x" + String.format("%04x", d.readUnsignedShort());
                }
                return "record type " + type;
            } catch (EOFException | java.net.SocketException closed) {
                return "closed";
            }
        }
    }
}
