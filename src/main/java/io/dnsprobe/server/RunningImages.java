package io.dnsprobe.server;

import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.Platform;
import io.dnsprobe.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warms the image cache with what already runs: every Pod's {@code status.containerStatuses[].imageID}
 * (the digest it was pulled at) is read in the background, at lower priority than reviews, and the tag
 * it was pulled by is remembered to point at that digest. A redeploy or scale-up of a running app then
 * finds its image cached. Every replica does this: each serves reviews from its own cache. The platform
 * is the node's ({@code kubernetes.io/arch}), when the Pod is scheduled.
 */
@ApplicationScoped
public class RunningImages {
    private static final int MAX_SEEN = 50_000;

    @Inject
    KubernetesClient client;

    @Inject
    ImageService images;

    @Inject
    DnsprobeConfig config;

    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    void start(@Observes StartupEvent event) {
        if (!config.image().enabled() || !config.image().warmFromPods()) {
            return;
        }
        nodes = client.nodes().runnableInformer(0).itemStore(new StrippedStore<>(RunningImages::stripNode));
        pods = client.pods()
                .inAnyNamespace()
                .runnableInformer(0)
                .itemStore(new StrippedStore<>(RunningImages::stripPod));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                warm(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                warm(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                // Nothing to undo: cached images expire on their own.
            }
        });
        // A Pod can arrive before its Node (two informers, no order between them): warming it then would read
        // the default platform's image and mark it seen. Such a Pod waits, and its Node's arrival warms it.
        nodes.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                String name = node.getMetadata().getName();
                pods.getStore().list().stream()
                        .filter(p ->
                                p.getSpec() != null && name.equals(p.getSpec().getNodeName()))
                        .forEach(RunningImages.this::warm);
            }

            @Override
            public void onUpdate(Node old, Node node) {
                // Labels of a running node do not change what its Pods already run.
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                // Nothing to undo.
            }
        });
        Informers.start("image cache warming", List.of(nodes, pods));
    }

    void stop(@Observes ShutdownEvent event) {
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] {pods, nodes}) {
            if (informer != null) {
                informer.stop();
            }
        }
    }

    void warm(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return;
        }
        if (nodeNotSeenYet(pod)) {
            return; // the Node's event warms it
        }
        Platform platform = platform(pod);
        Workload.Pull pull = pull(pod);
        List<ContainerStatus> statuses = new ArrayList<>(pod.getStatus().getContainerStatuses());
        if (pod.getStatus().getInitContainerStatuses() != null) {
            statuses.addAll(pod.getStatus().getInitContainerStatuses());
        }
        for (ContainerStatus s : statuses) {
            Optional<ImageRef> pinned = pinned(s.getImageID());
            if (pinned.isEmpty()) {
                continue;
            }
            String specImage = specImage(pod, s.getName()).orElse(s.getImage());
            if (specImage != null) {
                ImageRef tagged = ImageRef.parse(specImage);
                if (tagged.digest() == null) {
                    images.learnDigest(tagged, pinned.get().digest(), platform);
                }
            }
            String key = pinned.get().digest() + "|" + platform;
            if (seen.size() > MAX_SEEN) {
                seen.clear();
            }
            if (seen.add(key)) {
                images.inspect(
                        pinned.get(),
                        platform,
                        pod.getMetadata().getNamespace(),
                        pull,
                        ImageInspector.Priority.BACKGROUND);
            }
        }
    }

    /** {@code docker-pullable://registry/repo@sha256:...} or {@code registry/repo@sha256:...}; a bare image ID is not a pull reference. */
    static Optional<ImageRef> pinned(String imageId) {
        if (imageId == null || !imageId.contains("@sha256:")) {
            return Optional.empty();
        }
        String id = imageId.replaceFirst("^[a-z-]+://", "");
        ImageRef ref = ImageRef.parse(id);
        return ref.problems().isEmpty() ? Optional.of(ref) : Optional.empty();
    }

    private static Optional<String> specImage(Pod pod, String container) {
        List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        return all.stream()
                .filter(c -> container.equals(c.getName()))
                .map(Container::getImage)
                .findFirst();
    }

    /**
     * A Pod on a node the Node informer has not delivered yet. Only while that informer watches: without
     * it (no RBAC for nodes, an outage) Pods are warmed at once for the platform their own selector says.
     */
    private boolean nodeNotSeenYet(Pod pod) {
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return nodeName != null
                && nodes != null
                && nodes.isWatching()
                && nodes.getStore().getByKey(nodeName) == null;
    }

    private Platform platform(Pod pod) {
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (nodeName != null && nodes != null) {
            Node node = nodes.getStore().getByKey(nodeName);
            Map<String, String> labels =
                    node == null ? null : node.getMetadata().getLabels();
            if (labels != null && labels.containsKey("kubernetes.io/arch")) {
                try {
                    return Platform.parse(
                            labels.getOrDefault("kubernetes.io/os", "linux") + "/" + labels.get("kubernetes.io/arch"));
                } catch (IllegalArgumentException e) {
                    // fall through to the pod's own selector
                }
            }
        }
        return images.platformFor(pull(pod));
    }

    private static Workload.Pull pull(Pod pod) {
        List<String> secrets = pod.getSpec().getImagePullSecrets() == null
                ? List.of()
                : pod.getSpec().getImagePullSecrets().stream()
                        .map(LocalObjectReference::getName)
                        .toList();
        return new Workload.Pull(
                secrets,
                pod.getSpec().getServiceAccountName(),
                pod.getSpec().getNodeSelector() == null
                        ? Map.of()
                        : pod.getSpec().getNodeSelector());
    }

    /** What warming reads of a Pod: names, containers' names and images, pull settings, and the statuses' images. */
    static Pod stripPod(Pod p) {
        List<Container> containers =
                p.getSpec() == null ? List.of() : names(p.getSpec().getContainers());
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName(p.getMetadata().getName())
                .withNamespace(p.getMetadata().getNamespace())
                .withResourceVersion(p.getMetadata().getResourceVersion())
                .withUid(p.getMetadata().getUid())
                .endMetadata();
        if (p.getSpec() != null) {
            b.withNewSpec()
                    .withContainers(containers)
                    .withInitContainers(names(p.getSpec().getInitContainers()))
                    .withNodeName(p.getSpec().getNodeName())
                    .withServiceAccountName(p.getSpec().getServiceAccountName())
                    .withImagePullSecrets(p.getSpec().getImagePullSecrets())
                    .withNodeSelector(p.getSpec().getNodeSelector())
                    .endSpec();
        }
        if (p.getStatus() != null) {
            b.withNewStatus()
                    .withContainerStatuses(strip(p.getStatus().getContainerStatuses()))
                    .withInitContainerStatuses(strip(p.getStatus().getInitContainerStatuses()))
                    .endStatus();
        }
        return b.build();
    }

    private static List<Container> names(List<Container> containers) {
        return containers == null
                ? List.of()
                : containers.stream()
                        .map(c -> new io.fabric8.kubernetes.api.model.ContainerBuilder()
                                .withName(c.getName())
                                .withImage(c.getImage())
                                .build())
                        .toList();
    }

    private static List<ContainerStatus> strip(List<ContainerStatus> statuses) {
        if (statuses == null) {
            return null;
        }
        return statuses.stream()
                .map(s -> {
                    ContainerStatus c = new ContainerStatus();
                    c.setName(s.getName());
                    c.setImage(s.getImage());
                    c.setImageID(s.getImageID());
                    return c;
                })
                .toList();
    }

    static Node stripNode(Node n) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(n.getMetadata().getName())
                .withResourceVersion(n.getMetadata().getResourceVersion())
                .withLabels(n.getMetadata().getLabels())
                .endMetadata()
                .build();
    }
}
