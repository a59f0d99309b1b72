package io.dnsprobe.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Values kept for a while, then made again; at most {@code maxEntries}. When full of live entries it
 * drops the half that would expire soonest: reviews of workloads with thousands of generated names
 * must not grow the operator's memory without bound.
 */
final class TtlCache<K, V> {
    private record Entry<V>(V value, long expires) {}

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Duration ttl;
    private final LongSupplier nanoClock;

    TtlCache(int maxEntries, Duration ttl, LongSupplier nanoClock) {
        if (maxEntries < 2) {
            throw new IllegalArgumentException("maxEntries must be at least 2");
        }
        this.maxEntries = maxEntries;
        this.ttl = ttl;
        this.nanoClock = nanoClock;
    }

    /** The live value for {@code key}, or a new one from {@code make} (called at most once per miss here). */
    V get(K key, Supplier<V> make) {
        long now = nanoClock.getAsLong();
        Entry<V> e = entries.get(key);
        if (e == null || e.expires() - now < 0) {
            if (entries.size() >= maxEntries) {
                evict(now);
            }
            e = new Entry<>(make.get(), now + ttl.toNanos());
            entries.put(key, e);
        }
        return e.value();
    }

    /** The live value for {@code key}, or null: nothing is made. */
    V getIfLive(K key) {
        Entry<V> e = entries.get(key);
        return e == null || e.expires() - nanoClock.getAsLong() < 0 ? null : e.value();
    }

    int size() {
        return entries.size();
    }

    private synchronized void evict(long now) {
        entries.entrySet().removeIf(x -> x.getValue().expires() - now < 0);
        if (entries.size() < maxEntries) {
            return;
        }
        List<Map.Entry<K, Entry<V>>> live = new ArrayList<>(entries.entrySet());
        live.sort(Comparator.comparingLong(x -> x.getValue().expires() - now));
        for (Map.Entry<K, Entry<V>> x : live.subList(0, live.size() / 2)) {
            entries.remove(x.getKey(), x.getValue());
        }
    }
}
