package io.dnsprobe.libc;

import io.dnsprobe.probe.NameProbe;

/**
 * A pure function from recorded exchanges to what one libc's getaddrinfo would return. No I/O:
 * every model reads the same probe, so a saved probe can be judged by all of them, and by future ones.
 */
public interface LibcModel {
    /** Stable identifier, used in JSON, metrics and annotations: {@code musl-1.2.3}, {@code glibc}. */
    String id();

    /** How a person names it in a table: {@code musl <= 1.2.3}. */
    String displayName();

    /** The most addresses this libc ever returns; a smaller answer for that reason alone is not a problem. */
    int maxAddresses();

    Resolution resolve(NameProbe probe);
}
