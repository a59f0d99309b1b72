package io.dnsprobe.webhook;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code perSecond} tokens a second, at most {@code capacity} saved up, starting full.
 * Each {@link #tryTake} that succeeds spends one. Thread-safe; the clock is injected so tests can step it.
 * A rate of 0 (or less) never grants anything.
 */
final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double capacity, LongSupplier nanoClock) {
        this.perNano = Math.max(0, perSecond) / 1e9;
        this.capacity = perSecond <= 0 ? 0 : Math.max(1, capacity);
        this.nanoClock = nanoClock;
        this.tokens = this.capacity;
        this.last = nanoClock.getAsLong();
    }

    /** Spends a token if one is there; never waits. */
    synchronized boolean tryTake() {
        long now = nanoClock.getAsLong();
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
