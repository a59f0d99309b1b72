package io.dnsprobe.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A throwaway self-signed pair written before Quarkus starts, so the HTTPS listener has something to
 * load; {@link WebhookCertificateService} replaces it with the issued certificate seconds later. The
 * API server never trusts it: the caBundle only ever holds the real CA.
 */
public final class BootstrapCertificate {
    private BootstrapCertificate() {}

    public static void writeIfAbsent(Path dir) throws IOException {
        Path cert = dir.resolve(TlsMaterial.CERT);
        Path key = dir.resolve(TlsMaterial.KEY);
        if (Files.exists(cert) && Files.exists(key)) {
            return;
        }
        Instant now = Instant.now();
        Certificates.Issued ca = Certificates.newCa("dnsprobe bootstrap", now, Duration.ofDays(1));
        Certificates.Issued pair = Certificates.newServing(ca, List.of("localhost"), now, Duration.ofDays(1));
        Files.createDirectories(dir);
        Files.writeString(key, pair.keyPem());
        Files.writeString(cert, pair.certificatePem());
    }
}
