package io.dnsprobe.image;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads one layer blob as a stream, once, and keeps only what decides the libc and the programs: the
 * package databases, release files, musl's and glibc's libraries, executables (ELF, Go, scripts),
 * links, whiteouts and opaque directories. Nothing of a layer is held in memory beyond one file's
 * first 64 KiB; the rest streams past. The uncompressed bytes must hash to the layer's {@code diff_id}.
 */
final class LayerScanner {
    /** Package databases and release files bigger than this are not parsed (a large Debian status is ~2 MiB). */
    static final int MAX_TEXT_FILE = 16 << 20;
    /** Executables and links kept per layer; past it the layer is marked incomplete. libc files always count. */
    static final int MAX_TRACKED = 50_000;
    private static final int PREFIX = 64 << 10;
    private static final byte[] GO_MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final Pattern MUSL_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(?:_(?:git|pre|rc|p)\\d+)?");
    private static final Pattern GLIBC_VERSION = Pattern.compile("GNU C Library.*?version (\\d+\\.\\d+(?:\\.\\d+)?)");
    /** Packages whose presence decides the libc: musl, glibc, and the glibc shims of Alpine (still musl). */
    private static final Set<String> APK_PACKAGES = Set.of("musl", "glibc", "gcompat", "libc6-compat");
    private static final Set<String> DPKG_PACKAGES = Set.of("libc6", "libc6-amd64", "libc-bin", "musl");

    private LayerScanner() {
    }

    /**
     * @param blob the layer as the registry sends it (its own digest is checked by the caller's stream)
     * @param budget uncompressed bytes and time left for the whole image
     */
    static LayerFacts scan(InputStream blob, MediaTypes.Compression compression, String diffId, ReadBudget budget)
            throws IOException {
        Collector c = new Collector();
        DigestCheckingInputStream tar;
        try {
            InputStream raw = switch (compression) {
                case NONE -> blob;
                case GZIP -> new GZIPInputStream(blob, 1 << 16);
                case ZSTD -> new ZstdInputStream(blob);
            };
            tar = new DigestCheckingInputStream(budget.wrap(raw), diffId,
                    "layer " + Digests.shortForm(diffId) + " uncompressed (diff_id)");
            TarArchiveInputStream entries = new TarArchiveInputStream(tar);
            TarArchiveEntry e;
            while ((e = entries.getNextEntry()) != null) {
                c.entry(e, entries);
            }
            // The end-of-archive blocks and any padding count toward the diff_id: read to the end.
            tar.drain();
        } catch (RegistryException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            if (ex.getCause() instanceof RegistryException r) {
                throw r;
            }
            if (Thread.currentThread().isInterrupted() || budget.expired()) {
                throw budget.timeout();
            }
            throw new RegistryException(RegistryException.Kind.PROTOCOL, "layer " + Digests.shortForm(diffId)
                    + " is not a readable tar (" + compression.name().toLowerCase() + "): " + ex.getMessage(), ex);
        }
        return new LayerFacts(diffId, c.files, c.symlinks, c.whiteouts, c.opaque, tar.count(), c.incomplete);
    }

    /** Path as images store it, without {@code ./}, leading or trailing slashes. */
    static String normalize(String name) {
        String p = name;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.contains("//") || p.contains("/./")) {
            p = p.replaceAll("/+", "/").replace("/./", "/");
        }
        return p.equals(".") ? "" : p;
    }

    private static final class Collector {
        final Map<String, FileFact> files = new LinkedHashMap<>();
        final Map<String, String> symlinks = new HashMap<>();
        final Set<String> whiteouts = new HashSet<>();
        final Set<String> opaque = new HashSet<>();
        int tracked;
        boolean incomplete;

        void entry(TarArchiveEntry e, InputStream content) throws IOException {
            String path = normalize(e.getName());
            if (path.isEmpty()) {
                return;
            }
            int slash = path.lastIndexOf('/');
            String dir = slash < 0 ? "" : path.substring(0, slash);
            String name = path.substring(slash + 1);
            if (name.startsWith(".wh.")) {
                if (name.equals(".wh..wh..opq")) {
                    opaque.add(dir);
                } else {
                    whiteouts.add(dir.isEmpty() ? name.substring(4) : dir + "/" + name.substring(4));
                }
                return;
            }
            if (e.isSymbolicLink()) {
                if (track()) {
                    symlinks.put(path, e.getLinkName());
                }
                return;
            }
            if (e.isLink()) {
                FileFact target = files.get(normalize(e.getLinkName()));
                if (target != null) {
                    files.put(path, target);
                }
                return;
            }
            if (!e.isFile()) {
                return;
            }
            FileFact fact = fact(path, dir, name, e, content);
            if (fact != null && (important(fact) || track())) {
                files.put(path, fact);
            }
        }

        private boolean track() {
            if (tracked >= MAX_TRACKED) {
                incomplete = true;
                return false;
            }
            tracked++;
            return true;
        }

        private static boolean important(FileFact f) {
            return !(f instanceof FileFact.Executable);
        }

        private FileFact fact(String path, String dir, String name, TarArchiveEntry e, InputStream in) throws IOException {
            long size = e.getSize();
            switch (path) {
                case "lib/apk/db/installed", "usr/lib/apk/db/installed":
                    return size > MAX_TEXT_FILE ? new FileFact.Unread(size) : apkDb(text(in, size));
                case "etc/alpine-release":
                    return new FileFact.AlpineRelease(text(in, Math.min(size, 4096)).lines().findFirst().orElse("").trim());
                case "etc/os-release", "usr/lib/os-release":
                    return osRelease(text(in, Math.min(size, 64 << 10)));
                case "var/lib/dpkg/status":
                    return size > MAX_TEXT_FILE ? new FileFact.Unread(size) : dpkg(text(in, size));
                default:
                    break;
            }
            if (dir.equals("var/lib/dpkg/status.d")) {
                return size > MAX_TEXT_FILE ? new FileFact.Unread(size) : dpkg(text(in, size));
            }
            if (isMuslLibrary(dir, name)) {
                return new FileFact.MuslLibrary(Strings.scan(in, s -> MUSL_VERSION.matcher(s).matches()));
            }
            if (isGlibcLibrary(dir, name)) {
                String banner = Strings.scan(in, s -> s.contains("GNU C Library"));
                if (banner == null) {
                    return null; // a shim (gcompat) or a stub: not glibc
                }
                Matcher m = GLIBC_VERSION.matcher(banner);
                return new FileFact.GlibcLibrary(m.find() ? m.group(1) : "");
            }
            if ((e.getMode() & 0111) != 0) {
                return Programs.classify(in);
            }
            return null;
        }
    }

    /** {@code ld-musl-x86_64.so.1}, {@code libc.musl-x86_64.so.1}, and musl's {@code libc.so} where Debian puts it. */
    static boolean isMuslLibrary(String dir, String name) {
        boolean libDir = dir.equals("lib") || dir.equals("usr/lib") || dir.endsWith("-linux-musl");
        return libDir && (name.startsWith("ld-musl-") && name.endsWith(".so.1") || name.startsWith("libc.musl-")
                || dir.endsWith("-linux-musl") && name.equals("libc.so"));
    }

    /** {@code libc.so.6} or an old {@code libc-2.31.so} in any lib directory (lib, lib64, usr/lib/x86_64-linux-gnu, usr/glibc-compat/lib). */
    static boolean isGlibcLibrary(String dir, String name) {
        boolean libDir = dir.startsWith("lib") || dir.startsWith("usr/lib") || dir.contains("/lib");
        return libDir && (name.equals("libc.so.6") || name.startsWith("libc-2.") && name.endsWith(".so"));
    }

    private static String text(InputStream in, long size) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Math.max(size, 0), MAX_TEXT_FILE));
        return new String(b, StandardCharsets.UTF_8);
    }

    /** apk's installed db: blank-line separated blocks of {@code X:value} lines. */
    static FileFact.ApkDb apkDb(String text) {
        Map<String, String> found = new HashMap<>();
        String pkg = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                pkg = null;
            } else if (line.startsWith("P:")) {
                pkg = line.substring(2).trim();
            } else if (line.startsWith("V:") && pkg != null && APK_PACKAGES.contains(pkg)) {
                found.put(pkg, line.substring(2).trim());
            }
        }
        return new FileFact.ApkDb(found);
    }

    /** dpkg's status: stanzas of {@code Field: value}; a package counts when installed (status.d stanzas have no Status). */
    static FileFact.DpkgStatus dpkg(String text) {
        Map<String, String> installed = new HashMap<>();
        String pkg = null;
        String version = null;
        String status = null;
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (pkg != null && DPKG_PACKAGES.contains(pkg) && (status == null || status.endsWith(" installed"))) {
                    installed.put(pkg, version == null ? "" : version);
                }
                pkg = null;
                version = null;
                status = null;
            } else if (line.startsWith("Package:")) {
                pkg = line.substring(8).trim();
            } else if (line.startsWith("Version:")) {
                version = line.substring(8).trim();
            } else if (line.startsWith("Status:")) {
                status = line.substring(7).trim();
            }
        }
        return new FileFact.DpkgStatus(installed);
    }

    static FileFact.OsRelease osRelease(String text) {
        Map<String, String> kv = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                String v = line.substring(eq + 1).trim();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                kv.put(line.substring(0, eq).trim(), v);
            }
        }
        return new FileFact.OsRelease(kv.getOrDefault("ID", ""), kv.get("VERSION_ID"), kv.get("PRETTY_NAME"));
    }

    /** Printable runs between NULs, as {@code strings} finds them, streamed. */
    static final class Strings {
        private Strings() {
        }

        /** The first string matching, or null. Reads the stream to its end or to the match. */
        static String scan(InputStream in, java.util.function.Predicate<String> wanted) throws IOException {
            byte[] buf = new byte[1 << 16];
            StringBuilder run = new StringBuilder();
            boolean overlong = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    int b = buf[i] & 0xff;
                    if (b >= 0x20 && b < 0x7f || b == '\t' || b == '\n') {
                        if (run.length() < 512) {
                            run.append((char) b);
                        } else {
                            overlong = true;
                        }
                        continue;
                    }
                    if (b == 0 && !overlong && run.length() >= 4) {
                        String s = run.toString();
                        if (wanted.test(s)) {
                            return s;
                        }
                    }
                    run.setLength(0);
                    overlong = false;
                }
            }
            return null;
        }
    }

    /** Executables: ELF (PT_INTERP, Go build info) or {@code #!} scripts. */
    static final class Programs {
        private static final int PT_INTERP = 3;

        private Programs() {
        }

        static FileFact.Executable classify(InputStream in) throws IOException {
            byte[] prefix = in.readNBytes(PREFIX);
            if (prefix.length >= 2 && prefix[0] == '#' && prefix[1] == '!') {
                int end = 2;
                while (end < prefix.length && end < 256 && prefix[end] != '\n') {
                    end++;
                }
                String line = new String(prefix, 2, end - 2, StandardCharsets.UTF_8).trim();
                return new FileFact.Executable(FileFact.ExecKind.SCRIPT, line, null, Set.of(), null);
            }
            if (prefix.length < 64 || prefix[0] != 0x7f || prefix[1] != 'E' || prefix[2] != 'L' || prefix[3] != 'F') {
                return FileFact.Executable.OTHER;
            }
            String interp = interpreter(prefix);
            GoBuildInfo go = GoBuildInfo.find(prefix, in);
            if (go != null) {
                return new FileFact.Executable(FileFact.ExecKind.GO, interp, go.version(), go.tags(), go.cgo());
            }
            return new FileFact.Executable(interp == null ? FileFact.ExecKind.ELF_STATIC : FileFact.ExecKind.ELF_DYNAMIC, interp,
                    null, Set.of(), null);
        }

        /** The ELF's PT_INTERP, when its program headers and the string lie within the prefix. */
        static String interpreter(byte[] h) {
            boolean is64 = h[4] == 2;
            boolean little = h[5] == 1;
            long phoff = is64 ? u64(h, 32, little) : u32(h, 28, little);
            int phentsize = u16(h, is64 ? 54 : 42, little);
            int phnum = u16(h, is64 ? 56 : 44, little);
            for (int i = 0; i < phnum && i < 256; i++) {
                long at = phoff + (long) i * phentsize;
                if (at < 0 || at + (is64 ? 56 : 32) > h.length) {
                    return null;
                }
                int type = (int) u32(h, (int) at, little);
                if (type != PT_INTERP) {
                    continue;
                }
                long off = is64 ? u64(h, (int) at + 8, little) : u32(h, (int) at + 4, little);
                long size = is64 ? u64(h, (int) at + 32, little) : u32(h, (int) at + 16, little);
                if (off < 0 || size <= 0 || size > 4096 || off + size > h.length) {
                    return null;
                }
                int len = (int) size;
                while (len > 0 && h[(int) off + len - 1] == 0) {
                    len--;
                }
                return new String(h, (int) off, len, StandardCharsets.ISO_8859_1);
            }
            return null;
        }

        private static int u16(byte[] b, int o, boolean little) {
            return little ? (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 : (b[o] & 0xff) << 8 | (b[o + 1] & 0xff);
        }

        private static long u32(byte[] b, int o, boolean little) {
            long v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (long) (b[o + (little ? i : 3 - i)] & 0xff) << (8 * i);
            }
            return v;
        }

        private static long u64(byte[] b, int o, boolean little) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (b[o + (little ? i : 7 - i)] & 0xff) << (8 * i);
            }
            return v;
        }
    }

    /**
     * Go's build info ({@code .go.buildinfo}): the 14-byte magic {@code \xff Go buildinf:}, pointer size,
     * flags, and from Go 1.18 on (flag 2) the version and module info inline as varint-prefixed strings.
     * The module info lists build settings: {@code -tags=netcgo} and {@code CGO_ENABLED=1} decide whether
     * the program may use the libc's resolver.
     */
    record GoBuildInfo(String version, Set<String> tags, Boolean cgo) {
        private static final int CAPTURE = 64 << 10;

        /** Searches {@code prefix} and then the rest of {@code in} (read to its end) for the magic. */
        static GoBuildInfo find(byte[] prefix, InputStream in) throws IOException {
            byte[] window = prefix;
            int len = prefix.length;
            // One buffer for the whole file: a 200 MB layer of executables must not cost a buffer per read.
            byte[] next = new byte[GO_MAGIC.length - 1 + (1 << 16)];
            while (true) {
                int at = indexOf(window, len, GO_MAGIC);
                if (at >= 0) {
                    byte[] captured = new byte[CAPTURE];
                    int have = Math.min(len - at, CAPTURE);
                    System.arraycopy(window, at, captured, 0, have);
                    while (have < CAPTURE) {
                        int n = in.read(captured, have, CAPTURE - have);
                        if (n < 0) {
                            break;
                        }
                        have += n;
                    }
                    return parse(captured, have);
                }
                // Keep the last bytes: the magic may straddle two reads.
                int keep = Math.min(len, GO_MAGIC.length - 1);
                System.arraycopy(window, len - keep, next, 0, keep);
                int n = in.read(next, keep, next.length - keep);
                if (n < 0) {
                    return null;
                }
                window = next;
                len = keep + n;
            }
        }

        static GoBuildInfo parse(byte[] b, int len) {
            if (len < 32 || (b[15] & 2) == 0) {
                return new GoBuildInfo("", Set.of(), null); // before Go 1.18: pointers into the binary
            }
            int[] at = {32};
            String version = varintString(b, len, at);
            String modinfo = varintString(b, len, at);
            if (version == null) {
                return new GoBuildInfo("", Set.of(), null);
            }
            Set<String> tags = new HashSet<>();
            Boolean cgo = null;
            if (modinfo != null) {
                for (String line : modinfo.split("\n")) {
                    if (line.startsWith("build\t-tags=")) {
                        for (String t : line.substring("build\t-tags=".length()).split(",")) {
                            if (!t.isBlank()) {
                                tags.add(t.trim());
                            }
                        }
                    } else if (line.startsWith("build\tCGO_ENABLED=")) {
                        cgo = line.endsWith("=1");
                    }
                }
            }
            return new GoBuildInfo(version, tags, cgo);
        }

        private static String varintString(byte[] b, int len, int[] at) {
            long n = 0;
            int shift = 0;
            while (at[0] < len) {
                int x = b[at[0]++] & 0xff;
                n |= (long) (x & 0x7f) << shift;
                if (x < 0x80) {
                    break;
                }
                shift += 7;
                if (shift > 35) {
                    return null;
                }
            }
            if (n < 0 || at[0] + n > len) {
                return null;
            }
            String s = new String(b, at[0], (int) n, StandardCharsets.UTF_8);
            at[0] += (int) n;
            return s;
        }

        private static int indexOf(byte[] hay, int len, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= len; i++) {
                if (hay[i] != needle[0]) {
                    continue;
                }
                for (int j = 1; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
