package io.dnsprobe.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What an informer says when its list or watch fails, and how often. */
class InformersTest {
    @Test
    void aFailureWithAnAnswerIsOneLineAndNoAnswerIsTheApiCheckToSay() {
        KubernetesClientException forbidden = new KubernetesClientException(new StatusBuilder()
                .withCode(403)
                .withMessage("configmaps is forbidden: User \"system:serviceaccount:dnsprobe:dnsprobe\" cannot list")
                .build());
        assertThat(Informers.line("webhook cache", "ConfigMap", new CompletionException(forbidden)))
                .isEqualTo("webhook cache: cannot list or watch ConfigMaps: HTTP 403: configmaps is forbidden: User "
                        + "\"system:serviceaccount:dnsprobe:dnsprobe\" cannot list; retrying");
        assertThat(Informers.line("audit", "Pod", new CompletionException(new ConnectException("Connection refused"))))
                .isNull();
        assertThat(Informers.line(
                        "audit",
                        "Pod",
                        new KubernetesClientException(
                                "Operation: [list] failed", new UnknownHostException("kubernetes.default.svc"))))
                .isNull();
        assertThat(Informers.line("audit", "Pod", new IllegalStateException("java.lang.IllegalStateException: odd")))
                .isEqualTo("audit: cannot list or watch Pods: odd; retrying");
    }

    @Test
    void aRetriedFailureIsSaidOnceAMinutePerKey() {
        AtomicLong now = new AtomicLong();
        LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1), now::get);
        assertThat(throttle.due("audit/Pod")).isTrue();
        assertThat(throttle.due("audit/Deployment")).as("another key").isTrue();
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(throttle.due("audit/Pod")).isFalse();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(throttle.due("audit/Pod")).isTrue();
        assertThat(throttle.due("audit/Pod")).isFalse();
        throttle.forget("audit/Pod");
        assertThat(throttle.due("audit/Pod")).as("a new failure after it ended").isTrue();
    }
}
