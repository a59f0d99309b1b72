package io.dnsprobe.image;

import io.dnsprobe.text.Sizes;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What one image may cost: bytes read (compressed, from the registry) and uncompressed, the heap its
 * kept facts take, and a deadline. A bound hit is a {@link RegistryException} of kind {@code LIMIT} or
 * {@code TIMEOUT} naming the bound, never a hang.
 *
 * <p>Every request made for an image runs under its budget ({@link RegistryClient} takes no request
 * without one), so every byte of every answer (bodies of errors and tokens included) is read while the
 * watchdog is armed: at the deadline it closes the stream being read and interrupts the reading thread.
 * Both are needed: the JDK's HttpClient wakes a thread waiting for headers on interrupt, but a body read
 * only when its stream is closed (it swallows the interrupt and waits on).
 */
final class ReadBudget implements AutoCloseable {
    /** One daemon thread for every budget of the process: it only closes streams and interrupts threads. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dnsprobe-image-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long maxCompressed;
    private final long maxUncompressed;
    private final long maxFacts;
    private final long deadlineNanos;
    private final Duration timeout;
    private final LongSupplier clock;
    private long compressed;
    private long uncompressed;
    private long facts;
    private volatile Closeable reading;
    private volatile boolean aborted;
    private ScheduledFuture<?> alarm;
    /** Hosts that sent this image an answer (any status): a later silence of theirs is slowness, not absence. */
    private final Set<String> heardFrom = new HashSet<>();

    private Thread armedFor;

    /**
     * @param maxFacts estimated heap the facts kept of this image's layers may take (see {@link LayerFacts#weight()})
     */
    ReadBudget(long maxCompressed, long maxUncompressed, long maxFacts, Duration timeout, LongSupplier clock) {
        this.maxCompressed = maxCompressed;
        this.maxUncompressed = maxUncompressed;
        this.maxFacts = maxFacts;
        this.timeout = timeout;
        this.clock = clock;
        this.deadlineNanos = clock.getAsLong() + timeout.toNanos();
    }

    /**
     * Arms the watchdog for the calling thread until {@link #close()}: at the deadline it aborts whatever this
     * thread reads under the budget.
     */
    ReadBudget arm() {
        Thread me = Thread.currentThread();
        armedFor = me;
        alarm = WATCHDOG.schedule(() -> abort(me), Math.max(0, remainingNanos()), TimeUnit.NANOSECONDS);
        return this;
    }

    /** Disarms the watchdog; an interrupt it may have sent just as the work ended is cleared. */
    @Override
    public void close() {
        if (alarm != null) {
            alarm.cancel(false);
            if (Thread.currentThread() == armedFor) {
                Thread.interrupted();
            }
        }
    }

    long compressed() {
        return compressed;
    }

    long uncompressed() {
        return uncompressed;
    }

    boolean expired() {
        return aborted || clock.getAsLong() - deadlineNanos >= 0;
    }

    /** The stream being read now: the watchdog closes it at the deadline. */
    void reading(Closeable stream) {
        this.reading = stream;
        if (aborted) {
            closeQuietly(stream);
        }
    }

    /** Called by the watchdog at the deadline, from its own thread. */
    void abort(Thread reader) {
        aborted = true;
        Closeable r = reading;
        if (r != null) {
            closeQuietly(r);
        }
        reader.interrupt();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // It is being abandoned.
        }
    }

    long remainingNanos() {
        return Math.max(0, deadlineNanos - clock.getAsLong());
    }

    /** Fails with the timeout when the deadline has passed or the thread was interrupted. */
    void check() throws RegistryException {
        if (expired() || Thread.currentThread().isInterrupted()) {
            throw timeout();
        }
    }

    RegistryException timeout() {
        return new RegistryException(
                RegistryException.Kind.TIMEOUT,
                "image not read within " + timeout.toSeconds() + "s (dnsprobe.image.timeout); " + compressed
                        + " bytes had arrived");
    }

    /** The timeout, with what was being waited for: {@code 127.0.0.1:5000 sent no answer to GET /v2/...}. */
    RegistryException timeout(String detail) {
        return new RegistryException(RegistryException.Kind.TIMEOUT, timeout().getMessage() + "; " + detail);
    }

    /** A request to {@code host} was answered (headers arrived, whatever the status). */
    void heardFrom(String host) {
        heardFrom.add(host);
    }

    boolean hasHeardFrom(String host) {
        return heardFrom.contains(host);
    }

    /**
     * Takes {@code weight} of the facts allowance: false when this image's kept facts would pass it (the
     * caller then keeps nothing more of that kind and marks the layer incomplete).
     */
    boolean keep(long weight) {
        if (facts + weight > maxFacts) {
            return false;
        }
        facts += weight;
        return true;
    }

    long factsKept() {
        return facts;
    }

    /** Counts bytes as they come from the registry. */
    InputStream wrapCompressed(InputStream in) {
        return new Counting(in, true);
    }

    /** Counts bytes after decompression: a small gzip can expand without end. */
    InputStream wrap(InputStream in) {
        return new Counting(in, false);
    }

    private final class Counting extends FilterInputStream {
        private final boolean isCompressed;
        private final byte[] one = new byte[1];

        Counting(InputStream in, boolean isCompressed) {
            super(in);
            this.isCompressed = isCompressed;
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public long skip(long n) throws IOException {
            // FilterInputStream would skip past the count.
            byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                if (e instanceof RegistryException) {
                    throw e;
                }
                check();
                throw e;
            }
            if (n > 0) {
                if (isCompressed) {
                    compressed += n;
                    if (compressed > maxCompressed) {
                        throw new RegistryException(
                                RegistryException.Kind.LIMIT,
                                "image is larger than " + Sizes.bytes(maxCompressed)
                                        + " compressed (dnsprobe.image.max-bytes); not read further");
                    }
                } else {
                    uncompressed += n;
                    if (uncompressed > maxUncompressed) {
                        throw new RegistryException(
                                RegistryException.Kind.LIMIT,
                                "image is larger than " + Sizes.bytes(maxUncompressed)
                                        + " uncompressed; not read further");
                    }
                }
            }
            return n;
        }
    }
}
