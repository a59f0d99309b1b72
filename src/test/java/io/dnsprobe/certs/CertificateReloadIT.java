package io.dnsprobe.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.testing.TrustAll;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Operator-managed certificates end to end: the listener starts on the bootstrap certificate, the
 * operator issues the real one into a Secret, and the HTTPS port serves it without a restart; the
 * caBundle gets the CA that signed it.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = CertificateReloadIT.Managed.class, restrictToAnnotatedClass = true)
class CertificateReloadIT {
    static final Path DIR = Path.of("target", "test-managed-tls").toAbsolutePath();

    public static class Managed implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                if (Files.exists(DIR)) {
                    try (var files = Files.list(DIR)) {
                        for (Path f : files.toList()) {
                            Files.delete(f);
                        }
                    }
                }
                BootstrapCertificate.writeIfAbsent(DIR);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    "dnsprobe.webhook.tls.managed",
                    "true",
                    "dnsprobe.webhook.tls.dir",
                    DIR.toString(),
                    "dnsprobe.webhook.tls.namespace",
                    "dnsprobe-system",
                    "dnsprobe.webhook.tls.check-interval",
                    "1s",
                    "quarkus.tls.key-store.pem.0.cert",
                    DIR.resolve("tls.crt").toString(),
                    "quarkus.tls.key-store.pem.0.key",
                    DIR.resolve("tls.key").toString(),
                    "quarkus.http.test-ssl-port",
                    "0");
        }

        @Override
        public void stop() {}
    }

    @Inject
    KubernetesClient client;

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @Test
    void theListenerServesTheIssuedCertificateAndTheCaBundleHoldsItsCa() throws Exception {
        client.resource(new ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName("dnsprobe-validating-webhook")
                        .endMetadata()
                        .addNewWebhook()
                        .withName("workloads.dnsprobe.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("dnsprobe-webhook")
                        .withNamespace("dnsprobe-system")
                        .endService()
                        .endClientConfig()
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .endWebhook()
                        .build())
                .create();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.secrets()
                                .inNamespace("dnsprobe-system")
                                .withName("dnsprobe-webhook-tls")
                                .get()
                        != null);
        Secret secret = client.secrets()
                .inNamespace("dnsprobe-system")
                .withName("dnsprobe-webhook-tls")
                .get();
        String caPem = decode(secret.getData().get("ca.crt"));
        String certPem = decode(secret.getData().get("tls.crt"));
        X509Certificate ca = Certificates.parseCertificate(caPem);

        // A handshake that arrives while the listener swaps certificates can be dropped: Vert.x 4.5 accepts it
        // before the new SSL context is ready and fails on it (NullPointerException in TCPServerBase, seen in a
        // CI run). Such a handshake is retried here, as a client would; the one after the swap must succeed.
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(SSLHandshakeException.class)
                .untilAsserted(() -> assertThat(served()).isEqualTo(Certificates.parseCertificate(certPem)));
        served().verify(ca.getPublicKey());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(decode(client.admissionRegistration()
                                .v1()
                                .validatingWebhookConfigurations()
                                .withName("dnsprobe-validating-webhook")
                                .get()
                                .getWebhooks()
                                .get(0)
                                .getClientConfig()
                                .getCaBundle()))
                        .isEqualTo(caPem));
    }

    private static String decode(String base64) {
        return base64 == null ? "" : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** The certificate the HTTPS port presents right now. */
    private X509Certificate served() throws Exception {
        try (SSLSocket socket =
                (SSLSocket) TrustAll.sslContext().getSocketFactory().createSocket(https.getHost(), https.getPort())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
