package io.dnsprobe.libc;

import com.fasterxml.jackson.annotation.JsonCreator;

/** How a libc fares against glibc on the same replies. */
public enum VerdictKind {
    /** Same addresses as glibc (musl's cap of 48 aside), or glibc fails too. */
    OK,
    /** Resolves, but truncation or a buffer limit dropped addresses glibc gets. */
    PARTIAL,
    /** An error where glibc resolves. */
    FAILS;

    public boolean isProblem() {
        return this != OK;
    }

    /**
     * As a status carries it ({@code OK}, {@code PARTIAL}, {@code FAILS}); a word this version does not know
     * (written by a newer one, or by hand) reads as null, which readers skip, rather than failing the object.
     */
    @JsonCreator
    static VerdictKind fromJson(String text) {
        for (VerdictKind k : values()) {
            if (k.name().equals(text)) {
                return k;
            }
        }
        return null;
    }
}
