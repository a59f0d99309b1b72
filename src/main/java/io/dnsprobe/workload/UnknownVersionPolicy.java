package io.dnsprobe.workload;

import io.dnsprobe.image.Libc;
import io.dnsprobe.libc.VerdictKind;

/**
 * What a musl of unknown version ({@code nginx:alpine}, an image not read) means for a gate, in one place so
 * that {@code dnsprobe check} and the webhook's enforce cannot disagree. Such a container is judged by the oldest
 * model, which is right for a warning (the worst it may be) but not for a verdict: the same name may resolve on
 * the musl it really has. So a FAILS on an unknown version warns, never fails a gate (exit 1, a denial); check
 * counts it as unjudged (the libc version is unknown) instead, enforce admits it with the warning. Pure.
 */
public final class UnknownVersionPolicy {

    private UnknownVersionPolicy() {}

    /** Whether the finding fails a gate: check's exit 1, enforce's 403. Only a FAILS on a known musl version. */
    public static boolean failsGate(Finding f) {
        return f.fails() && f.versionKnown();
    }

    /**
     * Whether not knowing the container's musl version leaves the name unjudged: some musl model FAILS it, so
     * the verdict depends on a version nobody knows. A name every model resolves is judged whatever the version.
     */
    public static boolean versionDecides(Libc libc, NameVerdicts verdicts) {
        return libc.muslUnknownVersion()
                && verdicts.known()
                && verdicts.byModel().values().stream().anyMatch(j -> j.kind() == VerdictKind.FAILS);
    }
}
