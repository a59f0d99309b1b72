package io.dnsprobe.operator;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.server.EventPoster;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Posts core/v1 Events on a DnsProbe, as {@code kubectl describe} shows them. Never fails a reconciliation. */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final String COMPONENT = "dnsprobe-operator";

    @Inject
    KubernetesClient client;

    private EventPoster poster;

    public void record(DnsProbe resource, VerdictEvents.EventSpec event) {
        String ns = resource.getMetadata().getNamespace();
        try {
            poster().post(
                            new ObjectReferenceBuilder()
                                    .withApiVersion(resource.getApiVersion())
                                    .withKind(resource.getKind())
                                    .withName(resource.getMetadata().getName())
                                    .withNamespace(ns)
                                    .withUid(resource.getMetadata().getUid())
                                    .withResourceVersion(resource.getMetadata().getResourceVersion())
                                    .build(),
                            event.type(),
                            event.reason().name(),
                            event.message());
        } catch (KubernetesClientException e) {
            LOG.warnf(
                    "could not record event %s on %s/%s: %s",
                    event.reason(), ns, resource.getMetadata().getName(), e.getMessage());
        }
    }

    private synchronized EventPoster poster() {
        if (poster == null) {
            poster = new EventPoster(client, COMPONENT);
        }
        return poster;
    }
}
