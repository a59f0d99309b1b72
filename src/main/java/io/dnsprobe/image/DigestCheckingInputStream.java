package io.dnsprobe.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes bytes through while hashing them; at the end of the stream, fails unless they had the digest
 * they were asked for. A layer read is only trusted once it has been read to its end.
 */
final class DigestCheckingInputStream extends FilterInputStream {
    private final MessageDigest sha = Digests.sha256();
    private final String expected;
    private final String what;
    private final long size;
    private long count;
    private boolean checked;

    DigestCheckingInputStream(InputStream in, String expected, String what) {
        this(in, expected, -1, what);
    }

    /** @param size the bytes the descriptor promises, -1 when unknown: a stream that ends early is a cut connection */
    DigestCheckingInputStream(InputStream in, String expected, long size, String what) {
        super(in);
        this.expected = expected;
        this.size = size;
        this.what = what;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        } else {
            sha.update((byte) b);
            count++;
            checkSize();
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
            check();
        } else {
            sha.update(buf, off, n);
            count += n;
            checkSize();
        }
        return n;
    }

    /** A blob longer than its descriptor says is not the blob: refused at once rather than read to its end. */
    private void checkSize() throws RegistryException {
        if (size >= 0 && count > size) {
            throw new RegistryException(
                    RegistryException.Kind.DIGEST_MISMATCH,
                    what + " goes on past the " + size + " bytes its descriptor says: refused");
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        if (size >= 0 && count < size) {
            throw new RegistryException(
                    RegistryException.Kind.UNREACHABLE,
                    what + " ended after " + count + " of " + size + " bytes: the registry closed the connection");
        }
        String actual = Digests.format(sha.digest());
        if (!actual.equals(expected)) {
            throw new RegistryException(
                    RegistryException.Kind.DIGEST_MISMATCH,
                    what + " has sha256 " + actual + " after " + count + " bytes, not " + expected + ": refused");
        }
    }
}
