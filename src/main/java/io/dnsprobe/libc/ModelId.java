package io.dnsprobe.libc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * Which libc model judged: each musl version, and glibc. Inside the code a model is this type; on the wire
 * (JSON, statuses, metrics labels, annotations) it is its {@link #id()}, {@code musl-1.2.3} or {@code glibc}.
 */
public enum ModelId {
    MUSL_1_2_3(MuslVersion.UP_TO_1_2_3),
    MUSL_1_2_4(MuslVersion.V1_2_4),
    MUSL_1_2_4_GIT20230717(MuslVersion.V1_2_4_GIT20230717),
    MUSL_1_2_5(MuslVersion.FROM_1_2_5),
    GLIBC(null);

    private final MuslVersion musl;

    ModelId(MuslVersion musl) {
        this.musl = musl;
    }

    /** The musl version this model is, empty for glibc. */
    public Optional<MuslVersion> musl() {
        return Optional.ofNullable(musl);
    }

    public boolean isMusl() {
        return musl != null;
    }

    @JsonValue
    public String id() {
        return musl == null ? "glibc" : musl.id();
    }

    /** The model of a musl version. */
    public static ModelId of(MuslVersion version) {
        for (ModelId m : values()) {
            if (m.musl == version) {
                return m;
            }
        }
        throw new IllegalArgumentException("no model for " + version);
    }

    /**
     * As the wire writes it; an id this version does not know (written by a newer one, or by hand) reads as
     * null, which readers skip, rather than failing the whole object.
     */
    @JsonCreator
    public static ModelId fromJson(String id) {
        for (ModelId m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return id();
    }
}
