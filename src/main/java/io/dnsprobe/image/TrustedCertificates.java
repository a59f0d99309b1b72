package io.dnsprobe.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for registries: the JDK's CAs plus extra PEM certificates (a private registry's CA). The
 * extra ones are added, never substituted: public registries keep working.
 */
public final class TrustedCertificates {
    /** A CA bundle (all of Mozilla's roots are about 220 KiB); more is no CA file. */
    static final int MAX_PEM_BYTES = 4 << 20;

    private TrustedCertificates() {}

    /** @param pemFiles files of one or more PEM certificates; empty gives the JDK's default context */
    public static SSLContext withExtraCas(List<Path> pemFiles) throws IOException {
        try {
            if (pemFiles.isEmpty()) {
                return SSLContext.getDefault();
            }
            List<X509Certificate> extra = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Path p : pemFiles) {
                int before = extra.size();
                if (Files.isDirectory(p)) {
                    throw new IOException(p + ": is a directory");
                }
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] pem = in.readNBytes(MAX_PEM_BYTES + 1);
                    if (pem.length > MAX_PEM_BYTES) {
                        throw new IOException(p + ": larger than " + MAX_PEM_BYTES / 1024 + " KiB: not a CA file");
                    }
                    for (var c : cf.generateCertificates(new ByteArrayInputStream(pem))) {
                        extra.add((X509Certificate) c);
                    }
                } catch (CertificateException e) {
                    // The JDK's reason names its parser's classes ("java.io.IOException: Empty input").
                    throw new IOException(p + " holds no PEM certificate");
                } catch (NoSuchFileException e) {
                    throw new IOException(p + ": no such file");
                } catch (AccessDeniedException e) {
                    throw new IOException(p + ": permission denied");
                }
                if (extra.size() == before) {
                    throw new IOException(p + " holds no PEM certificate");
                }
            }
            X509TrustManager jdk = trustManager(null);
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < extra.size(); i++) {
                ks.setCertificateEntry("extra-" + i, extra.get(i));
            }
            X509TrustManager own = trustManager(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new Either(jdk, own)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return Arrays.stream(tmf.getTrustManagers())
                .filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast)
                .findFirst()
                .orElseThrow();
    }

    /** Trusts a chain either trust manager trusts. */
    private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(Arrays.asList(first.getAcceptedIssuers()));
            all.addAll(Arrays.asList(second.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }
}
