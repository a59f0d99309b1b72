package io.dnsprobe.server;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * An informer store that keeps a reduced copy of each object: a cluster's Pods or Nodes in full (managed
 * fields, status conditions, volumes) cost far more heap than the few fields read here.
 */
public final class StrippedStore<T extends HasMetadata> extends BasicItemStore<T> {
    private final UnaryOperator<T> strip;

    public StrippedStore(UnaryOperator<T> strip) {
        super(Cache::metaNamespaceKeyFunc);
        this.strip = strip;
    }

    @Override
    public T put(String key, T obj) {
        return super.put(key, strip.apply(obj));
    }
}
