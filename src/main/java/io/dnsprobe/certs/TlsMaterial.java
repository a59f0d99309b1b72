package io.dnsprobe.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook's CA and serving certificate as PEM, the way they sit in the Secret
 * ({@code ca.crt}, {@code ca.key}, {@code tls.crt}, {@code tls.key}).
 */
public record TlsMaterial(String caCert, String caKey, String cert, String key) {
    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String CERT = "tls.crt";
    public static final String KEY = "tls.key";

    public static Optional<TlsMaterial> fromData(Map<String, String> decoded) {
        if (decoded == null || !decoded.keySet().containsAll(List.of(CA_CERT, CA_KEY, CERT, KEY))) {
            return Optional.empty();
        }
        return Optional.of(
                new TlsMaterial(decoded.get(CA_CERT), decoded.get(CA_KEY), decoded.get(CERT), decoded.get(KEY)));
    }

    public Map<String, String> toData() {
        return Map.of(CA_CERT, caCert, CA_KEY, caKey, CERT, cert, KEY, key);
    }

    /** True when the CA can still sign for longer than {@code renewBefore}. */
    public boolean caUsable(Instant now, Duration renewBefore) {
        try {
            X509Certificate ca = Certificates.parseCertificate(caCert);
            Certificates.parseKey(caKey);
            return ca.getNotAfter().toInstant().isAfter(now.plus(renewBefore).plus(renewBefore));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Every reason the serving certificate must be replaced; empty when it can be reused. */
    public List<String> problems(List<String> dnsNames, Instant now, Duration renewBefore) {
        List<String> problems = new ArrayList<>();
        try {
            X509Certificate ca = Certificates.parseCertificate(caCert);
            X509Certificate serving = Certificates.parseCertificate(cert);
            Certificates.parseKey(key);
            if (!serving.getNotAfter().toInstant().isAfter(now.plus(renewBefore))) {
                problems.add(
                        "serving certificate expires " + serving.getNotAfter().toInstant());
            }
            try {
                serving.verify(ca.getPublicKey());
            } catch (GeneralSecurityException e) {
                problems.add("serving certificate is not signed by the CA");
            }
            List<String> sans = sans(serving);
            if (!sans.containsAll(dnsNames)) {
                problems.add("serving certificate names " + sans + ", not " + dnsNames);
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    static List<String> sans(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    if (Integer.valueOf(2).equals(n.get(0))) {
                        out.add(String.valueOf(n.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        return out;
    }
}
