package io.dnsprobe.image;

import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.text.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which libc an image's files say it has, and which file says so. In order of trust:
 * <ol>
 *   <li>the apk database ({@code P:musl V:1.2.3-r2} is the exact build; Wolfi's {@code P:glibc} is glibc);</li>
 *   <li>{@code etc/alpine-release}, then {@code os-release} with {@code ID=alpine}: the release, mapped to its musl;</li>
 *   <li>musl's {@code ld-musl-<arch>.so.1}: the bare version string inside it;</li>
 *   <li>glibc's {@code libc.so.6} banner, then dpkg's {@code libc6}.</li>
 * </ol>
 * musl wins when both are present (Alpine with a glibc package for one program): a warning too many
 * beats a failure missed, and the entrypoint's own interpreter refines it per container. No libc at all
 * is {@code static}. Pure.
 */
public final class LibcFinder {
    private static final Set<String> GLIBC_DISTROS = Set.of(
            "debian",
            "ubuntu",
            "rhel",
            "centos",
            "fedora",
            "rocky",
            "almalinux",
            "ol",
            "amzn",
            "opensuse-leap",
            "sles",
            "wolfi",
            "chainguard",
            "photon",
            "mariner",
            "azurelinux");

    /** What was found: the libc, the file and layer that decided it, the distribution, and what else was seen. */
    public record Finding(Libc libc, Evidence evidence, String release, List<String> notes) {}

    /**
     * The file that decided, as {@code dnsprobe image} prints it: {@code lib/apk/db/installed, layer 1/4}.
     *
     * @param layer 1 = the bottom layer; 0 when no file decided
     */
    public record Evidence(String file, int layer, int layers, String detail) {
        /** File names and details come from the image: printable, bounded. */
        public Evidence {
            file = Printable.line(file, 256);
            detail = Printable.line(detail);
        }

        public static Evidence none(int layers, String detail) {
            return new Evidence(null, 0, layers, detail);
        }

        @Override
        public String toString() {
            return file == null ? detail : file + ", layer " + layer + "/" + layers;
        }
    }

    private LibcFinder() {}

    public static Finding find(ImageFiles files) {
        int n = files.layerCount();
        String release = release(files);
        List<String> notes = new ArrayList<>();
        Optional<ImageFiles.Found> glibc = glibc(files);

        Optional<ImageFiles.Found> apk = files.find("lib/apk/db/installed")
                .or(() -> files.find("usr/lib/apk/db/installed"))
                .filter(f -> f.fact() instanceof FileFact.ApkDb);
        if (apk.isPresent()) {
            FileFact.ApkDb db = (FileFact.ApkDb) apk.get().fact();
            String musl = db.packages().get("musl");
            if (musl != null) {
                glibc.ifPresent(g ->
                        notes.add("glibc is also present (" + g.path() + "): programs linked against it use glibc"));
                return new Finding(musl(musl), evidence(apk.get(), n, "P:musl V:" + musl), release, notes);
            }
            String glibcPkg = db.packages().get("glibc");
            if (glibcPkg != null) {
                return new Finding(
                        Libc.glibc(upstream(glibcPkg)),
                        evidence(apk.get(), n, "P:glibc V:" + glibcPkg),
                        release,
                        notes);
            }
        }
        Optional<ImageFiles.Found> alpineRelease = files.find("etc/alpine-release")
                .filter(f -> f.fact() instanceof FileFact.AlpineRelease r
                        && !r.release().isEmpty());
        if (alpineRelease.isPresent()) {
            String r = ((FileFact.AlpineRelease) alpineRelease.get().fact()).release();
            Libc libc = alpine(r);
            if (libc.isMusl()) {
                return new Finding(libc, evidence(alpineRelease.get(), n, "Alpine " + r), release, notes);
            }
        }
        Optional<ImageFiles.Found> os = osRelease(files);
        if (os.isPresent()) {
            FileFact.OsRelease o = (FileFact.OsRelease) os.get().fact();
            if (o.id().equals("alpine") && o.versionId() != null) {
                return new Finding(
                        alpine(o.versionId()),
                        evidence(os.get(), n, "ID=alpine VERSION_ID=" + o.versionId()),
                        release,
                        notes);
            }
        }
        List<ImageFiles.Found> loaders = files.all(FileFact.MuslLibrary.class);
        Optional<ImageFiles.Found> versioned = loaders.stream()
                .filter(f -> ((FileFact.MuslLibrary) f.fact()).version() != null)
                .findFirst();
        if (versioned.isPresent()) {
            String v = ((FileFact.MuslLibrary) versioned.get().fact()).version();
            return new Finding(musl(v), evidence(versioned.get(), n, "version string " + v), release, notes);
        }
        if (!loaders.isEmpty()) {
            return new Finding(
                    Libc.MUSL_UNKNOWN_VERSION,
                    evidence(loaders.get(0), n, "musl without a version string"),
                    release,
                    notes);
        }
        if (glibc.isPresent()) {
            String detail = glibc.get().fact() instanceof FileFact.GlibcLibrary g
                    ? "GNU C Library " + g.version()
                    : glibc.get().fact().describe();
            String version = glibc.get().fact() instanceof FileFact.GlibcLibrary g
                    ? g.version()
                    : ((FileFact.DpkgStatus) glibc.get().fact()).installed().getOrDefault("libc6", "");
            return new Finding(Libc.glibc(upstream(version)), evidence(glibc.get(), n, detail), release, notes);
        }
        if (os.isPresent()
                && GLIBC_DISTROS.contains(((FileFact.OsRelease) os.get().fact()).id())) {
            FileFact.OsRelease o = (FileFact.OsRelease) os.get().fact();
            return new Finding(
                    Libc.GLIBC, evidence(os.get(), n, "ID=" + o.id() + ", no libc file found"), release, notes);
        }
        return new Finding(Libc.STATIC, Evidence.none(n, "no libc file in any layer"), release, notes);
    }

    private static Optional<ImageFiles.Found> glibc(ImageFiles files) {
        List<ImageFiles.Found> libs = files.all(FileFact.GlibcLibrary.class);
        if (!libs.isEmpty()) {
            return Optional.of(libs.get(0));
        }
        Optional<ImageFiles.Found> status = files.find("var/lib/dpkg/status")
                .filter(f -> f.fact() instanceof FileFact.DpkgStatus d
                        && d.installed().containsKey("libc6"));
        if (status.isPresent()) {
            return status;
        }
        return files.all(FileFact.DpkgStatus.class).stream()
                .filter(f -> ((FileFact.DpkgStatus) f.fact()).installed().containsKey("libc6"))
                .findFirst();
    }

    private static Optional<ImageFiles.Found> osRelease(ImageFiles files) {
        return files.find("etc/os-release")
                .or(() -> files.find("usr/lib/os-release"))
                .filter(f -> f.fact() instanceof FileFact.OsRelease);
    }

    /** {@code Alpine 3.16.2}, {@code Debian GNU/Linux 12 (bookworm)}: what people call the base. */
    private static String release(ImageFiles files) {
        Optional<ImageFiles.Found> alpine = files.find("etc/alpine-release");
        if (alpine.isPresent()
                && alpine.get().fact() instanceof FileFact.AlpineRelease r
                && !r.release().isEmpty()) {
            return "Alpine " + r.release();
        }
        return osRelease(files)
                .map(f -> (FileFact.OsRelease) f.fact())
                .map(FileFact.OsRelease::describe)
                .orElse(null);
    }

    private static Evidence evidence(ImageFiles.Found f, int layers, String detail) {
        return new Evidence(f.path(), f.layer(), layers, detail);
    }

    /** A musl version as apk or the library writes it, mapped to its model. */
    public static Libc musl(String version) {
        ApkVersion v = ApkVersion.parse(version);
        // apk order: 1.2.4 < 1.2.4_git20230717 (Alpine 3.19, upstream 83b858f8) < 1.2.5. A snapshot from that
        // day on has the 4800-byte buffer and no pointer limit; an earlier snapshot is judged as 1.2.4.
        MuslVersion model = v.before("1.2.4")
                ? MuslVersion.UP_TO_1_2_3
                : v.before("1.2.4_git20230717")
                        ? MuslVersion.V1_2_4
                        : v.before("1.2.5") ? MuslVersion.V1_2_4_GIT20230717 : MuslVersion.FROM_1_2_5;
        return Libc.musl(v.upstream(), model);
    }

    /** An Alpine release ({@code 3.16.2}) to its musl, by domain-notes §2. */
    static Libc alpine(String release) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(release);
        return m.lookingAt()
                ? LibcDetector.alpine(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
                : Libc.MUSL_UNKNOWN_VERSION;
    }

    /** {@code 2.36} of {@code 2.36-9+deb12u4} (dpkg) or {@code 2.40-r3} (apk). */
    private static String upstream(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:\\d+:)?(\\d+(?:\\.\\d+)+)")
                .matcher(version == null ? "" : version);
        return m.find() ? m.group(1) : "";
    }
}
