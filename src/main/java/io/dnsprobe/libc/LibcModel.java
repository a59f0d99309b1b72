package io.dnsprobe.libc;

import io.dnsprobe.probe.NameProbe;

/**
 * A pure function from recorded exchanges to what one libc's getaddrinfo would return. No I/O:
 * every model reads the same probe, so a saved probe can be judged by all of them, and by future ones.
 */
public interface LibcModel {
    /** Which model it is; written {@code musl-1.2.3} or {@code glibc} in JSON, metrics and annotations. */
    ModelId id();

    /** How a person names it in a table: {@code musl <= 1.2.3}. */
    String displayName();

    /** The most addresses this libc ever returns; a smaller answer for that reason alone is not a problem. */
    int maxAddresses();

    Resolution resolve(NameProbe probe);
}
