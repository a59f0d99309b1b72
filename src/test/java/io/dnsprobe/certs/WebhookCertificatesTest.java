package io.dnsprobe.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the fabric8 mock API server in CRUD mode. */
class WebhookCertificatesTest {
    private static final String NS = "dnsprobe-system";
    private KubernetesMockServer server;
    private NamespacedKubernetesClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
        client.resource(new ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName("dnsprobe-validating-webhook")
                        .endMetadata()
                        .addNewWebhook()
                        .withName("workloads.dnsprobe.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("dnsprobe-webhook")
                        .withNamespace(NS)
                        .withPath("/validate")
                        .endService()
                        .endClientConfig()
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .endWebhook()
                        .build())
                .create();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private WebhookCertificates certificates(Path files, Clock clock) {
        return new WebhookCertificates(
                client,
                new WebhookCertificates.Settings(
                        NS,
                        "dnsprobe-webhook-tls",
                        "dnsprobe-webhook",
                        "dnsprobe-validating-webhook",
                        files,
                        Duration.ofDays(365),
                        Duration.ofDays(30)),
                clock);
    }

    private TlsMaterial secret() {
        Secret s = client.secrets()
                .inNamespace(NS)
                .withName("dnsprobe-webhook-tls")
                .get();
        return TlsMaterial.fromData(s.getData().entrySet().stream()
                        .collect(Collectors.toMap(
                                e -> e.getKey(),
                                e -> new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8))))
                .orElseThrow();
    }

    @Test
    void createsTheSecretWritesTheFilesAndPatchesTheCaBundle() throws Exception {
        assertThat(certificates(dir, Clock.systemUTC()).ensure()).isTrue();
        TlsMaterial m = secret();
        assertThat(client.secrets()
                        .inNamespace(NS)
                        .withName("dnsprobe-webhook-tls")
                        .get()
                        .getType())
                .isEqualTo("kubernetes.io/tls");
        assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo(m.cert());
        assertThat(Files.readString(dir.resolve("tls.key"))).isEqualTo(m.key());
        String bundle = client.admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName("dnsprobe-validating-webhook")
                .get()
                .getWebhooks()
                .get(0)
                .getClientConfig()
                .getCaBundle();
        assertThat(new String(Base64.getDecoder().decode(bundle), StandardCharsets.UTF_8))
                .isEqualTo(m.caCert());
    }

    @Test
    void aValidCertificateIsReused() {
        certificates(dir, Clock.systemUTC()).ensure();
        TlsMaterial first = secret();
        assertThat(certificates(dir, Clock.systemUTC()).ensure())
                .as("nothing to reload")
                .isFalse();
        assertThat(secret()).isEqualTo(first);
    }

    @Test
    void anExpiringCertificateIsRenewedUnderTheSameCa() {
        Instant now = Instant.now();
        Certificates.Issued ca = Certificates.newCa("old CA", now.minus(Duration.ofDays(1)), Duration.ofDays(3650));
        Certificates.Issued expiring = Certificates.newServing(
                ca,
                List.of("dnsprobe-webhook.dnsprobe-system.svc", "dnsprobe-webhook.dnsprobe-system.svc.cluster.local"),
                now.minus(Duration.ofDays(360)),
                Duration.ofDays(365));
        TlsMaterial old =
                new TlsMaterial(ca.certificatePem(), ca.keyPem(), expiring.certificatePem(), expiring.keyPem());
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("dnsprobe-webhook-tls")
                        .withNamespace(NS)
                        .endMetadata()
                        .withData(old.toData().entrySet().stream()
                                .collect(Collectors.toMap(
                                        e -> e.getKey(),
                                        e -> Base64.getEncoder()
                                                .encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))))
                        .build())
                .create();
        assertThat(old.problems(List.of("dnsprobe-webhook.dnsprobe-system.svc"), now, Duration.ofDays(30)))
                .singleElement()
                .asString()
                .startsWith("serving certificate expires");

        assertThat(certificates(dir, Clock.systemUTC()).ensure()).isTrue();
        TlsMaterial renewed = secret();
        assertThat(renewed.cert()).isNotEqualTo(old.cert());
        assertThat(renewed.caCert())
                .as("the CA is kept: the caBundle need not change")
                .isEqualTo(old.caCert());
        assertThat(Certificates.parseCertificate(renewed.cert()).getNotAfter().toInstant())
                .isAfter(now.plus(Duration.ofDays(300)));
    }

    @Test
    void theServedCertificateVerifiesAgainstTheCaForTheServiceName() throws Exception {
        certificates(dir, Clock.systemUTC()).ensure();
        TlsMaterial m = secret();
        X509Certificate ca = Certificates.parseCertificate(m.caCert());
        X509Certificate served = Certificates.parseCertificate(Files.readString(dir.resolve("tls.crt")));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(served)), params);
        assertThat(TlsMaterial.sans(served)).contains("dnsprobe-webhook.dnsprobe-system.svc");
        assertThat(served.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void twoReplicasStartingTogetherEndWithOneCa(@TempDir Path other) {
        WebhookCertificates a = certificates(dir, Clock.systemUTC());
        WebhookCertificates b = certificates(other, Clock.systemUTC());
        CompletableFuture.allOf(CompletableFuture.runAsync(a::ensure), CompletableFuture.runAsync(b::ensure))
                .join();
        TlsMaterial stored = secret();
        for (Path files : List.of(dir, other)) {
            try {
                assertThat(Files.readString(files.resolve("tls.crt"))).isEqualTo(stored.cert());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
