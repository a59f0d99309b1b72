package io.dnsprobe.server;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.workload.NameExtractor;
import io.dnsprobe.workload.NameVerdicts;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Informer caches the webhook reads without calling the API server during a review: DnsProbe
 * statuses (verdicts), ConfigMaps (names referenced through configMapKeyRef and envFrom) and
 * Namespaces (the enforce label). Every replica keeps them, leader or not: every replica serves reviews.
 */
@ApplicationScoped
public class ClusterState implements NameExtractor.ConfigMaps {
    public static final String ENFORCE_LABEL = "dnsprobe.io/enforce";

    @Inject
    KubernetesClient client;

    private SharedIndexInformer<DnsProbe> probes;
    private SharedIndexInformer<ConfigMap> configMaps;
    private SharedIndexInformer<Namespace> namespaces;
    private final List<BiConsumer<String, String>> configMapListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> namespaceListeners = new CopyOnWriteArrayList<>();

    void start(@Observes StartupEvent event) {
        // Started without waiting for the first list: a review before the caches sync just knows less.
        probes = client.resources(DnsProbe.class).inAnyNamespace().runnableInformer(0);
        configMaps = client.configMaps().inAnyNamespace().runnableInformer(0);
        namespaces = client.namespaces().runnableInformer(0);
        configMaps.addEventHandler(handler(cm -> configMapListeners.forEach(
                l -> l.accept(cm.getMetadata().getNamespace(), cm.getMetadata().getName()))));
        namespaces.addEventHandler(handler(
                ns -> namespaceListeners.forEach(l -> l.accept(ns.getMetadata().getName()))));
        Informers.start("webhook cache", List.of(probes, configMaps, namespaces));
    }

    void stop(@Observes ShutdownEvent event) {
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] {probes, configMaps, namespaces}) {
            if (informer != null) {
                informer.stop();
            }
        }
    }

    /** Calls {@code listener} with namespace and name whenever a ConfigMap is added, changed or deleted. */
    public void onConfigMapChange(BiConsumer<String, String> listener) {
        configMapListeners.add(listener);
    }

    /** Calls {@code listener} with the name whenever a namespace is added, changed (its labels) or deleted. */
    public void onNamespaceChange(Consumer<String> listener) {
        namespaceListeners.add(listener);
    }

    /** Whether the namespace carries {@code label}, written key=value. */
    public boolean hasLabel(String namespace, String label) {
        if (namespaces == null) {
            return false;
        }
        int eq = label.indexOf('=');
        String key = eq < 0 ? label : label.substring(0, eq);
        String value = eq < 0 ? null : label.substring(eq + 1);
        Namespace ns = namespaces.getStore().getByKey(namespace);
        Map<String, String> labels = ns == null ? null : ns.getMetadata().getLabels();
        return labels != null && labels.containsKey(key) && (value == null || value.equals(labels.get(key)));
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> changed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed.accept(obj);
            }

            @Override
            public void onUpdate(T old, T obj) {
                changed.accept(obj);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                changed.accept(obj);
            }
        };
    }

    @Override
    public Optional<Map<String, String>> get(String namespace, String name) {
        if (configMaps == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(configMaps.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)))
                .map(ConfigMap::getData);
    }

    public boolean enforced(String namespace) {
        if (namespaces == null) {
            return false;
        }
        Namespace ns = namespaces.getStore().getByKey(namespace);
        return ns != null
                && ns.getMetadata().getLabels() != null
                && "true".equals(ns.getMetadata().getLabels().get(ENFORCE_LABEL));
    }

    /** The verdicts DnsProbes in {@code namespace} hold for {@code name}, as written in their spec. */
    public Optional<NameVerdicts> fromStatuses(String namespace, String name) {
        if (probes == null) {
            return Optional.empty();
        }
        List<NameResult> results = new ArrayList<>();
        String source = null;
        // The informer's namespace index: a review looks up ~100 names, the cluster may hold thousands of DnsProbes.
        for (DnsProbe p : probes.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            if (p.getStatus() == null || p.getStatus().results() == null) {
                continue;
            }
            for (NameResult r : p.getStatus().results()) {
                if (r.name().equalsIgnoreCase(name) && r.verdicts() != null) {
                    results.add(r);
                    source = "dnsprobe/" + p.getMetadata().getName();
                }
            }
        }
        return results.isEmpty() ? Optional.empty() : Optional.of(NameVerdicts.fromStatus(name, results, source));
    }
}
