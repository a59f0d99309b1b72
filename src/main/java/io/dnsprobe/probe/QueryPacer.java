package io.dnsprobe.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces queries so that no one-second window holds more than {@code maxPerSecond} of them, however many
 * probes run at once: the audit's promise to the cluster DNS.
 *
 * <p>Each send gets a slot in time; slots are at least {@code 1.2 / maxPerSecond} seconds apart. The
 * 20% margin absorbs the delay between a slot and the datagram leaving (the engine's thread, a busy CPU):
 * a send may run up to 0.2 s late before two sends could share a window with more than the cap. A UDP
 * exchange may send up to {@code attempts} datagrams, musl's way, one every {@code timeout / attempts}
 * from the first; all of them get slots up front, at those times, and the slots still ahead when the
 * exchange ends (a reply came) are given back. A TCP exchange sends one query.
 */
public final class QueryPacer implements AutoCloseable {
    private final long spacingNanos;
    private final NavigableSet<Long> slots = new TreeSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dnsprobe-query-pacer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong waited = new AtomicLong();

    public QueryPacer(double maxPerSecond) {
        if (!(maxPerSecond > 0)) {
            throw new IllegalArgumentException("queries per second must be positive: " + maxPerSecond);
        }
        this.spacingNanos = (long) Math.ceil(1.2e9 / maxPerSecond);
    }

    /** Slots for one exchange: {@link #ready()} completes at the first; {@link #release()} when it is over. */
    public final class Reservation {
        private final List<Long> times;
        private final CompletableFuture<Void> ready = new CompletableFuture<>();

        private Reservation(List<Long> times) {
            this.times = times;
        }

        public CompletableFuture<Void> ready() {
            return ready;
        }

        /** The slots, System.nanoTime() based. */
        List<Long> times() {
            return times;
        }

        /** Gives back the slots of sends that will not happen. */
        public void release() {
            long now = System.nanoTime();
            int unused = 0;
            synchronized (QueryPacer.this) {
                for (Long t : times) {
                    if (t > now && slots.remove(t)) {
                        unused++;
                    }
                }
            }
            sent.addAndGet(-unused);
        }
    }

    /**
     * @param sends datagrams the exchange may send (UDP attempts), one every {@code resendEvery}
     */
    public Reservation reserve(int sends, Duration resendEvery) {
        long every = Math.max(resendEvery.toNanos(), spacingNanos);
        long now = System.nanoTime();
        List<Long> times = new ArrayList<>(sends);
        synchronized (this) {
            slots.headSet(now - 2_000_000_000L).clear();
            long start = now;
            for (boolean moved = true; moved; ) {
                moved = false;
                for (int k = 0; k < sends && !moved; k++) {
                    long t = start + k * every;
                    Long near = slots.ceiling(t - spacingNanos + 1);
                    if (near != null && near < t + spacingNanos) {
                        start += near + spacingNanos - t;
                        moved = true;
                    }
                }
            }
            for (int k = 0; k < sends; k++) {
                times.add(start + k * every);
            }
            slots.addAll(times);
        }
        sent.addAndGet(sends);
        Reservation r = new Reservation(times);
        long delay = times.get(0) - System.nanoTime();
        if (delay <= 0) {
            r.ready.complete(null);
        } else {
            waited.incrementAndGet();
            timer.schedule(() -> r.ready.complete(null), delay, TimeUnit.NANOSECONDS);
        }
        return r;
    }

    /** Queries sent or about to be (slots taken and not given back). */
    public long sent() {
        return sent.get();
    }

    /** Exchanges that had to wait for a slot: the cap was reached. */
    public long waited() {
        return waited.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
