package io.dnsprobe.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps the webhook's certificates without cert-manager: a CA and a serving certificate for the
 * webhook Service in one Secret, the CA in the webhook configuration's caBundle, the serving pair in
 * files the HTTPS listener reads. Every replica runs it; the Secret's resourceVersion decides races, so
 * replicas starting together end with one CA.
 */
public final class WebhookCertificates {
    private static final Logger LOG = Logger.getLogger(WebhookCertificates.class);
    private static final int MAX_CONFLICTS = 5;

    /**
     * @param dir where tls.crt and tls.key are written for the HTTPS listener
     * @param validity of the serving certificate; the CA lives ten times as long
     */
    public record Settings(
            String namespace,
            String secretName,
            String serviceName,
            String webhookConfiguration,
            Path dir,
            Duration validity,
            Duration renewBefore) {

        public List<String> dnsNames() {
            return List.of(
                    serviceName + "." + namespace + ".svc", serviceName + "." + namespace + ".svc.cluster.local");
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Clock clock;

    public WebhookCertificates(KubernetesClient client, Settings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Makes sure a valid certificate is in the Secret, the files and the caBundle.
     *
     * @return true when the files changed (the listener should reload)
     */
    public boolean ensure() {
        TlsMaterial material = secretMaterial();
        boolean filesChanged = writeFiles(material);
        patchCaBundle(material.caCert());
        return filesChanged;
    }

    private TlsMaterial secretMaterial() {
        for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
            Secret secret = client.secrets()
                    .inNamespace(settings.namespace())
                    .withName(settings.secretName())
                    .get();
            Optional<TlsMaterial> current =
                    secret == null ? Optional.empty() : TlsMaterial.fromData(decode(secret.getData()));
            if (current.isPresent()
                    && current.get()
                            .problems(settings.dnsNames(), clock.instant(), settings.renewBefore())
                            .isEmpty()) {
                return current.get();
            }
            TlsMaterial next = issue(current);
            try {
                if (secret == null) {
                    client.resource(new SecretBuilder()
                                    .withNewMetadata()
                                    .withName(settings.secretName())
                                    .withNamespace(settings.namespace())
                                    .addToLabels("app.kubernetes.io/part-of", "dnsprobe")
                                    .endMetadata()
                                    .withType("kubernetes.io/tls")
                                    .withData(encode(next.toData()))
                                    .build())
                            .create();
                    LOG.infof("created webhook certificate Secret %s/%s", settings.namespace(), settings.secretName());
                } else {
                    secret.setData(encode(next.toData()));
                    client.resource(secret)
                            .update(); // carries the resourceVersion read above: a concurrent writer wins
                    LOG.infof(
                            "renewed the webhook certificate in %s/%s (%s)",
                            settings.namespace(),
                            settings.secretName(),
                            current.map(c -> String.join(
                                            "; ",
                                            c.problems(settings.dnsNames(), clock.instant(), settings.renewBefore())))
                                    .orElse("unreadable"));
                }
                return next;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Another replica wrote first: read what it wrote and use that.
            }
        }
        throw new IllegalStateException("the webhook certificate Secret kept changing under us");
    }

    private TlsMaterial issue(Optional<TlsMaterial> current) {
        var now = clock.instant().minus(Duration.ofMinutes(5)); // tolerate clock skew between nodes
        Certificates.Issued ca;
        if (current.isPresent() && current.get().caUsable(clock.instant(), settings.renewBefore())) {
            ca = new Certificates.Issued(
                    Certificates.parseCertificate(current.get().caCert()),
                    Certificates.parseKey(current.get().caKey()));
        } else {
            ca = Certificates.newCa(
                    "dnsprobe webhook CA", now, settings.validity().multipliedBy(10));
        }
        Certificates.Issued serving = Certificates.newServing(ca, settings.dnsNames(), now, settings.validity());
        return new TlsMaterial(ca.certificatePem(), ca.keyPem(), serving.certificatePem(), serving.keyPem());
    }

    private boolean writeFiles(TlsMaterial m) {
        try {
            Files.createDirectories(settings.dir());
            boolean changed = write(settings.dir().resolve(TlsMaterial.KEY), m.key());
            changed |= write(settings.dir().resolve(TlsMaterial.CERT), m.cert());
            return changed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the webhook certificate to " + settings.dir(), e);
        }
    }

    private static boolean write(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(content)) {
            return false;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private void patchCaBundle(String caPem) {
        String bundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
        for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
            ValidatingWebhookConfiguration vwc = client.admissionRegistration()
                    .v1()
                    .validatingWebhookConfigurations()
                    .withName(settings.webhookConfiguration())
                    .get();
            if (vwc == null) {
                LOG.warnf(
                        "ValidatingWebhookConfiguration %s not found: the API server cannot verify the webhook yet",
                        settings.webhookConfiguration());
                return;
            }
            boolean current = vwc.getWebhooks().stream()
                    .allMatch(w -> w.getClientConfig() != null
                            && Objects.equals(bundle, w.getClientConfig().getCaBundle()));
            if (current) {
                return;
            }
            try {
                client.admissionRegistration()
                        .v1()
                        .validatingWebhookConfigurations()
                        .withName(settings.webhookConfiguration())
                        .edit(v -> {
                            for (ValidatingWebhook w : v.getWebhooks()) {
                                w.getClientConfig().setCaBundle(bundle);
                            }
                            return v;
                        });
                LOG.infof("wrote the webhook CA into %s", settings.webhookConfiguration());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Another replica (or kubectl) changed it meanwhile: look again.
            }
        }
        throw new IllegalStateException("the webhook configuration kept changing under us");
    }

    private static Map<String, String> decode(Map<String, String> data) {
        Map<String, String> out = new LinkedHashMap<>();
        if (data != null) {
            data.forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static Map<String, String> encode(Map<String, String> data) {
        Map<String, String> out = new LinkedHashMap<>();
        data.forEach((k, v) -> out.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return out;
    }
}
