package io.dnsprobe.operator;

import io.dnsprobe.api.DnsProbe;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** Posts core/v1 Events on a DnsProbe, as {@code kubectl describe} shows them. Never fails a reconciliation. */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final String COMPONENT = "dnsprobe-operator";
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());

    @Inject
    KubernetesClient client;

    public void record(DnsProbe resource, VerdictEvents.EventSpec event) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String ns = resource.getMetadata().getNamespace();
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(resource.getMetadata().getName() + "." + Long.toHexString(sequence.incrementAndGet()))
                    .withNamespace(ns)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(resource.getApiVersion())
                            .withKind(resource.getKind())
                            .withName(resource.getMetadata().getName())
                            .withNamespace(ns)
                            .withUid(resource.getMetadata().getUid())
                            .withResourceVersion(resource.getMetadata().getResourceVersion())
                            .build())
                    .withType(event.type())
                    .withReason(event.reason().name())
                    .withMessage(event.message().length() > 1024 ? event.message().substring(0, 1021) + "..." : event.message())
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record event %s on %s/%s: %s", event.reason(), ns, resource.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
