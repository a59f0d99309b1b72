package io.dnsprobe.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What one image may cost: bytes read (compressed, from the registry) and uncompressed, and a deadline.
 * A bound hit is a {@link RegistryException} of kind {@code LIMIT} or {@code TIMEOUT} naming the bound,
 * never a hang: a registry that stops sending mid-layer is cut off by the inspector's watchdog, which at
 * the deadline closes the stream being read and interrupts the reading thread. Both are needed: the JDK's
 * HttpClient wakes a thread waiting for headers on interrupt, but a body read only when its stream is
 * closed (it swallows the interrupt and waits on).
 */
final class ReadBudget {
    private final long maxCompressed;
    private final long maxUncompressed;
    private final long deadlineNanos;
    private final Duration timeout;
    private final LongSupplier clock;
    private long compressed;
    private long uncompressed;
    private volatile java.io.Closeable reading;
    private volatile boolean aborted;

    ReadBudget(long maxCompressed, long maxUncompressed, Duration timeout, LongSupplier clock) {
        this.maxCompressed = maxCompressed;
        this.maxUncompressed = maxUncompressed;
        this.timeout = timeout;
        this.clock = clock;
        this.deadlineNanos = clock.getAsLong() + timeout.toNanos();
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
    void reading(java.io.Closeable stream) {
        this.reading = stream;
        if (aborted) {
            closeQuietly(stream);
        }
    }

    /** Called by the watchdog at the deadline, from its own thread. */
    void abort(Thread reader) {
        aborted = true;
        java.io.Closeable r = reading;
        if (r != null) {
            closeQuietly(r);
        }
        reader.interrupt();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // It is being abandoned.
        }
    }

    long remainingNanos() {
        return Math.max(0, deadlineNanos - clock.getAsLong());
    }

    RegistryException timeout() {
        return new RegistryException(RegistryException.Kind.TIMEOUT, "image not read within " + timeout.toSeconds()
                + "s (dnsprobe.image.timeout); " + compressed + " bytes had arrived");
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

        Counting(InputStream in, boolean isCompressed) {
            super(in);
            this.isCompressed = isCompressed;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (expired() || Thread.currentThread().isInterrupted()) {
                throw timeout();
            }
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                if (expired() || Thread.currentThread().isInterrupted()) {
                    throw timeout();
                }
                throw e;
            }
            if (n > 0) {
                if (isCompressed) {
                    compressed += n;
                    if (compressed > maxCompressed) {
                        throw new RegistryException(RegistryException.Kind.LIMIT, "image is larger than "
                                + (maxCompressed >> 20) + " MiB compressed (dnsprobe.image.max-bytes); not read further");
                    }
                } else {
                    uncompressed += n;
                    if (uncompressed > maxUncompressed) {
                        throw new RegistryException(RegistryException.Kind.LIMIT, "image is larger than "
                                + (maxUncompressed >> 20) + " MiB uncompressed; not read further");
                    }
                }
            }
            return n;
        }
    }
}
