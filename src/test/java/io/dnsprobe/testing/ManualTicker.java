package io.dnsprobe.testing;

import io.dnsprobe.probe.QueryPacer;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link QueryPacer.Ticker} whose time moves only when the test moves it: wake-ups run on the test's thread, each
 * at exactly the time it asked for, so what a pacer decides does not depend on how busy the machine is.
 */
public final class ManualTicker implements QueryPacer.Ticker {
    private record WakeUp(long at, long order, Runnable task) {}

    private final PriorityQueue<WakeUp> pending = new PriorityQueue<>(
            (a, b) -> a.at() != b.at() ? Long.compare(a.at(), b.at()) : Long.compare(a.order(), b.order()));
    private long now = 1_000_000_000L;
    private long scheduled;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        pending.add(new WakeUp(now + Math.max(0, delayNanos), scheduled++, task));
    }

    @Override
    public synchronized void close() {
        pending.clear();
    }

    /** Moves the time on by {@code d}, running every wake-up due by then at its own time, in order. */
    public void advance(Duration d) {
        long until;
        synchronized (this) {
            until = now + d.toNanos();
        }
        while (runNextDueBy(until)) {
            // each wake-up may ask for another
        }
        synchronized (this) {
            now = until;
        }
    }

    /** Runs wake-ups, moving the time to each, until none is left (and none asked for another). */
    public void runAll() {
        for (int run = 0; runNextDueBy(Long.MAX_VALUE); run++) {
            if (run == 10_000_000) {
                throw new IllegalStateException("wake-ups keep asking for more: 10,000,000 run");
            }
        }
    }

    private boolean runNextDueBy(long until) {
        WakeUp next;
        synchronized (this) {
            next = pending.peek();
            if (next == null || next.at() > until) {
                return false;
            }
            pending.poll();
            now = Math.max(now, next.at());
        }
        next.task().run(); // outside the lock: the task reads the time and may schedule again
        return true;
    }
}
