package io.dnsprobe.audit;

import io.dnsprobe.server.Informers;
import io.dnsprobe.server.StrippedStore;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Watches the kinds the audit judges: Deployments, StatefulSets, DaemonSets, CronJobs, and the Jobs,
 * ReplicaSets and Pods no controller owns (those a controller made are judged through their owner).
 * The informers keep each object's metadata only; the pod template is parsed on every event and handed
 * on, so a cluster's workloads cost their parsed templates, not their full objects.
 */
final class WorkloadWatch {
    /** Kinds judged only when no controller owns them. */
    private static final Set<String> OWNED_KINDS = Set.of("Job", "ReplicaSet", "Pod");

    interface Listener {
        void changed(AuditedWorkload workload);

        void gone(String uid);
    }

    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    void start(KubernetesClient client, Listener listener) {
        add(client.apps().deployments().inAnyNamespace().runnableInformer(0), listener);
        add(client.apps().statefulSets().inAnyNamespace().runnableInformer(0), listener);
        add(client.apps().daemonSets().inAnyNamespace().runnableInformer(0), listener);
        add(client.batch().v1().cronjobs().inAnyNamespace().runnableInformer(0), listener);
        add(client.batch().v1().jobs().inAnyNamespace().runnableInformer(0), listener);
        add(client.apps().replicaSets().inAnyNamespace().runnableInformer(0), listener);
        add(client.pods().inAnyNamespace().runnableInformer(0), listener);
        Informers.start("audit", informers);
    }

    void stop() {
        informers.forEach(SharedIndexInformer::stop);
    }

    private <T extends HasMetadata> void add(SharedIndexInformer<T> informer, Listener listener) {
        // Parsed as the store takes it: handlers may be handed the stored (stripped) copy, as they are for the
        // objects of the informer's first list.
        informer.itemStore(new StrippedStore<>(obj -> {
            seen(obj, listener);
            return metadataOnly(obj);
        }));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                // seen when stored
            }

            @Override
            public void onUpdate(T old, T obj) {
                // seen when stored
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                listener.gone(obj.getMetadata().getUid());
            }
        });
        informers.add(informer);
    }

    private static void seen(HasMetadata obj, Listener listener) {
        Optional<AuditedWorkload> w = parse(obj);
        if (w.isPresent()) {
            listener.changed(w.get());
        } else {
            listener.gone(obj.getMetadata().getUid()); // adopted by a controller since, or no longer parseable
        }
    }

    /** The workload as the audit judges it; empty for one a controller owns, or a kind without a pod template. */
    static Optional<AuditedWorkload> parse(HasMetadata obj) {
        if (OWNED_KINDS.contains(obj.getKind()) && controlled(obj.getMetadata())) {
            return Optional.empty();
        }
        Optional<Workload> parsed = WorkloadParser.parse(Serialization.jsonMapper().valueToTree(obj));
        return parsed.map(w -> new AuditedWorkload(obj.getApiVersion(), obj.getKind(), obj.getMetadata().getNamespace(),
                obj.getMetadata().getName(), obj.getMetadata().getUid(), w));
    }

    private static boolean controlled(ObjectMeta meta) {
        return meta.getOwnerReferences() != null
                && meta.getOwnerReferences().stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()));
    }

    /** What the informer keeps: enough to know the object is there, nothing of its spec or status. */
    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T metadataOnly(T obj) {
        try {
            T copy = (T) obj.getClass().getDeclaredConstructor().newInstance();
            ObjectMeta m = obj.getMetadata();
            copy.setMetadata(new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace())
                    .withUid(m.getUid()).withResourceVersion(m.getResourceVersion())
                    .withOwnerReferences(m.getOwnerReferences() == null ? null
                            : m.getOwnerReferences().stream().map(o -> new OwnerReference(o.getApiVersion(), null,
                                    o.getController(), o.getKind(), o.getName(), o.getUid())).toList())
                    .build());
            return copy;
        } catch (ReflectiveOperationException e) {
            return obj;
        }
    }
}
