package io.dnsprobe.workload;

import io.dnsprobe.libc.VerdictKind;

/** One container and one name whose musl verdict is a problem. */
public record Finding(String container, String image, String libc, boolean versionKnown, String name, VerdictKind verdict,
        String detail) {

    public boolean fails() {
        return verdict == VerdictKind.FAILS;
    }

    /** kubectl prints each as {@code Warning: ...}; kept short: it is read in a terminal. */
    public String warning() {
        String what = fails() ? "fails" : "resolves partially";
        return "container " + container + " (" + image + ", " + libc + "): " + name + " " + what
                + (detail == null ? "" : ", " + detail);
    }
}
