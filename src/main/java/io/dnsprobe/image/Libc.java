package io.dnsprobe.image;

import io.dnsprobe.libc.MuslVersion;
import java.util.Optional;

/**
 * What a container's resolver is, as far as dnsprobe can tell.
 *
 * @param model the musl model to judge it by; empty for glibc, static and unknown images, and for musl
 *     of unknown version (then {@link #muslUnknownVersion()} is true and the oldest model applies)
 * @param label how a warning names it: {@code musl 1.2.2}, {@code musl if Alpine < 3.18}
 */
public record Libc(Kind kind, Optional<MuslVersion> model, String label) {

    public enum Kind {
        MUSL,
        GLIBC,
        STATIC,
        UNKNOWN
    }

    public static final Libc GLIBC = new Libc(Kind.GLIBC, Optional.empty(), "glibc");
    public static final Libc STATIC = new Libc(Kind.STATIC, Optional.empty(), "static");
    public static final Libc UNKNOWN = new Libc(Kind.UNKNOWN, Optional.empty(), "unknown");
    public static final Libc MUSL_UNKNOWN_VERSION = new Libc(Kind.MUSL, Optional.empty(), "musl if Alpine < 3.18");

    /** glibc of a known version, {@code glibc 2.36}; the bare constant when the version is not known. */
    public static Libc glibc(String version) {
        return version == null || version.isEmpty()
                ? GLIBC
                : new Libc(Kind.GLIBC, Optional.empty(), "glibc " + version);
    }

    public static Libc musl(String version, MuslVersion model) {
        return new Libc(Kind.MUSL, Optional.of(model), "musl " + version);
    }

    public boolean isMusl() {
        return kind == Kind.MUSL;
    }

    public boolean muslUnknownVersion() {
        return kind == Kind.MUSL && model.isEmpty();
    }

    /** The model whose verdict counts: the known one, or the oldest when the version is unknown. */
    public MuslVersion effectiveModel() {
        return model.orElse(MuslVersion.UP_TO_1_2_3);
    }
}
