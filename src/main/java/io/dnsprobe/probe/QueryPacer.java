package io.dnsprobe.probe;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Queue;
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
 * from the first; all of them get slots when the exchange starts, at those times, and the slots still
 * ahead when it ends (a reply came) are given back. A TCP exchange sends one query.
 *
 * <p>Exchanges wait in a queue, first come first served, and get their slots only when their turn comes:
 * slots planned far ahead for a long queue would keep the resend slots of every queued exchange, and
 * halve the rate when replies come at once.
 *
 * <p>Time is read from a {@link Ticker}: the system's monotonic clock and a timer thread in production, a clock
 * the test moves in tests, so that what the slots are does not depend on how busy the machine is.
 */
public final class QueryPacer implements AutoCloseable {
    private static final long SLACK_NANOS = 1_000_000L;

    private final long spacingNanos;
    private final NavigableSet<Long> slots = new TreeSet<>();
    private final Queue<Reservation> waiting = new ArrayDeque<>();
    private final Ticker ticker;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong waited = new AtomicLong();
    private boolean pumpScheduled;

    /**
     * The pacer's time: {@link #nanoTime()} as {@link System#nanoTime()} counts, and wake-ups at those times.
     * Wake-ups may run late (a busy machine), never early.
     */
    public interface Ticker {
        long nanoTime();

        /** Runs {@code task} once, {@code delayNanos} after {@link #nanoTime()} now, on another thread or later. */
        void schedule(Runnable task, long delayNanos);

        /** Drops the wake-ups not yet run. */
        void close();
    }

    /** System.nanoTime and one daemon timer thread. */
    private static final class SystemTicker implements Ticker {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dnsprobe-query-pacer");
            t.setDaemon(true);
            return t;
        });

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    public QueryPacer(double maxPerSecond) {
        this(maxPerSecond, new SystemTicker());
    }

    /** @param ticker read for the time and used for wake-ups; closed with the pacer */
    public QueryPacer(double maxPerSecond, Ticker ticker) {
        if (!(maxPerSecond > 0)) {
            throw new IllegalArgumentException("queries per second must be positive: " + maxPerSecond);
        }
        this.spacingNanos = (long) Math.ceil(1.2e9 / maxPerSecond);
        this.ticker = ticker;
    }

    /** Slots for one exchange: {@link #ready()} completes at the first; {@link #release()} when it is over. */
    public final class Reservation {
        private final int sends;
        private final long every;
        private final CompletableFuture<Void> ready = new CompletableFuture<>();
        private final long created = ticker.nanoTime();
        private List<Long> times = List.of();

        private Reservation(int sends, long every) {
            this.sends = sends;
            this.every = every;
        }

        public CompletableFuture<Void> ready() {
            return ready;
        }

        /** The slots (as {@link Ticker#nanoTime()} counts), once the exchange's turn came. */
        synchronized List<Long> times() {
            return times;
        }

        /** Gives back the slots of sends that will not happen. */
        public void release() {
            long now = ticker.nanoTime();
            int unused = 0;
            synchronized (QueryPacer.this) {
                for (Long t : times()) {
                    if (t > now && slots.remove(t)) {
                        unused++;
                    }
                }
            }
            sent.addAndGet(-unused);
        }
    }

    /** @param sends datagrams the exchange may send (UDP attempts), one every {@code resendEvery} */
    public Reservation reserve(int sends, Duration resendEvery) {
        Reservation r = new Reservation(Math.max(1, sends), Math.max(resendEvery.toNanos(), spacingNanos));
        boolean first;
        synchronized (this) {
            first = waiting.isEmpty();
            waiting.add(r);
        }
        if (first) {
            pump();
        }
        return r;
    }

    /** Starts the exchanges whose slots have come, in order; wakes up again when the next one's has. */
    private void pump() {
        List<Reservation> go = new ArrayList<>();
        long wake = -1;
        synchronized (this) {
            pumpScheduled = false;
            while (!waiting.isEmpty()) {
                Reservation head = waiting.peek();
                long now = ticker.nanoTime();
                slots.headSet(now - 2_000_000_000L).clear();
                long start = earliest(now, head);
                if (start > now + SLACK_NANOS) {
                    wake = start - now;
                    break;
                }
                waiting.poll();
                List<Long> times = new ArrayList<>(head.sends);
                for (int k = 0; k < head.sends; k++) {
                    times.add(start + k * head.every);
                }
                slots.addAll(times);
                synchronized (head) {
                    head.times = times;
                }
                go.add(head);
            }
            if (wake >= 0 && !pumpScheduled) {
                pumpScheduled = true;
                ticker.schedule(this::pump, wake);
            }
        }
        for (Reservation r : go) {
            sent.addAndGet(r.sends);
            if (r.times().get(0) - r.created > SLACK_NANOS) {
                waited.incrementAndGet();
            }
            r.ready.complete(null);
        }
    }

    /** The first start from {@code now} at which every send of {@code r} keeps its distance from every slot taken. */
    private long earliest(long now, Reservation r) {
        long start = now;
        for (boolean moved = true; moved; ) {
            moved = false;
            for (int k = 0; k < r.sends && !moved; k++) {
                long t = start + k * r.every;
                Long near = slots.ceiling(t - spacingNanos + 1);
                if (near != null && near < t + spacingNanos) {
                    start += near + spacingNanos - t;
                    moved = true;
                }
            }
        }
        return start;
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
        ticker.close();
        synchronized (this) {
            waiting.forEach(r -> r.ready.cancel(false));
            waiting.clear();
        }
    }
}
