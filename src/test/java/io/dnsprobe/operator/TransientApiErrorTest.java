package io.dnsprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which refusals of a status write are retried without an error status ({@link DnsProbeReconciler#transientApiError}). */
class TransientApiErrorTest {

    private static KubernetesClientException code(int code) {
        return new KubernetesClientException(
                new StatusBuilder().withCode(code).withMessage("HTTP " + code).build());
    }

    @Test
    void conflictsThrottlingServerErrorsAndLostConnectionsPass() {
        assertThat(DnsProbeReconciler.transientApiError(code(409))).isTrue();
        assertThat(DnsProbeReconciler.transientApiError(code(429))).isTrue();
        assertThat(DnsProbeReconciler.transientApiError(code(503))).isTrue();
        assertThat(DnsProbeReconciler.transientApiError(new KubernetesClientException(
                        "An error has occurred.", new ConnectException("Connection refused"))))
                .isTrue();
        // The connection closed under the request (the Vert.x client says so with an HttpClosedException).
        assertThat(DnsProbeReconciler.transientApiError(new KubernetesClientException(
                        "Connection was closed", new HttpClosedException("Connection was closed"))))
                .isTrue();
        // As JOSDK hands it over: wrapped.
        assertThat(DnsProbeReconciler.transientApiError(new RuntimeException(code(409))))
                .isTrue();
    }

    @Test
    void otherRefusalsAndBugsAreErrors() {
        assertThat(DnsProbeReconciler.transientApiError(code(403))).isFalse();
        assertThat(DnsProbeReconciler.transientApiError(code(422))).isFalse();
        assertThat(DnsProbeReconciler.transientApiError(new KubernetesClientException("no code, no I/O")))
                .isFalse();
        assertThat(DnsProbeReconciler.transientApiError(new IllegalStateException("a bug")))
                .isFalse();
    }
}
