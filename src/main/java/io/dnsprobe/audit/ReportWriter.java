package io.dnsprobe.audit;

import io.dnsprobe.api.DnsReport;
import io.dnsprobe.api.DnsReportSpec;
import io.dnsprobe.api.DnsReportStatus;
import io.dnsprobe.server.EventPoster;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes what the audit found where people look: the DnsReport (owned by its workload, so the garbage
 * collector removes it with the workload) and Events on the workload itself.
 */
final class ReportWriter {
    static final String COMPONENT = "dnsprobe-audit";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private final KubernetesClient client;
    private final EventPoster events;

    ReportWriter(KubernetesClient client) {
        this.client = client;
        this.events = new EventPoster(client, COMPONENT);
    }

    /** Creates or updates the report; its status is patched only when it differs from what is there. */
    void write(AuditedWorkload w, DnsReportStatus status) {
        DnsReport wanted = new DnsReport(
                w.namespace(),
                w.reportName(),
                new DnsReportSpec(new DnsReportSpec.WorkloadRef(w.kind(), w.name(), w.uid())));
        wanted.getMetadata().setLabels(Map.of(MANAGED_BY, "dnsprobe"));
        wanted.getMetadata().setOwnerReferences(List.of(owner(w)));
        DnsReport current = client.resources(DnsReport.class)
                .inNamespace(w.namespace())
                .withName(w.reportName())
                .get();
        if (current == null) {
            current = client.resource(wanted).create();
        } else if (!Objects.equals(current.getSpec(), wanted.getSpec())
                || !Objects.equals(
                        current.getMetadata().getOwnerReferences(),
                        wanted.getMetadata().getOwnerReferences())) {
            current.setSpec(wanted.getSpec());
            current.getMetadata().setOwnerReferences(wanted.getMetadata().getOwnerReferences());
            current = client.resource(current).update(); // the workload was recreated under the same name
        }
        if (!status.equals(current.getStatus())) {
            current.setStatus(status);
            client.resource(current).patchStatus();
        }
    }

    void delete(String namespace, String reportName) {
        client.resources(DnsReport.class)
                .inNamespace(namespace)
                .withName(reportName)
                .delete();
    }

    /** Controller owner, not blocking the owner's deletion (that would need update on the workloads' finalizers). */
    static OwnerReference owner(AuditedWorkload w) {
        return new OwnerReferenceBuilder()
                .withApiVersion(w.apiVersion())
                .withKind(w.kind())
                .withName(w.name())
                .withUid(w.uid())
                .withController(true)
                .withBlockOwnerDeletion(false)
                .build();
    }

    /** A core/v1 Event on the workload, as {@code kubectl describe deployment} shows it. */
    void event(AuditedWorkload w, String type, String reason, String message) {
        events.post(
                new ObjectReferenceBuilder()
                        .withApiVersion(w.apiVersion())
                        .withKind(w.kind())
                        .withName(w.name())
                        .withNamespace(w.namespace())
                        .withUid(w.uid())
                        .build(),
                type,
                reason,
                message);
    }
}
