package io.dnsprobe.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tar stream (a layer) read entry by entry, with every piece of metadata bounded before it is held: a
 * layer is input from whoever pushed the image, and a few megabytes of gzip can hold a gigabyte-long
 * name. ustar, GNU ({@code L}/{@code K} long names, base-256 sizes) and PAX ({@code path},
 * {@code linkpath}, {@code size}) headers are read as Go's {@code archive/tar} reads them, which is what
 * containerd and Docker use to unpack layers:
 * <ul>
 *   <li>a PAX or GNU long-name header over {@link #MAX_SPECIAL} bytes makes the layer unreadable, as it
 *       does for them (Go's {@code ErrFieldTooLong}); below that it is streamed, never buffered: of PAX
 *       records only {@code path}, {@code linkpath} and {@code size} are kept, each at most
 *       {@link #MAX_NAME} bytes;</li>
 *   <li>a name or link target over {@link #MAX_NAME} bytes (Linux's {@code PATH_MAX}, past which no
 *       runtime can create the file) is not kept: the entry comes with {@link Entry#skipped()} saying so;</li>
 *   <li>links, directories, devices and FIFOs have no data whatever their size field says, as in Go.</li>
 * </ul>
 * So reading a layer holds at most a header block, two names and a PAX record's key at a time. Data is
 * given as a stream bounded to the entry; what the caller leaves unread is skipped at the next entry.
 */
final class TarReader {
    static final int BLOCK = 512;
    /** Linux's PATH_MAX. */
    static final int MAX_NAME = 4096;
    /** Go's archive/tar {@code maxSpecialFileSize}: the most a PAX or GNU long-name header may be. */
    static final long MAX_SPECIAL = 1 << 20;

    private static final int MAX_PAX_KEY = 256;

    /**
     * One entry.
     *
     * @param type the tar type flag ({@code '0'} file, {@code '1'} hard link, {@code '2'} symlink, {@code '5'} directory, ...)
     * @param skipped why the entry's name could not be kept, or null
     */
    record Entry(String name, String linkName, char type, int mode, long size, String skipped) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }

        boolean isSymbolicLink() {
            return type == '2';
        }

        boolean isHardLink() {
            return type == '1';
        }
    }

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    /** Reads go through this buffer: PAX records are parsed a byte at a time. */
    private final byte[] buffer = new byte[8192];

    private final byte[] sink = new byte[8192];
    private int pos;
    private int limit;
    private long offset;
    /** Data bytes of the current entry not read yet, and the padding after them. */
    private long remaining;

    private long padding;
    private final InputStream content = new Content();

    TarReader(InputStream in) {
        this.in = in;
    }

    /** Bytes of the archive consumed so far. */
    long offset() {
        return offset;
    }

    /** The next entry, or null at the end of the archive (a zero block, or the stream's end at a block boundary). */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        String longLink = null;
        Pax pax = null;
        String skipped = null;
        while (true) {
            long at = offset;
            int got = readBlock();
            if (got == 0) {
                return null;
            }
            if (got < BLOCK) {
                throw new TarException("the archive ends inside a header at byte " + at);
            }
            if (allZero(header)) {
                return null;
            }
            if (!checksumOk(header)) {
                throw new TarException("no tar header at byte " + at + " (bad checksum)");
            }
            char type = (char) (header[156] & 0xff);
            long size = number(header, 124, 12, at);
            switch (type) {
                case 'L', 'K' -> {
                    Bounded name = special(size, type == 'L' ? "GNU long name" : "GNU long link name", at);
                    if (name.over()) {
                        skipped = (type == 'L' ? "name" : "link target") + " longer than " + MAX_NAME + " bytes";
                    } else if (type == 'L') {
                        longName = name.text();
                    } else {
                        longLink = name.text();
                    }
                }
                case 'x' -> {
                    pax = pax(size, at);
                    if (pax.overlong != null) {
                        skipped = pax.overlong;
                    }
                }
                case 'g' -> {
                    // Global PAX headers carry archive comments in practice: skipped, bounded like the others.
                    if (size > MAX_SPECIAL) {
                        throw tooLong("PAX global header", size, at);
                    }
                    skip(padded(size));
                }
                default -> {
                    if (type == 'S' && header[482] != 0) {
                        skipSparseExtensions(at);
                    }
                    String name = longName != null
                            ? longName
                            : pax != null && pax.path != null ? pax.path : ustarName(header);
                    String link = longLink != null
                            ? longLink
                            : pax != null && pax.linkpath != null ? pax.linkpath : string(header, 157, 100);
                    long dataSize = pax != null && pax.size >= 0 ? pax.size : size;
                    if (type == '\0' && name.endsWith("/")) {
                        type = '5'; // a directory in the old V7 format, as Go reads it
                    }
                    if (headerOnly(type)) {
                        dataSize = 0;
                    }
                    remaining = dataSize;
                    padding = padded(dataSize) - dataSize;
                    int mode = (int) (number(header, 100, 8, at) & 07777);
                    return new Entry(name, link, type, mode, dataSize, skipped);
                }
            }
        }
    }

    /** The current entry's data; reading past it gives end of stream. */
    InputStream content() {
        return content;
    }

    /** Old GNU sparse files: extension blocks of sparse map entries come before the data, chained by a flag. */
    private void skipSparseExtensions(long at) throws IOException {
        byte[] keep = header.clone();
        do {
            if (readBlock() < BLOCK) {
                throw new TarException("the archive ends inside a sparse header at byte " + at);
            }
        } while (header[504] != 0);
        System.arraycopy(keep, 0, header, 0, BLOCK);
    }

    private static boolean headerOnly(char type) {
        return type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
    }

    private record Bounded(String text, boolean over) {}

    /** A GNU long name: at most MAX_NAME bytes kept, the rest skipped; NUL-terminated. */
    private Bounded special(long size, String what, long at) throws IOException {
        if (size > MAX_SPECIAL) {
            throw tooLong(what, size, at);
        }
        int keep = (int) Math.min(size, MAX_NAME + 1);
        byte[] b = new byte[keep];
        readFully(b, keep);
        skip(padded(size) - keep);
        int len = 0;
        while (len < keep && b[len] != 0) {
            len++;
        }
        return len > MAX_NAME
                ? new Bounded(null, true)
                : new Bounded(new String(b, 0, len, StandardCharsets.UTF_8), false);
    }

    /** What a PAX header says of the next entry; only path, linkpath and size are kept. */
    private static final class Pax {
        String path;
        String linkpath;
        long size = -1;
        String overlong;
    }

    /** Records {@code "LEN KEY=VALUE\n"}, streamed: nothing longer than a name and a key is ever held. */
    private Pax pax(long size, long at) throws IOException {
        if (size > MAX_SPECIAL) {
            throw tooLong("PAX header", size, at);
        }
        Pax pax = new Pax();
        long left = size;
        StringBuilder key = new StringBuilder();
        while (left > 0) {
            long len = 0;
            int digits = 0;
            int c;
            while ((c = readByte()) != ' ') {
                if (c < '0' || c > '9' || ++digits > 8) {
                    throw new TarException("a malformed PAX record at byte " + at);
                }
                len = len * 10 + (c - '0');
            }
            long body = len - digits - 1;
            if (digits == 0 || body < 2 || body > left - digits - 1) {
                throw new TarException("a malformed PAX record at byte " + at);
            }
            left -= len;
            key.setLength(0);
            long read = 0;
            while ((c = readByte()) != '=') {
                read++;
                if (read >= body) {
                    throw new TarException("a malformed PAX record at byte " + at);
                }
                if (key.length() < MAX_PAX_KEY) {
                    key.append((char) c);
                }
            }
            read++;
            long valueLen = body - read - 1;
            if (valueLen < 0) {
                throw new TarException("a malformed PAX record at byte " + at);
            }
            String k = key.toString();
            boolean wanted = k.equals("path") || k.equals("linkpath") || k.equals("size");
            if (wanted && valueLen <= MAX_NAME) {
                byte[] v = new byte[(int) valueLen];
                readFully(v, v.length);
                String value = new String(v, StandardCharsets.UTF_8);
                switch (k) {
                    case "path" -> pax.path = value;
                    case "linkpath" -> pax.linkpath = value;
                    default -> pax.size = paxSize(value, at);
                }
            } else {
                if (wanted) {
                    pax.overlong = (k.equals("linkpath") ? "link target" : k.equals("path") ? "name" : "size")
                            + " longer than " + MAX_NAME + " bytes";
                }
                skip(valueLen);
            }
            if (readByte() != '\n') {
                throw new TarException("a malformed PAX record at byte " + at);
            }
        }
        skip(padded(size) - size);
        return pax;
    }

    private static long paxSize(String value, long at) throws TarException {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new TarException("a PAX size that is not a byte count at byte " + at);
        }
    }

    private static TarException tooLong(String what, long size, long at) {
        return new TarException("a " + what + " of " + size + " bytes at byte " + at + ", over the "
                + (MAX_SPECIAL >> 10) + " KiB container runtimes accept");
    }

    /** ustar's prefix + name (POSIX ustar only: GNU puts other fields where the prefix would be). */
    private static String ustarName(byte[] h) {
        String name = string(h, 0, 100);
        boolean posix =
                h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[262] == 0;
        if (posix && h[345] != 0) {
            return string(h, 345, 155) + "/" + name;
        }
        return name;
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** An octal field (spaces and NULs around it), or GNU's base-256 (high bit set). */
    private static long number(byte[] b, int off, int len, long at) throws TarException {
        if ((b[off] & 0x80) != 0) {
            if ((b[off] & 0x40) != 0) {
                throw new TarException("a negative number in the tar header at byte " + at);
            }
            long v = b[off] & 0x3f;
            for (int i = 1; i < len; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    throw new TarException("a number too large in the tar header at byte " + at);
                }
                v = v << 8 | (b[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == 0)) {
            i++;
        }
        for (; i < end && b[i] != ' ' && b[i] != 0; i++) {
            if (b[i] < '0' || b[i] > '7' || v > (Long.MAX_VALUE >> 3)) {
                throw new TarException("a malformed number in the tar header at byte " + at);
            }
            v = v << 3 | (b[i] - '0');
        }
        return v;
    }

    private static boolean checksumOk(byte[] h) {
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        long stored;
        try {
            stored = number(h, 148, 8, 0);
        } catch (TarException e) {
            return false;
        }
        return stored == unsigned || stored == signed;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** Up to {@code len} bytes, from the buffer first; -1 at the end of the stream. */
    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit) {
            if (len >= buffer.length) {
                int r = in.read(b, off, len);
                if (r > 0) {
                    offset += r;
                }
                return r;
            }
            int r = in.read(buffer, 0, buffer.length);
            if (r <= 0) {
                return -1;
            }
            pos = 0;
            limit = r;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buffer, pos, b, off, n);
        pos += n;
        offset += n;
        return n;
    }

    private int readBlock() throws IOException {
        int n = 0;
        while (n < BLOCK) {
            int r = read(header, n, BLOCK - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private int readByte() throws IOException {
        if (pos == limit) {
            int r = in.read(buffer, 0, buffer.length);
            if (r <= 0) {
                throw new EOFException("the archive ends inside a header");
            }
            pos = 0;
            limit = r;
        }
        offset++;
        return buffer[pos++] & 0xff;
    }

    private void readFully(byte[] b, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = read(b, n, len - n);
            if (r < 0) {
                throw new EOFException("the archive ends inside a header");
            }
            n += r;
        }
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            int r = read(sink, 0, (int) Math.min(sink.length, left));
            if (r < 0) {
                throw new EOFException("the archive ends inside an entry");
            }
            left -= r;
        }
    }

    /** What is left of the stream after the archive's end, for the caller to drain: the buffer, then the stream. */
    InputStream rest() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return TarReader.this.read(b, off, len);
            }
        };
    }

    /** The current entry's data. */
    private final class Content extends InputStream {
        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int c = readByte();
            remaining--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int r = TarReader.this.read(b, off, (int) Math.min(len, remaining));
            if (r < 0) {
                throw new EOFException("the archive ends inside an entry");
            }
            remaining -= r;
            return r;
        }
    }

    /** The archive is not a tar, or not one runtimes unpack. */
    static final class TarException extends IOException {
        TarException(String message) {
            super(message);
        }
    }
}
