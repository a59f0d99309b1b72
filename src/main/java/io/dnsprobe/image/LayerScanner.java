package io.dnsprobe.image;

import io.airlift.compress.zstd.ZstdInputStream;
import io.dnsprobe.text.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads one layer blob as a stream, once, and keeps only what decides the libc and the programs: the
 * package databases, release files, musl's and glibc's libraries, executables (ELF, Go, scripts),
 * links, whiteouts and opaque directories. The uncompressed bytes must hash to the layer's {@code diff_id}.
 *
 * <p>What one layer can cost is bounded whatever it holds ({@link TarReader} bounds each header):
 * <ul>
 *   <li>at most {@link #MAX_TRACKED} executables, links, whiteouts and opaque directories are kept, and at
 *       most {@link #MAX_KEPT_CHARS} characters of their names, and no more than the image's facts allowance
 *       ({@link ReadBudget#keep}); past any of these the layer is marked incomplete with the reason;</li>
 *   <li>of libc files found by pattern (musl's and glibc's libraries, distroless package files) at most
 *       {@link #MAX_LIBC_FILES}; the fixed paths (apk and dpkg databases, release files) always;</li>
 *   <li>package databases are read a line at a time (lines cut at {@link #MAX_LINE}), keeping only the
 *       libc packages' versions: nothing of a file is held beyond one line and one 64 KiB prefix;</li>
 *   <li>after the tar's end, at most {@link #MAX_TAIL} bytes more are read (uncompressed, and of the blob
 *       after its compressed stream): runtimes ignore them, and a tail is how a small layer could
 *       otherwise make the reader pull gigabytes past its bounds.</li>
 * </ul>
 */
final class LayerScanner {
    /** Package databases and release files bigger than this are not parsed (a large Debian status is ~2 MiB). */
    static final int MAX_TEXT_FILE = 16 << 20;
    /** Executables, links, whiteouts and opaque dirs kept per layer; past it the layer is marked incomplete. */
    static final int MAX_TRACKED = 50_000;
    /** Characters of kept names (paths and link targets) per layer. */
    static final int MAX_KEPT_CHARS = 4 << 20;
    /** libc files found by their name pattern, per layer. */
    static final int MAX_LIBC_FILES = 1_000;

    static final int MAX_LINE = 4096;
    static final int MAX_TAIL = 1 << 20;
    private static final int PREFIX = 64 << 10;
    private static final byte[] GO_MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final Pattern MUSL_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(?:_(?:git|pre|rc|p)\\d+)?");
    private static final Pattern GLIBC_VERSION = Pattern.compile("GNU C Library.*?version (\\d+\\.\\d+(?:\\.\\d+)?)");
    /** What a package version looks like (apk and dpkg): anything else is not kept as a version. */
    private static final Pattern PACKAGE_VERSION = Pattern.compile("[0-9A-Za-z.+~:_-]{1,64}");
    /** Packages whose presence decides the libc: musl, glibc, and the glibc shims of Alpine (still musl). */
    private static final Set<String> APK_PACKAGES = Set.of("musl", "glibc", "gcompat", "libc6-compat");

    private static final Set<String> DPKG_PACKAGES = Set.of("libc6", "libc6-amd64", "libc-bin", "musl");

    private LayerScanner() {}

    /**
     * @param blob the layer as the registry sends it, counted by {@code budget} (its own digest is checked by
     *     the caller's stream at its end)
     * @param budget uncompressed bytes, facts and time left for the whole image
     */
    static LayerFacts scan(InputStream blob, MediaTypes.Compression compression, String diffId, ReadBudget budget)
            throws IOException {
        Collector c = new Collector(budget);
        DigestCheckingInputStream tar;
        try {
            InputStream raw = switch (compression) {
                case NONE -> blob;
                case GZIP -> new GZIPInputStream(blob, 1 << 16);
                case ZSTD -> new ZstdInputStream(blob);
            };
            tar = new DigestCheckingInputStream(
                    budget.wrap(raw), diffId, "layer " + Digests.shortForm(diffId) + " uncompressed (diff_id)");
            TarReader entries = new TarReader(tar);
            TarReader.Entry e;
            while ((e = entries.next()) != null) {
                budget.check();
                c.entry(e, entries.content());
            }
            // The end-of-archive blocks and any padding count toward the diff_id: read to the end, boundedly.
            drainTail(
                    entries.rest(),
                    "layer " + Digests.shortForm(diffId) + " has over " + (MAX_TAIL >> 10)
                            + " KiB after the end of its tar archive: refused");
            if (compression != MediaTypes.Compression.NONE) {
                drainTail(
                        blob,
                        "layer " + Digests.shortForm(diffId) + " has over " + (MAX_TAIL >> 10)
                                + " KiB after the end of its compressed stream: refused");
            }
        } catch (RegistryException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            if (ex.getCause() instanceof RegistryException r) {
                throw r;
            }
            if (Thread.currentThread().isInterrupted() || budget.expired()) {
                throw budget.timeout();
            }
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL,
                    "layer " + Digests.shortForm(diffId) + " is not a readable tar ("
                            + compression.name().toLowerCase(Locale.ROOT) + "): " + reason(ex),
                    ex);
        }
        return new LayerFacts(diffId, c.files, c.symlinks, c.whiteouts, c.opaque, tar.count(), c.incomplete);
    }

    /** A decompressor's or the tar reader's message, without a class name. */
    private static String reason(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "unreadable data" : e.getMessage();
    }

    /** Reads {@code in} to its end, failing with {@code tooLong} (a bound: LIMIT) past {@link #MAX_TAIL} bytes. */
    static void drainTail(InputStream in, String tooLong) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > MAX_TAIL) {
                throw new RegistryException(RegistryException.Kind.LIMIT, tooLong);
            }
        }
    }

    /**
     * Path as a runtime creates it: {@code .} and {@code ..} resolved lexically inside the root (as Go's
     * {@code filepath.Clean} of {@code "/" + name}, which containerd and Docker apply to every entry), no
     * leading, trailing or doubled slashes. {@code lib/apk/db/../db/installed} is {@code lib/apk/db/installed}.
     */
    static String normalize(String name) {
        if (!name.contains("/.")
                && !name.startsWith(".")
                && !name.contains("//")
                && !name.startsWith("/")
                && !name.endsWith("/")) {
            return name;
        }
        String[] parts = name.split("/");
        String[] kept = new String[parts.length];
        int n = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (n > 0) {
                    n--;
                }
                continue;
            }
            kept[n++] = part;
        }
        return String.join("/", java.util.Arrays.asList(kept).subList(0, n));
    }

    private static final class Collector {
        final Map<String, FileFact> files = new LinkedHashMap<>();
        final Map<String, String> symlinks = new HashMap<>();
        final Set<String> whiteouts = new HashSet<>();
        final Set<String> opaque = new HashSet<>();
        final ReadBudget budget;
        final Scratch scratch = new Scratch();
        int tracked;
        long keptChars;
        int libcFiles;
        String incomplete;

        Collector(ReadBudget budget) {
            this.budget = budget;
        }

        void entry(TarReader.Entry e, InputStream content) throws IOException {
            if (e.skipped() != null) {
                incomplete("an entry was skipped: " + e.skipped());
                return;
            }
            String path = normalize(e.name());
            if (path.isEmpty()) {
                return;
            }
            int slash = path.lastIndexOf('/');
            String dir = slash < 0 ? "" : path.substring(0, slash);
            String name = path.substring(slash + 1);
            if (name.startsWith(".wh.")) {
                if (name.equals(".wh..wh..opq")) {
                    if (track(dir, null)) {
                        opaque.add(dir);
                    }
                } else {
                    String deleted = dir.isEmpty() ? name.substring(4) : dir + "/" + name.substring(4);
                    if (track(deleted, null)) {
                        whiteouts.add(deleted);
                    }
                }
                return;
            }
            if (e.isSymbolicLink()) {
                if (track(path, e.linkName())) {
                    symlinks.put(path, e.linkName());
                }
                return;
            }
            if (e.isHardLink()) {
                FileFact target = files.get(normalize(e.linkName()));
                if (target != null && track(path, null)) {
                    files.put(path, target);
                }
                return;
            }
            if (!e.isFile()) {
                return;
            }
            Kind kind = kind(path, dir, name, e.mode());
            if (kind == Kind.NONE) {
                return;
            }
            boolean keep = switch (kind) {
                case FIXED -> true;
                case LIBC_PATTERN ->
                    libcFiles < MAX_LIBC_FILES
                            ? ++libcFiles > 0
                            : incomplete("over " + MAX_LIBC_FILES + " libc files in one layer");
                case EXECUTABLE -> track(path, null);
                case NONE -> false;
            };
            if (!keep) {
                return;
            }
            FileFact fact = fact(path, dir, name, e.size(), content);
            if (fact != null) {
                files.put(path, fact);
            }
        }

        /** Takes one kept entry's share of every cap; false (and the layer incomplete) when one is reached. */
        private boolean track(String path, String target) {
            long chars = path.length() + (target == null ? 0 : target.length());
            if (tracked >= MAX_TRACKED) {
                return incomplete("over " + MAX_TRACKED + " executables, links and whiteouts in one layer");
            }
            if (keptChars + chars > MAX_KEPT_CHARS) {
                return incomplete("over " + (MAX_KEPT_CHARS >> 20) + " MiB of names in one layer");
            }
            if (!budget.keep(LayerFacts.entryWeight(path, target))) {
                return incomplete("the image's facts passed what one image may keep");
            }
            tracked++;
            keptChars += chars;
            return true;
        }

        /** Marks the layer incomplete (the first reason is kept); always false, for use in conditions. */
        private boolean incomplete(String why) {
            if (incomplete == null) {
                incomplete = why;
            }
            return false;
        }

        private FileFact fact(String path, String dir, String name, long size, InputStream in) throws IOException {
            switch (path) {
                case "lib/apk/db/installed", "usr/lib/apk/db/installed":
                    return size > MAX_TEXT_FILE ? new FileFact.Unread(size) : apkDb(new LineReader(in));
                case "etc/alpine-release":
                    return new FileFact.AlpineRelease(
                            Printable.line(new LineReader(in).next(), 64).trim());
                case "etc/os-release", "usr/lib/os-release":
                    return osRelease(new LineReader(in), 256);
                case "var/lib/dpkg/status":
                    return size > MAX_TEXT_FILE ? new FileFact.Unread(size) : dpkg(new LineReader(in));
                default:
                    break;
            }
            if (dir.equals("var/lib/dpkg/status.d")) {
                return size > MAX_TEXT_FILE ? new FileFact.Unread(size) : dpkg(new LineReader(in));
            }
            if (isMuslLibrary(dir, name)) {
                return new FileFact.MuslLibrary(
                        Strings.scan(in, s -> MUSL_VERSION.matcher(s).matches(), scratch));
            }
            if (isGlibcLibrary(dir, name)) {
                String banner = Strings.scan(in, s -> s.contains("GNU C Library"), scratch);
                if (banner == null) {
                    return null; // a shim (gcompat) or a stub: not glibc
                }
                Matcher m = GLIBC_VERSION.matcher(banner);
                return new FileFact.GlibcLibrary(m.find() ? m.group(1) : "");
            }
            return Programs.classify(in, scratch);
        }
    }

    /** How a file is kept: fixed paths always, libc files by pattern up to a cap, executables as tracked entries. */
    private enum Kind {
        FIXED,
        LIBC_PATTERN,
        EXECUTABLE,
        NONE
    }

    private static Kind kind(String path, String dir, String name, int mode) {
        switch (path) {
            case "lib/apk/db/installed",
                    "usr/lib/apk/db/installed",
                    "etc/alpine-release",
                    "etc/os-release",
                    "usr/lib/os-release",
                    "var/lib/dpkg/status":
                return Kind.FIXED;
            default:
                break;
        }
        if (dir.equals("var/lib/dpkg/status.d") || isMuslLibrary(dir, name) || isGlibcLibrary(dir, name)) {
            return Kind.LIBC_PATTERN;
        }
        return (mode & 0111) != 0 ? Kind.EXECUTABLE : Kind.NONE;
    }

    /** Buffers one layer's scan reuses for every file: a layer of a million small executables allocates them once. */
    static final class Scratch {
        final byte[] prefix = new byte[PREFIX];
        final byte[] window = new byte[GO_MAGIC.length - 1 + (1 << 16)];
    }

    /** Lines of a text file, each cut at {@link #MAX_LINE} characters; nothing else of the file is held. */
    static final class LineReader {
        private final InputStream in;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int len;
        private boolean eof;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line without its newline, or null at the end. */
        String next() throws IOException {
            StringBuilder line = null;
            while (true) {
                if (pos == len) {
                    if (eof) {
                        return line == null ? null : line.toString();
                    }
                    len = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (len < 0) {
                        len = 0;
                        eof = true;
                        continue;
                    }
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                int start = pos;
                while (pos < len && buf[pos] != '\n') {
                    pos++;
                }
                int take = Math.min(pos - start, MAX_LINE - line.length());
                if (take > 0) {
                    line.append(new String(buf, start, take, StandardCharsets.UTF_8));
                }
                if (pos < len) {
                    pos++;
                    return line.toString();
                }
            }
        }
    }

    /** apk's installed db: blank-line separated blocks of {@code X:value} lines. */
    static FileFact.ApkDb apkDb(LineReader lines) throws IOException {
        Map<String, String> found = new HashMap<>();
        String pkg = null;
        String line;
        while ((line = lines.next()) != null) {
            if (line.isEmpty()) {
                pkg = null;
            } else if (line.startsWith("P:")) {
                pkg = line.substring(2).trim();
            } else if (line.startsWith("V:") && pkg != null && APK_PACKAGES.contains(pkg)) {
                String v = line.substring(2).trim();
                if (PACKAGE_VERSION.matcher(v).matches()) {
                    found.put(pkg, v);
                }
            }
        }
        return new FileFact.ApkDb(found);
    }

    static FileFact.ApkDb apkDb(String text) throws IOException {
        return apkDb(new LineReader(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** dpkg's status: stanzas of {@code Field: value}; a package counts when installed (status.d stanzas have no Status). */
    static FileFact.DpkgStatus dpkg(LineReader lines) throws IOException {
        Map<String, String> installed = new HashMap<>();
        String pkg = null;
        String version = null;
        String status = null;
        boolean more = true;
        while (more) {
            String line = lines.next();
            more = line != null;
            if (line == null || line.isBlank()) {
                if (pkg != null && DPKG_PACKAGES.contains(pkg) && (status == null || status.endsWith(" installed"))) {
                    installed.put(
                            pkg,
                            version == null || !PACKAGE_VERSION.matcher(version).matches() ? "" : version);
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

    static FileFact.DpkgStatus dpkg(String text) throws IOException {
        return dpkg(new LineReader(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** os-release: {@code KEY=value} lines; only the first {@code maxLines} are read (real ones have about 10). */
    static FileFact.OsRelease osRelease(LineReader lines, int maxLines) throws IOException {
        Map<String, String> kv = new HashMap<>();
        String line;
        int n = 0;
        while ((line = lines.next()) != null && n++ < maxLines) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                String v = line.substring(eq + 1).trim();
                if (v.length() >= 2
                        && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                kv.put(line.substring(0, eq).trim(), Printable.line(v, 128));
            }
        }
        return new FileFact.OsRelease(kv.getOrDefault("ID", ""), kv.get("VERSION_ID"), kv.get("PRETTY_NAME"));
    }

    static FileFact.OsRelease osRelease(String text) throws IOException {
        return osRelease(new LineReader(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))), 256);
    }

    /** {@code ld-musl-x86_64.so.1}, {@code libc.musl-x86_64.so.1}, and musl's {@code libc.so} where Debian puts it. */
    static boolean isMuslLibrary(String dir, String name) {
        boolean libDir = dir.equals("lib") || dir.equals("usr/lib") || dir.endsWith("-linux-musl");
        return libDir
                && (name.startsWith("ld-musl-") && name.endsWith(".so.1")
                        || name.startsWith("libc.musl-")
                        || dir.endsWith("-linux-musl") && name.equals("libc.so"));
    }

    /** {@code libc.so.6} or an old {@code libc-2.31.so} in any lib directory (lib, lib64, usr/lib/x86_64-linux-gnu, usr/glibc-compat/lib). */
    static boolean isGlibcLibrary(String dir, String name) {
        boolean libDir = dir.startsWith("lib") || dir.startsWith("usr/lib") || dir.contains("/lib");
        return libDir && (name.equals("libc.so.6") || name.startsWith("libc-2.") && name.endsWith(".so"));
    }

    /** Printable runs between NULs, as {@code strings} finds them, streamed. */
    static final class Strings {
        private Strings() {}

        /** The first string matching, or null. Reads the stream to its end or to the match. */
        static String scan(InputStream in, java.util.function.Predicate<String> wanted, Scratch scratch)
                throws IOException {
            byte[] buf = scratch.window;
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

        private Programs() {}

        static FileFact.Executable classify(InputStream in, Scratch scratch) throws IOException {
            byte[] prefix = scratch.prefix;
            int got = in.readNBytes(prefix, 0, PREFIX);
            if (got >= 2 && prefix[0] == '#' && prefix[1] == '!') {
                int end = 2;
                while (end < got && end < 256 && prefix[end] != '\n') {
                    end++;
                }
                String line = Printable.line(new String(prefix, 2, end - 2, StandardCharsets.UTF_8).trim(), 256);
                return new FileFact.Executable(FileFact.ExecKind.SCRIPT, line, null, Set.of(), null);
            }
            if (got < 64 || prefix[0] != 0x7f || prefix[1] != 'E' || prefix[2] != 'L' || prefix[3] != 'F') {
                return FileFact.Executable.OTHER;
            }
            String interp = interpreter(prefix, got);
            GoBuildInfo go = GoBuildInfo.find(prefix, got, in, scratch);
            if (go != null) {
                return new FileFact.Executable(FileFact.ExecKind.GO, interp, go.version(), go.tags(), go.cgo());
            }
            return new FileFact.Executable(
                    interp == null ? FileFact.ExecKind.ELF_STATIC : FileFact.ExecKind.ELF_DYNAMIC,
                    interp,
                    null,
                    Set.of(),
                    null);
        }

        /** The ELF's PT_INTERP, when its program headers and the string lie within the prefix. */
        static String interpreter(byte[] h, int length) {
            boolean is64 = h[4] == 2;
            boolean little = h[5] == 1;
            long phoff = is64 ? u64(h, 32, little) : u32(h, 28, little);
            int phentsize = u16(h, is64 ? 54 : 42, little);
            int phnum = u16(h, is64 ? 56 : 44, little);
            for (int i = 0; i < phnum && i < 256; i++) {
                long at = phoff + (long) i * phentsize;
                if (at < 0 || at + (is64 ? 56 : 32) > length) {
                    return null;
                }
                int type = (int) u32(h, (int) at, little);
                if (type != PT_INTERP) {
                    continue;
                }
                long off = is64 ? u64(h, (int) at + 8, little) : u32(h, (int) at + 4, little);
                long size = is64 ? u64(h, (int) at + 32, little) : u32(h, (int) at + 16, little);
                if (off < 0 || size <= 0 || size > 4096 || off + size > length) {
                    return null;
                }
                int len = (int) size;
                while (len > 0 && h[(int) off + len - 1] == 0) {
                    len--;
                }
                return Printable.line(new String(h, (int) off, len, StandardCharsets.ISO_8859_1), 256);
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
        /** The build tags that decide the resolver; only they are kept (a build can list thousands). */
        private static final Set<String> RESOLVER_TAGS = Set.of("netgo", "netcgo");

        /** Searches {@code prefix} and then the rest of {@code in} (read to its end) for the magic. */
        static GoBuildInfo find(byte[] prefix, int prefixLength, InputStream in, Scratch scratch) throws IOException {
            byte[] window = prefix;
            int len = prefixLength;
            // One buffer for the whole layer: a 200 MB layer of executables must not cost a buffer per read.
            byte[] next = scratch.window;
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
                            if (RESOLVER_TAGS.contains(t.trim())) {
                                tags.add(t.trim());
                            }
                        }
                    } else if (line.startsWith("build\tCGO_ENABLED=")) {
                        cgo = line.endsWith("=1");
                    }
                }
            }
            return new GoBuildInfo(Printable.line(version, 64), tags, cgo);
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
