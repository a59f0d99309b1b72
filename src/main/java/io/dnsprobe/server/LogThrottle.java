package io.dnsprobe.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When to say again a failure that is being retried: at once the first time, then once per interval per key,
 * so an outage of an hour is sixty lines, not one per retry of every informer. The caller logs the line (one
 * line, no stack trace); this only keeps the time. Bounded: at most {@link #MAX_KEYS} keys are remembered.
 */
public final class LogThrottle {
    static final int MAX_KEYS = 1000;

    private final long everyNanos;
    private final LongSupplier nanos;
    private final Map<String, Long> lastSaid = new ConcurrentHashMap<>();

    public LogThrottle(Duration every, LongSupplier nanos) {
        this.everyNanos = every.toNanos();
        this.nanos = nanos;
    }

    /** Whether {@code key} is due to be said now; if so, now is when it was last said. */
    public boolean due(String key) {
        long now = nanos.getAsLong();
        Long last = lastSaid.get(key);
        if (last != null && now - last < everyNanos) {
            return false;
        }
        if (lastSaid.size() >= MAX_KEYS && last == null) {
            lastSaid.clear();
        }
        lastSaid.put(key, now);
        return true;
    }

    /** Forgets {@code key}: the failure ended, and the next one is said at once. */
    public void forget(String key) {
        lastSaid.remove(key);
    }
}
