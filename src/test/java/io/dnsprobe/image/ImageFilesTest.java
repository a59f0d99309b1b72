package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.libc.MuslVersion;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Layers merged as the runtime merges them, and the libc and program decided from them. */
class ImageFilesTest {
    /** A layer built fact by fact. */
    static final class L {
        final Map<String, FileFact> files = new HashMap<>();
        final Map<String, String> links = new HashMap<>();
        final Set<String> whiteouts = new HashSet<>();
        final Set<String> opaque = new HashSet<>();

        L file(String path, FileFact f) {
            files.put(path, f);
            return this;
        }

        L link(String path, String target) {
            links.put(path, target);
            return this;
        }

        L whiteout(String path) {
            whiteouts.add(path);
            return this;
        }

        L opaque(String dir) {
            opaque.add(dir);
            return this;
        }

        LayerFacts build() {
            return new LayerFacts("sha256:" + "0".repeat(64), files, links, whiteouts, opaque, 0, null);
        }
    }

    static ImageFiles image(L... bottomFirst) {
        return new ImageFiles(java.util.Arrays.stream(bottomFirst).map(L::build).toList());
    }

    static FileFact.ApkDb apk(String pkg, String version) {
        return new FileFact.ApkDb(Map.of(pkg, version));
    }

    static L alpine316() {
        return new L()
                .file("lib/apk/db/installed", apk("musl", "1.2.3-r2"))
                .file("etc/alpine-release", new FileFact.AlpineRelease("3.16.2"))
                .file("lib/ld-musl-x86_64.so.1", new FileFact.MuslLibrary("1.2.3"))
                .file(
                        "bin/busybox",
                        new FileFact.Executable(
                                FileFact.ExecKind.ELF_DYNAMIC, "/lib/ld-musl-x86_64.so.1", null, Set.of(), null))
                .link("bin/sh", "/bin/busybox");
    }

    @Test
    void theApkDbGivesTheExactMuslAndTheLayer() {
        LibcFinder.Finding f = LibcFinder.find(image(alpine316(), new L()));
        assertThat(f.libc().label()).isEqualTo("musl 1.2.3");
        assertThat(f.libc().model()).contains(MuslVersion.UP_TO_1_2_3);
        assertThat(f.evidence()).hasToString("lib/apk/db/installed, layer 1/2");
        assertThat(f.release()).isEqualTo("Alpine 3.16.2");
    }

    @Test
    void anUpperLayerThatUpgradesMuslDecides() {
        LibcFinder.Finding f =
                LibcFinder.find(image(alpine316(), new L().file("lib/apk/db/installed", apk("musl", "1.2.4-r2"))));
        assertThat(f.libc().model()).contains(MuslVersion.V1_2_4);
        assertThat(f.evidence().layer()).isEqualTo(2);
    }

    @Test
    void aWhiteoutOrOpaqueDirectoryHidesTheDbAndTheReleaseDecides() {
        for (L upper : List.of(
                new L().whiteout("lib/apk/db/installed"), new L().whiteout("lib/apk"), new L().opaque("lib/apk/db"))) {
            LibcFinder.Finding f = LibcFinder.find(image(alpine316(), upper));
            assertThat(f.evidence().file()).isEqualTo("etc/alpine-release");
            assertThat(f.libc().label()).isEqualTo("musl 1.2.3");
        }
        LibcFinder.Finding onlyLoader =
                LibcFinder.find(image(new L().file("lib/ld-musl-x86_64.so.1", new FileFact.MuslLibrary("1.2.3"))));
        assertThat(onlyLoader.evidence()).hasToString("lib/ld-musl-x86_64.so.1, layer 1/1");
        assertThat(onlyLoader.libc().model()).contains(MuslVersion.UP_TO_1_2_3);
    }

    @Test
    void usrmergeLinksAreFollowed() {
        ImageFiles wolfi = image(new L()
                .link("lib", "usr/lib")
                .file("usr/lib/apk/db/installed", apk("glibc", "2.40-r3"))
                .link("etc/os-release", "../usr/lib/os-release")
                .file("usr/lib/os-release", new FileFact.OsRelease("wolfi", "20230201", "Wolfi")));
        assertThat(wolfi.find("lib/apk/db/installed")).isPresent();
        assertThat(wolfi.find("/etc/os-release").map(ImageFiles.Found::path)).contains("usr/lib/os-release");
        LibcFinder.Finding f = LibcFinder.find(wolfi);
        assertThat(f.libc().kind()).isEqualTo(Libc.Kind.GLIBC);
        assertThat(f.libc().label()).isEqualTo("glibc 2.40");
        assertThat(f.release()).isEqualTo("Wolfi");
    }

    @Test
    void glibcFromItsLibraryOrDpkgAndNothingIsStatic() {
        assertThat(LibcFinder.find(image(
                                new L().file("lib/x86_64-linux-gnu/libc.so.6", new FileFact.GlibcLibrary("2.36"))))
                        .libc()
                        .label())
                .isEqualTo("glibc 2.36");
        assertThat(LibcFinder.find(image(new L()
                                .file(
                                        "var/lib/dpkg/status.d/libc6",
                                        new FileFact.DpkgStatus(Map.of("libc6", "2.36-9+deb12u4")))))
                        .libc()
                        .label())
                .isEqualTo("glibc 2.36");
        assertThat(LibcFinder.find(image(new L())).libc().kind()).isEqualTo(Libc.Kind.STATIC);
        LibcFinder.Finding both = LibcFinder.find(
                image(alpine316(), new L().file("usr/glibc-compat/lib/libc.so.6", new FileFact.GlibcLibrary("2.35"))));
        assertThat(both.libc().isMusl())
                .as("musl wins: a warning too many beats a failure missed")
                .isTrue();
        assertThat(both.notes()).anyMatch(n -> n.contains("glibc is also present"));
    }

    @Test
    void linkLoopsEnd() {
        ImageFiles loop = image(new L().link("a", "b").link("b", "a"));
        assertThat(loop.find("a/x")).isEmpty();
    }
}
