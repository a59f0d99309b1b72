package io.dnsprobe.image;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Least-recently-used entries with a lifetime, bounded by count and by a weight (an estimate of bytes).
 * Synchronized: lookups are map reads, far cheaper than the registry round trips they save.
 */
final class BoundedCache<K, V> {
    private record Entry<V>(V value, long expires, long weight) {}

    private final LinkedHashMap<K, Entry<V>> map = new LinkedHashMap<>(16, 0.75f, true);
    private final int maxEntries;
    private final long maxWeight;
    private final Duration ttl;
    private final ToLongFunction<V> weigher;
    private final LongSupplier clock;
    private long weight;

    BoundedCache(int maxEntries, long maxWeight, Duration ttl, ToLongFunction<V> weigher, LongSupplier clock) {
        this.maxEntries = maxEntries;
        this.maxWeight = maxWeight;
        this.ttl = ttl;
        this.weigher = weigher;
        this.clock = clock;
    }

    synchronized V get(K key) {
        Entry<V> e = map.get(key);
        if (e == null) {
            return null;
        }
        if (e.expires - clock.getAsLong() <= 0) {
            map.remove(key);
            weight -= e.weight;
            return null;
        }
        return e.value;
    }

    synchronized void put(K key, V value) {
        put(key, value, ttl);
    }

    synchronized void put(K key, V value, Duration lifetime) {
        if (maxEntries <= 0) {
            return;
        }
        long w = weigher.applyAsLong(value);
        Entry<V> old = map.put(key, new Entry<>(value, clock.getAsLong() + lifetime.toNanos(), w));
        if (old != null) {
            weight -= old.weight;
        }
        weight += w;
        Iterator<Map.Entry<K, Entry<V>>> it = map.entrySet().iterator();
        while ((map.size() > maxEntries || weight > maxWeight) && it.hasNext()) {
            Map.Entry<K, Entry<V>> eldest = it.next();
            if (eldest.getKey().equals(key) && map.size() == 1) {
                break;
            }
            weight -= eldest.getValue().weight;
            it.remove();
        }
    }

    synchronized void remove(K key) {
        Entry<V> e = map.remove(key);
        if (e != null) {
            weight -= e.weight;
        }
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long weight() {
        return weight;
    }
}
