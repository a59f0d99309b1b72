package io.dnsprobe.audit;

import io.dnsprobe.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The digests a workload's Pods run, per container, from {@code status.containerStatuses[].imageID}: what the
 * audit judges, because a tag pushed again since does not change what runs. A Pod counts for the workload its
 * controller chain leads to (Pod, then ReplicaSet or Job, then Deployment or CronJob), as long as it exists;
 * a digest is kept while a Pod runs it and is gone with the last such Pod. Bounded by the Pods and owners the
 * audit's informers hold. Pure: fed by {@link WorkloadWatch}, read by {@link Auditor}.
 */
final class RunningDigests {
    /** One Pod: who controls it, and per container name the digest it runs. */
    private record PodImages(String owner, Map<String, String> digests) {}

    private final Map<String, PodImages> pods = new ConcurrentHashMap<>();
    /** ReplicaSet or Job uid to the uid of its controller (Deployment, CronJob). */
    private final Map<String, String> owners = new ConcurrentHashMap<>();

    /**
     * A Pod as its informer last saw it.
     *
     * @param owner its controller's uid, or null for a bare Pod
     * @param imageIds per container name, the {@code imageID} its status reports (null or a bare ID: not known)
     * @return whether the digests it runs changed
     */
    boolean pod(String uid, String owner, Map<String, String> imageIds) {
        Map<String, String> digests = new TreeMap<>();
        imageIds.forEach((container, id) -> digest(id).ifPresent(d -> digests.put(container, d)));
        PodImages now = new PodImages(owner, Map.copyOf(digests));
        return !now.equals(pods.put(uid, now));
    }

    /** @return whether the Pod ran an image the audit knew of */
    boolean podGone(String uid) {
        PodImages gone = pods.remove(uid);
        return gone != null && !gone.digests().isEmpty();
    }

    /** A ReplicaSet or Job and its controller (null when none). */
    void owner(String uid, String controller) {
        if (controller == null) {
            owners.remove(uid);
        } else {
            owners.put(uid, controller);
        }
    }

    void ownerGone(String uid) {
        owners.remove(uid);
    }

    /** The workload a Pod counts for: the top of its controller chain (at most two links: Pod, RS/Job, owner). */
    String workloadOf(String podUid) {
        PodImages p = pods.get(podUid);
        if (p == null) {
            return null;
        }
        if (p.owner() == null) {
            return podUid;
        }
        return owners.getOrDefault(p.owner(), p.owner());
    }

    /** Per container name, the digests the workload's Pods run now, sorted. */
    Map<String, Set<String>> of(String workloadUid) {
        Map<String, Set<String>> out = new TreeMap<>();
        pods.forEach((uid, p) -> {
            if (workloadUid.equals(workloadOf(uid))) {
                p.digests()
                        .forEach((container, d) -> out.computeIfAbsent(container, k -> new TreeSet<>())
                                .add(d));
            }
        });
        return out;
    }

    /**
     * The workload with each container's image pinned to the digests its Pods run: one container per digest
     * (a rollout runs two), the spec's repository and tag kept (so credentials, insecure-registry settings and
     * name rules still apply) with the running digest added. A container no Pod reports stays as the spec
     * says: its tag is resolved at the registry.
     */
    static Workload pin(Workload w, Map<String, Set<String>> running) {
        if (running.isEmpty()) {
            return w;
        }
        List<Workload.Container> containers = new ArrayList<>();
        for (Workload.Container c : w.containers()) {
            Set<String> digests = running.getOrDefault(c.name(), Set.of());
            if (digests.isEmpty() || alreadyPinned(c.image())) {
                containers.add(c);
                continue;
            }
            for (String d : digests) {
                containers.add(new Workload.Container(
                        c.name(), c.image() + "@" + d, c.init(), c.env(), c.envFrom(), c.command(), c.args()));
            }
        }
        return new Workload(w.kind(), w.namespace(), w.name(), w.annotations(), containers, w.dns(), w.pull());
    }

    private static boolean alreadyPinned(String image) {
        return image.contains("@");
    }

    /**
     * {@code sha256:...} from {@code docker-pullable://registry/repo@sha256:...} or {@code registry/repo@sha256:...};
     * empty for a bare image ID ({@code sha256:...} alone is the config's digest, not a pullable manifest).
     */
    static Optional<String> digest(String imageId) {
        if (imageId == null) {
            return Optional.empty();
        }
        int at = imageId.lastIndexOf("@sha256:");
        if (at <= 0) {
            return Optional.empty();
        }
        String d = imageId.substring(at + 1);
        return d.matches("sha256:[0-9a-f]{64}") ? Optional.of(d) : Optional.empty();
    }

    int pods() {
        return pods.size();
    }
}
