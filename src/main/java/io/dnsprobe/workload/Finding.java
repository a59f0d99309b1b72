package io.dnsprobe.workload;

import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;

/**
 * One container and one name whose musl verdict is a problem.
 *
 * @param libc how the container's libc is named to a person: {@code musl 1.2.2}, {@code musl if Alpine < 3.18}
 * @param model the model it was judged by (the oldest when the musl version is not known)
 * @param reason the model's reason, word for word what {@code dnsprobe probe} prints for the name
 * @param needsTcp the records a truncated UDP reply left out ({@code 40 A records}), or null
 */
public record Finding(
        String container,
        String image,
        String libc,
        boolean versionKnown,
        String name,
        VerdictKind verdict,
        MuslVersion model,
        String reason,
        String needsTcp) {

    /** A warning's reason longer than this keeps its first clause, or is cut at a word. */
    static final int MAX_REASON = 140;

    public boolean fails() {
        return verdict == VerdictKind.FAILS;
    }

    /** kubectl prints each as {@code Warning: ...}; kept short: it is read in a terminal. */
    public String warning() {
        String what = fails() ? "fails" : "resolves partially";
        String why = brief(reason);
        return "container " + container + " (" + image + ", " + libc + "): " + name + " " + what
                + (why == null || why.isEmpty() ? "" : ", " + why);
    }

    /**
     * The reason, or its first clause whole when the reason is long: a warning cut mid-word ("ends musl's s...")
     * reads like a bug and hides the point. Only a long first clause is cut, at a space.
     */
    static String brief(String reason) {
        if (reason == null || reason.length() <= MAX_REASON) {
            return reason;
        }
        int clause = reason.indexOf("; ");
        if (clause > 0 && clause <= MAX_REASON) {
            return reason.substring(0, clause);
        }
        int space = reason.lastIndexOf(' ', MAX_REASON - 3);
        return reason.substring(0, space > MAX_REASON / 2 ? space : MAX_REASON - 3) + "...";
    }
}
