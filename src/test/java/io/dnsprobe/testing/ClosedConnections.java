package io.dnsprobe.testing;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Reads of the Quarkus tests' mock API server, read again when the mock server's connection closed under the
 * request ("Connection was closed": seen on a loaded machine, and not retried by fabric8, which retries
 * IOExceptions only). For reads (GET, list) only: a write that may have been applied is not repeated blindly.
 */
public final class ClosedConnections {
    private static final int ATTEMPTS = 3;

    private ClosedConnections() {
    }

    public static <T> T read(Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (KubernetesClientException e) {
                if (attempt == ATTEMPTS || !isClosedConnection(e)) {
                    throw e;
                }
            }
        }
    }

    static boolean isClosedConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ("io.vertx.core.http.HttpClosedException".equals(t.getClass().getName())) {
                return true;
            }
        }
        return false;
    }
}
