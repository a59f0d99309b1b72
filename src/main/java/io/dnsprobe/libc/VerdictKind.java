package io.dnsprobe.libc;

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
}
