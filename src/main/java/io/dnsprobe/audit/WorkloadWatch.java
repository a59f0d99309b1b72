package io.dnsprobe.audit;

import io.dnsprobe.server.Informers;
import io.dnsprobe.server.StrippedStore;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadParser;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

        /** The digests the Pods of this workload run have changed (a rollout, a Pod gone). */
        void runningChanged(String workloadUid);
    }

    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final RunningDigests running;

    WorkloadWatch(RunningDigests running) {
        this.running = running;
    }

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
            track(obj, listener);
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
                String uid = obj.getMetadata().getUid();
                if (obj instanceof Pod) {
                    String workload = running.workloadOf(uid);
                    if (running.podGone(uid) && workload != null) {
                        listener.runningChanged(workload);
                    }
                } else if (obj instanceof ReplicaSet || obj instanceof Job) {
                    running.ownerGone(uid);
                }
                listener.gone(uid);
            }
        });
        informers.add(informer);
    }

    /** What Pods run, and which controller owns each ReplicaSet and Job: the digests the audit judges. */
    private void track(HasMetadata obj, Listener listener) {
        String uid = obj.getMetadata().getUid();
        if (obj instanceof Pod pod) {
            Map<String, String> ids = new HashMap<>();
            if (pod.getStatus() != null) {
                for (List<ContainerStatus> statuses : Arrays.asList(
                        pod.getStatus().getContainerStatuses(), pod.getStatus().getInitContainerStatuses())) {
                    if (statuses != null) {
                        statuses.forEach(c -> ids.put(c.getName(), c.getImageID()));
                    }
                }
            }
            if (running.pod(uid, controller(obj.getMetadata()), ids)) {
                listener.runningChanged(running.workloadOf(uid));
            }
        } else if (obj instanceof ReplicaSet || obj instanceof Job) {
            running.owner(uid, controller(obj.getMetadata()));
        }
    }

    private static String controller(ObjectMeta meta) {
        return meta.getOwnerReferences() == null
                ? null
                : meta.getOwnerReferences().stream()
                        .filter(o -> Boolean.TRUE.equals(o.getController()))
                        .map(OwnerReference::getUid)
                        .findFirst()
                        .orElse(null);
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
        Optional<Workload> parsed =
                WorkloadParser.parse(Serialization.jsonMapper().valueToTree(obj));
        return parsed.map(w -> new AuditedWorkload(
                obj.getApiVersion(),
                obj.getKind(),
                obj.getMetadata().getNamespace(),
                obj.getMetadata().getName(),
                obj.getMetadata().getUid(),
                w));
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
            copy.setMetadata(new ObjectMetaBuilder()
                    .withName(m.getName())
                    .withNamespace(m.getNamespace())
                    .withUid(m.getUid())
                    .withResourceVersion(m.getResourceVersion())
                    .withOwnerReferences(
                            m.getOwnerReferences() == null
                                    ? null
                                    : m.getOwnerReferences().stream()
                                            .map(o -> new OwnerReference(
                                                    o.getApiVersion(),
                                                    null,
                                                    o.getController(),
                                                    o.getKind(),
                                                    o.getName(),
                                                    o.getUid()))
                                            .toList())
                    .build());
            return copy;
        } catch (ReflectiveOperationException e) {
            return obj;
        }
    }
}
