package io.dnsprobe.server;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts core/v1 Events as {@code kubectl describe} shows them, for the operator (on DnsProbes) and the
 * audit (on workloads). One Event per call, count 1: the callers post once per change, not per round.
 */
public final class EventPoster {
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final String component;
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());

    public EventPoster(KubernetesClient client, String component) {
        this.client = client;
        this.component = component;
    }

    /** @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server refuses it */
    public void post(ObjectReference about, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        client.v1()
                .events()
                .inNamespace(about.getNamespace())
                .resource(new EventBuilder()
                        .withNewMetadata()
                        .withName(about.getName() + "." + Long.toHexString(sequence.incrementAndGet()))
                        .withNamespace(about.getNamespace())
                        .endMetadata()
                        .withInvolvedObject(about)
                        .withType(type)
                        .withReason(reason)
                        .withMessage(
                                message.length() > MAX_MESSAGE
                                        ? message.substring(0, MAX_MESSAGE - 3) + "..."
                                        : message)
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .withCount(1)
                        .withNewSource()
                        .withComponent(component)
                        .endSource()
                        .withReportingComponent(component)
                        .build())
                .create();
    }
}
