package io.dnsprobe.image;

import java.util.Map;
import java.util.Set;

/** What one file of a layer says about the image's libc or its programs. Only files that matter are kept. */
public sealed interface FileFact {

    /** Short description for evidence lines: {@code P:musl V:1.2.3-r2}. */
    String describe();

    /** {@code lib/apk/db/installed}: the libc-related packages and their versions. */
    record ApkDb(Map<String, String> packages) implements FileFact {
        public ApkDb {
            packages = Map.copyOf(packages);
        }

        @Override
        public String describe() {
            return packages.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> "P:" + e.getKey() + " V:" + e.getValue())
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("no libc package");
        }
    }

    /** {@code etc/alpine-release}: its first line. */
    record AlpineRelease(String release) implements FileFact {
        @Override
        public String describe() {
            return release;
        }
    }

    /** {@code etc/os-release} or {@code usr/lib/os-release}. */
    record OsRelease(String id, String versionId, String prettyName) implements FileFact {
        @Override
        public String describe() {
            return prettyName != null ? prettyName : id + (versionId == null ? "" : " " + versionId);
        }
    }

    /** musl's {@code ld-musl-<arch>.so.1} (or libc.so): the bare version string it holds, null when none. */
    record MuslLibrary(String version) implements FileFact {
        @Override
        public String describe() {
            return version == null ? "musl, no version string" : "musl " + version;
        }
    }

    /** glibc's {@code libc.so.6}: the version in its banner. */
    record GlibcLibrary(String version) implements FileFact {
        @Override
        public String describe() {
            return "GNU C Library " + version;
        }
    }

    /** dpkg's status (or a distroless {@code status.d} file): installed libc packages and versions. */
    record DpkgStatus(Map<String, String> installed) implements FileFact {
        public DpkgStatus {
            installed = Map.copyOf(installed);
        }

        @Override
        public String describe() {
            return installed.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " " + e.getValue())
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("no libc package");
        }
    }

    /** A file of interest that was over the size read for such files: present, content unknown. */
    record Unread(long size) implements FileFact {
        @Override
        public String describe() {
            return "not read: " + size + " bytes";
        }
    }

    /**
     * A file with an execute bit.
     *
     * @param interpreter an ELF's PT_INTERP ({@code /lib/ld-musl-x86_64.so.1}), or a script's {@code #!} program
     * @param goVersion for Go programs, {@code go1.19.8} (empty when the build info predates Go 1.18)
     * @param goTags build tags from the Go build info ({@code netcgo}, {@code netgo})
     * @param cgo whether the Go program was built with cgo ({@code CGO_ENABLED=1}); null when not recorded
     */
    record Executable(ExecKind kind, String interpreter, String goVersion, Set<String> goTags, Boolean cgo)
            implements FileFact {
        public Executable {
            goTags = goTags == null ? Set.of() : Set.copyOf(goTags);
        }

        public static final Executable OTHER = new Executable(ExecKind.OTHER, null, null, Set.of(), null);

        @Override
        public String describe() {
            return switch (kind) {
                case GO -> "Go program" + (goVersion == null || goVersion.isEmpty() ? "" : " (" + goVersion + ")");
                case ELF_DYNAMIC -> "ELF program using " + interpreter;
                case ELF_STATIC -> "static ELF program";
                case SCRIPT -> "script for " + interpreter;
                case OTHER -> "executable file";
            };
        }
    }

    /** What kind of program an executable file is. */
    enum ExecKind {
        GO,
        ELF_DYNAMIC,
        ELF_STATIC,
        SCRIPT,
        OTHER
    }
}
