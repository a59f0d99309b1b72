package io.dnsprobe.testing.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPOutputStream;

/**
 * A tar written header by header, for layers no well-behaved tool writes: GNU long names and PAX headers of
 * any size (their content generated as it is written, never held), names with {@code ..}, floods of
 * whiteouts and hard links. {@link #layer} gzips it and gives what a manifest and a config need.
 *
 * <pre>
 * RawTar.Built l = RawTar.gzip(t -> t.gnuLongName(256 << 20, 'a').file("etc/x", "y"));
 * </pre>
 */
public final class RawTar {
    private static final int BLOCK = 512;
    private final OutputStream out;

    private RawTar(OutputStream out) {
        this.out = out;
    }

    /** What a registry and a config need to list a generated layer. */
    public record Built(byte[] blob, String digest, String diffId, long tarSize) {}

    /** Something that writes entries. */
    public interface Writer {
        void write(RawTar tar) throws IOException;
    }

    /** The tar {@code w} writes, gzipped, with its blob digest and its diff_id (the tar's sha256). */
    public static Built gzip(Writer w) {
        try {
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            MessageDigest tarSha = Util.sha256();
            CountingStream counted;
            try (GZIPOutputStream gz = new GZIPOutputStream(blob, 1 << 16);
                    DigestOutputStream hashed = new DigestOutputStream(gz, tarSha)) {
                counted = new CountingStream(hashed);
                RawTar t = new RawTar(counted);
                w.write(t);
                t.end();
                counted.flush();
            }
            byte[] b = blob.toByteArray();
            return new Built(b, Util.digest(b), "sha256:" + Util.hex(tarSha), counted.count);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes as they are, where a header would be (an end-of-archive block, a tail). */
    public RawTar raw(byte[] bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    /** A regular file. */
    public RawTar file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public RawTar file(String name, byte[] content, int mode) throws IOException {
        header(name, '0', content.length, mode, "");
        out.write(content);
        pad(content.length);
        return this;
    }

    /** A file of {@code size} zero bytes, written as it goes (gigabytes compress to megabytes). */
    public RawTar zeroFile(String name, long size) throws IOException {
        header(name, '0', size, 0644, "");
        byte[] zeros = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(zeros.length, left);
            out.write(zeros, 0, n);
            left -= n;
        }
        pad(size);
        return this;
    }

    public RawTar symlink(String name, String target) throws IOException {
        header(name, '2', 0, 0777, target);
        return this;
    }

    public RawTar hardLink(String name, String target) throws IOException {
        header(name, '1', 0, 0644, target);
        return this;
    }

    /** A GNU {@code L} header whose name is {@code length} bytes of {@code fill}, then a file it names. */
    public RawTar gnuLongName(long length, char fill) throws IOException {
        header("././@LongLink", 'L', length + 1, 0644, "");
        repeat(fill, length);
        out.write(0);
        pad(length + 1);
        header("short-name", '0', 0, 0644, "");
        return this;
    }

    /** A PAX {@code x} header holding one {@code path} record of {@code length} bytes, then the file it names. */
    public RawTar paxPath(long length, char fill) throws IOException {
        String key = " path=";
        long body = key.length() + length + 1;
        long len = body;
        for (int i = 0; i < 3; i++) {
            len = body + Long.toString(len).length();
        }
        header("PaxHeaders/x", 'x', len, 0644, "");
        out.write(Long.toString(len).getBytes(StandardCharsets.US_ASCII));
        out.write(key.getBytes(StandardCharsets.US_ASCII));
        repeat(fill, length);
        out.write('\n');
        pad(len);
        header("short-name", '0', 0, 0644, "");
        return this;
    }

    /** A PAX header of {@code records} small records with keys nobody reads, then a file. */
    public RawTar paxFlood(int records) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < records; i++) {
            String kv = " SCHILY.xattr.user.k" + i + "=v\n";
            int len = kv.length() + 2;
            while (Integer.toString(len).length() + kv.length() != len) {
                len++;
            }
            b.write((len + kv).getBytes(StandardCharsets.US_ASCII));
        }
        header("PaxHeaders/x", 'x', b.size(), 0644, "");
        b.writeTo(out);
        pad(b.size());
        header("flooded", '0', 0, 0644, "");
        return this;
    }

    /** {@code count} whiteouts {@code prefix/N/.wh.f}. */
    public RawTar whiteouts(String prefix, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            header(prefix + "/" + i + "/.wh.f", '0', 0, 0644, "");
        }
        return this;
    }

    /** {@code count} hard links to {@code target}. */
    public RawTar hardLinks(String prefix, String target, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            header(prefix + i, '1', 0, 0755, target);
        }
        return this;
    }

    private void end() throws IOException {
        out.write(new byte[2 * BLOCK]);
    }

    private void repeat(char fill, long length) throws IOException {
        byte[] chunk = new byte[1 << 16];
        java.util.Arrays.fill(chunk, (byte) fill);
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }

    /** A ustar header; names over 100 bytes are cut (use {@link #gnuLongName} or {@link #paxPath} for long ones). */
    private void header(String name, char type, long size, int mode, String link) throws IOException {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar");
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String cs = String.format("%06o", sum);
        System.arraycopy(cs.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        out.write(h);
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = String.format("%0" + (len - 1) + "o", v);
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
