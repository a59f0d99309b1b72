package io.dnsprobe.libc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * The musl resolver behaviours that matter for truncation, from the musl sources
 * ({@code src/network/lookup_name.c}, {@code dns_parse.c}, {@code res_msend.c}) at each tag.
 */
public enum MuslVersion {
    /** Alpine up to 3.17: UDP only into 512 bytes, TC never looked at, a reply without addresses is EAI_NONAME. */
    UP_TO_1_2_3("musl-1.2.3", "musl <= 1.2.3", false, 512, true, false, true),
    /**
     * Alpine 3.18: TCP on TC, but only the first 768 bytes are read, more than 64 records are refused, and so is
     * a reply whose names point past byte 510 ({@code dns_parse.c} lines 18 and 24 at v1.2.4).
     */
    V1_2_4("musl-1.2.4", "musl 1.2.4", true, 768, true, true, true),
    /**
     * Alpine 3.19: the snapshot at upstream commit 83b858f8 (2023-07-17). It has a4ecaf89's 4800-byte buffer and
     * 83b858f8's removal of the pointer limit, but still the 64-record limit (domain-notes §2a).
     */
    V1_2_4_GIT20230717("musl-1.2.4_git20230717", "musl 1.2.4_git", true, 4800, true, true, false),
    /** Alpine 3.20 and later: TCP on TC into 4800 bytes, no record limit; at most 48 addresses are kept. */
    FROM_1_2_5("musl-1.2.5", "musl >= 1.2.5", true, 4800, false, true, false);

    /** musl's MAXADDRS, the same in every version. */
    public static final int MAX_ADDRS = 48;

    final String id;
    final String displayName;
    final boolean tcpFallback;
    /** ABUF_SIZE: bytes of a reply musl reads, over UDP or TCP. */
    final int bufferSize;
    /** {@code dns_parse} refuses replies whose question + answer count exceeds 64. */
    final boolean recordLimit;
    /** From 1.2.4 on: AAAA parsed before A, foreign types skipped, an empty answer is EAI_NODATA. */
    final boolean typedParse;
    /** {@code dns_parse} refuses a name whose compression pointer points past byte 510 (until 83b858f8). */
    final boolean pointerLimit;

    MuslVersion(
            String id,
            String displayName,
            boolean tcpFallback,
            int bufferSize,
            boolean recordLimit,
            boolean typedParse,
            boolean pointerLimit) {
        this.id = id;
        this.displayName = displayName;
        this.tcpFallback = tcpFallback;
        this.bufferSize = bufferSize;
        this.recordLimit = recordLimit;
        this.typedParse = typedParse;
        this.pointerLimit = pointerLimit;
    }

    /** The model with this {@link #id()}, as the DnsProbe status and annotations write it. */
    public static Optional<MuslVersion> fromId(String id) {
        for (MuslVersion v : values()) {
            if (v.id.equals(id)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** As the wire writes it; an id this version does not know reads as null, which readers skip. */
    @JsonCreator
    static MuslVersion fromJson(String id) {
        return fromId(id).orElse(null);
    }

    /** On the wire (JSON, statuses, metrics) a model is its id. */
    @JsonValue
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** Its id, so that a model in a message reads as it does on the wire. */
    @Override
    public String toString() {
        return id;
    }
}
