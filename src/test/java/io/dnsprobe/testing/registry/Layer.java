package io.dnsprobe.testing.registry;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * One image layer: a tar of filesystem entries, its {@link #diffId()} (sha256 of the uncompressed tar, what
 * the image config lists) and its blob (the compressed tar, what the manifest lists and the registry stores).
 * Small layers are held in memory; {@link Builder#buildTo(Path)} streams a big one to disk, digesting on the way,
 * so a 200 MB layer never sits in the heap.
 *
 * <p>Entries are written in the order given. Like Docker and BuildKit, missing parent directories are written
 * before their first child (turn off with {@link Builder#parents(boolean)}), paths have no leading '/', and
 * modes carry the file-type bits as Go's archive/tar writes them.
 */
public final class Layer {
    public enum Compression {
        NONE("application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar"),
        GZIP("application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip"),
        // Docker never defined zstd; this is the type containerd and BuildKit write into Docker manifests.
        ZSTD("application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.docker.image.rootfs.diff.tar.zstd");

        private final String oci;
        private final String docker;

        Compression(String oci, String docker) {
            this.oci = oci;
            this.docker = docker;
        }

        public String ociMediaType() {
            return oci;
        }

        public String dockerMediaType() {
            return docker;
        }
    }

    /** Fixed so that the same entries always give the same digests (reproducible fixtures). */
    public static final Instant DEFAULT_MTIME = Instant.parse("2024-01-01T00:00:00Z");

    private final List<Entry> entries;
    private final boolean dotSlash;
    private final boolean parents;
    private final Instant mtime;
    private final Compression compression;
    private final String diffId;
    private final long tarSize;
    private final String digest;
    private final long size;
    private final byte[] tar;
    private final byte[] blob;
    private final Path blobFile;

    private Layer(
            Builder b, String diffId, long tarSize, String digest, long size, byte[] tar, byte[] blob, Path blobFile) {
        this.entries = List.copyOf(b.entries);
        this.dotSlash = b.dotSlash;
        this.parents = b.parents;
        this.mtime = b.mtime;
        this.compression = b.compression;
        this.diffId = diffId;
        this.tarSize = tarSize;
        this.digest = digest;
        this.size = size;
        this.tar = tar;
        this.blob = blob;
        this.blobFile = blobFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this layer's entries and options, to derive a variant (other compression, ./ paths). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.entries.addAll(entries);
        b.dotSlash = dotSlash;
        b.parents = parents;
        b.mtime = mtime;
        b.compression = compression;
        return b;
    }

    /** The same tar compressed differently: same diffId, different digest. */
    public Layer withCompression(Compression c) {
        return toBuilder().compression(c).build();
    }

    public Compression compression() {
        return compression;
    }

    /** "sha256:..." of the uncompressed tar: the image config's rootfs.diff_ids entry. */
    public String diffId() {
        return diffId;
    }

    public long tarSize() {
        return tarSize;
    }

    /** "sha256:..." of the blob as stored in the registry: the manifest's layer digest. */
    public String digest() {
        return digest;
    }

    /** Size of the blob in bytes: the manifest's layer size. */
    public long size() {
        return size;
    }

    public String ociMediaType() {
        return compression.ociMediaType();
    }

    public String dockerMediaType() {
        return compression.dockerMediaType();
    }

    /** The uncompressed tar; only for layers built in memory. */
    public byte[] tar() {
        if (tar == null) {
            throw new IllegalStateException("layer was streamed to " + blobFile + "; its tar is not kept");
        }
        return tar.clone();
    }

    /** The blob bytes (read from disk for a layer built with buildTo: mind the size). */
    public byte[] blob() {
        if (blob != null) {
            return blob.clone();
        }
        try {
            return Files.readAllBytes(blobFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InputStream openBlob() throws IOException {
        return blob != null ? new ByteArrayInputStream(blob) : Files.newInputStream(blobFile);
    }

    /** The file holding the blob, for layers built with buildTo. */
    public Optional<Path> file() {
        return Optional.ofNullable(blobFile);
    }

    /** Copies the blob to {@code target}. */
    public void writeTo(Path target) throws IOException {
        try (InputStream in = openBlob()) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The entry names as written in the tar, in order (parents and ./ prefix included). */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        plan(entries, dotSlash, parents).forEach(e -> names.add(e.kind == Kind.DIR ? e.name + "/" : e.name));
        return names;
    }

    @Override
    public String toString() {
        return "Layer[" + digest + ", " + compression + ", " + size + " bytes, diffId " + diffId + "]";
    }

    private enum Kind {
        DIR,
        FILE,
        SYMLINK
    }

    private record Entry(Kind kind, String name, int mode, byte[] content, Path source, String linkTarget) {}

    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private boolean dotSlash;
        private boolean parents = true;
        private Instant mtime = DEFAULT_MTIME;
        private Compression compression = Compression.GZIP;

        private Builder() {}

        /** Write names as "./etc/os-release" (and a "./" root entry first), as `tar -C rootfs .` does. */
        public Builder dotSlash(boolean on) {
            this.dotSlash = on;
            return this;
        }

        /** Write missing parent directories before their first child (default on, as Docker does). */
        public Builder parents(boolean on) {
            this.parents = on;
            return this;
        }

        public Builder mtime(Instant t) {
            this.mtime = t;
            return this;
        }

        public Builder compression(Compression c) {
            this.compression = c;
            return this;
        }

        public Builder dir(String path) {
            return dir(path, 0755);
        }

        /** {@code mode} is the permission bits, e.g. 01777 for tmp. */
        public Builder dir(String path, int mode) {
            entries.add(new Entry(Kind.DIR, clean(path), mode, null, null, null));
            return this;
        }

        public Builder file(String path, String text) {
            return file(path, text.getBytes(StandardCharsets.UTF_8), 0644);
        }

        public Builder file(String path, String text, int mode) {
            return file(path, text.getBytes(StandardCharsets.UTF_8), mode);
        }

        public Builder file(String path, byte[] content) {
            return file(path, content, 0644);
        }

        public Builder file(String path, byte[] content, int mode) {
            entries.add(new Entry(Kind.FILE, clean(path), mode, content.clone(), null, null));
            return this;
        }

        /** A regular file whose content is streamed from {@code source} when the layer is built (for big files). */
        public Builder file(String path, Path source, int mode) {
            entries.add(new Entry(Kind.FILE, clean(path), mode, null, source, null));
            return this;
        }

        public Builder symlink(String path, String target) {
            entries.add(new Entry(Kind.SYMLINK, clean(path), 0777, null, null, target));
            return this;
        }

        /** Deletes {@code path} from the layers below: writes the empty file "dir/.wh.name". */
        public Builder whiteout(String path) {
            String p = clean(path);
            int slash = p.lastIndexOf('/');
            String name = slash < 0 ? ".wh." + p : p.substring(0, slash + 1) + ".wh." + p.substring(slash + 1);
            entries.add(new Entry(Kind.FILE, name, 0644, new byte[0], null, null));
            return this;
        }

        /** Hides everything the layers below have in {@code dir}: writes "dir/.wh..wh..opq". */
        public Builder opaque(String dir) {
            entries.add(new Entry(Kind.FILE, clean(dir) + "/.wh..wh..opq", 0644, new byte[0], null, null));
            return this;
        }

        /** Builds the layer in memory. */
        public Layer build() {
            try {
                ByteArrayOutputStream blobBytes = new ByteArrayOutputStream();
                ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
                Written w = write(blobBytes, tarBytes);
                return new Layer(
                        this,
                        w.diffId,
                        w.tarSize,
                        w.digest,
                        w.size,
                        tarBytes.toByteArray(),
                        blobBytes.toByteArray(),
                        null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Streams the blob to {@code blobFile}, keeping neither the tar nor the blob in memory: for big layers. */
        public Layer buildTo(Path blobFile) throws IOException {
            try (OutputStream out = Files.newOutputStream(blobFile)) {
                Written w = write(out, null);
                return new Layer(this, w.diffId, w.tarSize, w.digest, w.size, null, null, blobFile);
            }
        }

        private Written write(OutputStream sink, ByteArrayOutputStream tarCopy) throws IOException {
            Hashing blobSide = new Hashing(sink, null);
            OutputStream compressor = switch (compression) {
                case NONE -> blobSide;
                case GZIP -> new GZIPOutputStream(blobSide, 1 << 16);
                case ZSTD -> new ZstdOutputStream(blobSide);
            };
            Hashing tarSide = new Hashing(new BufferedOutputStream(compressor, 1 << 16), tarCopy);
            // 512-byte records: the tar ends after its two zero blocks, as Go's archive/tar (Docker, BuildKit) writes
            // it.
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarSide, 512)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (Entry e : plan(entries, dotSlash, parents)) {
                    writeEntry(tar, e);
                }
                tar.finish();
            }
            return new Written(
                    "sha256:" + Util.hex(tarSide.digest),
                    tarSide.count,
                    "sha256:" + Util.hex(blobSide.digest),
                    blobSide.count);
        }

        private void writeEntry(TarArchiveOutputStream tar, Entry e) throws IOException {
            TarArchiveEntry t = switch (e.kind) {
                case DIR -> new TarArchiveEntry(e.name.endsWith("/") ? e.name : e.name + "/", TarConstants.LF_DIR);
                case FILE -> new TarArchiveEntry(e.name, TarConstants.LF_NORMAL);
                case SYMLINK -> new TarArchiveEntry(e.name, TarConstants.LF_SYMLINK);
            };
            int type = switch (e.kind) {
                case DIR -> 0040000;
                case FILE -> 0100000;
                case SYMLINK -> 0120000;
            };
            t.setMode(type | e.mode);
            t.setModTime(java.nio.file.attribute.FileTime.from(mtime));
            t.setIds(0, 0);
            t.setUserName("root");
            t.setGroupName("root");
            if (e.kind == Kind.SYMLINK) {
                t.setLinkName(e.linkTarget);
            }
            if (e.kind == Kind.FILE) {
                t.setSize(e.content != null ? e.content.length : Files.size(e.source));
            }
            tar.putArchiveEntry(t);
            if (e.kind == Kind.FILE) {
                if (e.content != null) {
                    tar.write(e.content);
                } else {
                    Files.copy(e.source, tar);
                }
            }
            tar.closeArchiveEntry();
        }
    }

    /** The entries as written: "./" prefixed if asked, with parent directories inserted. */
    private static List<Entry> plan(List<Entry> entries, boolean dotSlash, boolean parents) {
        Set<String> declared = new HashSet<>();
        for (Entry e : entries) {
            declared.add(e.name);
        }
        Set<String> written = new HashSet<>();
        List<Entry> out = new ArrayList<>();
        String prefix = dotSlash ? "./" : "";
        if (dotSlash) {
            out.add(new Entry(Kind.DIR, ".", 0755, null, null, null));
        }
        for (Entry e : entries) {
            if (parents) {
                int slash = -1;
                while ((slash = e.name.indexOf('/', slash + 1)) > 0) {
                    String parent = e.name.substring(0, slash);
                    // A parent the caller declares itself (possibly as a symlink, like Wolfi's lib) is theirs to write.
                    if (!declared.contains(parent) && written.add(parent)) {
                        out.add(new Entry(Kind.DIR, prefix + parent, 0755, null, null, null));
                    }
                }
            }
            written.add(e.name);
            out.add(new Entry(e.kind, prefix + e.name, e.mode, e.content, e.source, e.linkTarget));
        }
        return out;
    }

    private static String clean(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("empty path: '" + path + "'");
        }
        return p;
    }

    private record Written(String diffId, long tarSize, String digest, long size) {}

    /** Digests and counts what passes through; optionally keeps a copy. */
    private static final class Hashing extends FilterOutputStream {
        final MessageDigest digest = Util.sha256();
        final ByteArrayOutputStream copy;
        long count;

        Hashing(OutputStream out, ByteArrayOutputStream copy) {
            super(out);
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            digest.update((byte) b);
            count++;
            if (copy != null) {
                copy.write(b);
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            count += len;
            if (copy != null) {
                copy.write(b, off, len);
            }
            out.write(b, off, len);
        }
    }
}
