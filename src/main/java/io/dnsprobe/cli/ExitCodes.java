package io.dnsprobe.cli;

/** Exit codes shared by every command, documented in the README. */
public final class ExitCodes {
    /** No musl model FAILS. */
    public static final int OK = 0;
    /** Some musl model FAILS for some name. */
    public static final int FAILS = 1;
    /** Bad usage, bad input, or a probe that could not run (server unreachable). */
    public static final int USAGE_OR_PROBE_ERROR = 2;

    private ExitCodes() {}
}
