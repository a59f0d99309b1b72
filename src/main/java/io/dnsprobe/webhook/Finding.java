package io.dnsprobe.webhook;

/** One container and one name whose musl verdict is a problem. */
public record Finding(String container, String image, String libc, boolean versionKnown, String name, String verdict,
        String detail) {

    public boolean fails() {
        return verdict.equals("FAILS");
    }

    /** kubectl prints each as {@code Warning: ...}; kept short: it is read in a terminal. */
    public String warning() {
        String what = fails() ? "fails" : "resolves partially";
        return "container " + container + " (" + image + ", " + libc + "): " + name + " " + what
                + (detail == null ? "" : ", " + detail);
    }
}
