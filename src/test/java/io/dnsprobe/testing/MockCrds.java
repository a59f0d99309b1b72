package io.dnsprobe.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts both CRDs into the Quarkus tests' mock API server before the application starts
 * ({@code @WithKubernetesTestServer(crud = true, setup = MockCrds.class)}), each create retried a few times.
 *
 * <p>Why: the operator-SDK extension applies them once at start, and the mock server's Vert.x connections
 * sometimes close under the request while the informers open their watches ("Connection was closed", which
 * fabric8 does not retry: not an IOException). The CRD then stays missing, the operator cannot register its
 * controller and exits, and every test of the class fails. Seen only on a loaded machine; the application
 * still applies the CRDs as before (an update then).
 */
public final class MockCrds implements Consumer<KubernetesServer> {
    private static final List<String> FILES = List.of("crds/dnsprobes.dnsprobe.io-v1.yml", "crds/dnsreports.dnsprobe.io-v1.yml");
    private static final int ATTEMPTS = 5;

    @Override
    public void accept(KubernetesServer server) {
        KubernetesClient client = server.getClient();
        for (String file : FILES) {
            CustomResourceDefinition crd;
            try (FileInputStream in = new FileInputStream(file)) {
                crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    client.resource(crd).createOr(existing -> existing.update());
                    break;
                } catch (KubernetesClientException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                    sleep(200L * attempt);
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading CRDs", e);
        }
    }
}
