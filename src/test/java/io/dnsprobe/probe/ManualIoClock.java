package io.dnsprobe.probe;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The time of a {@link NioDnsTransport} as the test moves it. Sockets, servers and replies stay real; only the
 * deadlines wait for {@link #advance}: a reply can never be late however busy the machine is, and a deadline
 * falls due exactly where the test puts it, so the outcome does not depend on how fast anything ran.
 */
final class ManualIoClock {
    /** Bounds every wait for the I/O thread: a hang guard, not a time under test. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong rounds = new AtomicLong();

    /** A transport on this clock. */
    NioDnsTransport transport() {
        return transport(() -> {});
    }

    /** A transport on this clock; {@code afterSelect} runs on the I/O thread after each select, before any read. */
    NioDnsTransport transport(Runnable afterSelect) {
        return new NioDnsTransport(
                () -> {
                    afterSelect.run();
                    rounds.incrementAndGet();
                },
                now::get);
    }

    long nanoTime() {
        return now.get();
    }

    /** Moves the time on; the I/O thread sees it from its next round (at most one wait of its own later). */
    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /**
     * Waits until the I/O thread has begun a round and finished it: whatever it had read, written and armed
     * before this call is done with. Only while a deadline stays armed (an exchange is under way after that round):
     * the thread's select waits the distance to the next deadline as this clock stood, in real milliseconds (so keep
     * the timeouts of tests that advance short); with no deadline it sleeps until a reply or a new exchange.
     */
    void awaitRound() {
        awaitRound(() -> false);
    }

    /** Moves the time on by {@code step} until {@code done}, one round of the I/O thread per step; at most 1,000. */
    void advanceUntil(BooleanSupplier done, Duration step) {
        for (int i = 0; !done.getAsBoolean(); i++) {
            if (i == 1000) {
                throw new AssertionError("not done after 1,000 steps of " + step);
            }
            advance(step);
            awaitRound(done); // the round that ends the last exchange may be the last one for a while
        }
    }

    private void awaitRound(BooleanSupplier orDone) {
        long seen = rounds.get();
        await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> rounds.get() >= seen + 2 || orDone.getAsBoolean());
    }
}
