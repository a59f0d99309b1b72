package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.HostileDnsServer;
import org.junit.jupiter.api.Test;

/**
 * Reachability is judged per server over all its names: one silent name is that name's outcome.
 *
 * <p>The CLI takes one timeout for all its names and real time: the answered names must be answered within it,
 * and "(2 sends)" needs the engine awake between half of it and all of it. 2 s (a 1 s window for each) rather than
 * 300 or 500 ms, at the cost of the silent names' wait; exact only with a clock the CLI does not take.
 */
class ProbeReachabilityTest {
    private static final String TIMEOUT = "2s";

    @Test
    void oneSilentNameAmongAnsweredOnesDoesNotMakeTheServerUnreachable() throws Exception {
        try (HostileDnsServer server = new HostileDnsServer()) {
            String s = server.address().toString();
            Run r = run(
                    "probe",
                    "--server",
                    s,
                    "--timeout",
                    TIMEOUT,
                    "ok.test.example.",
                    "silent.test.example.",
                    "big.test.example.",
                    "wrongid.test.example.");
            assertThat(r.exit())
                    .as("big FAILS on musl; the silent name does not turn that into 'unreachable'")
                    .isEqualTo(ExitCodes.FAILS);
            assertThat(r.err()).doesNotContain("never replied");
            assertThat(r.out())
                    .contains(
                            "silent.test.example. @" + s,
                            "  no reply at all: no reply from " + s + " in 2000ms (2 sends)");
            assertThat(r.out()).doesNotContain("wrongid.test.example. @" + s + "\n  no reply at all");

            Run quiet = run("probe", "--server", s, "--timeout", TIMEOUT, "silent.test.example.", "ok.test.example.");
            assertThat(quiet.exit()).isEqualTo(ExitCodes.OK);

            Run allSilent =
                    run("probe", "--server", s, "--timeout", TIMEOUT, "silent.test.example.", "silent.other.example.");
            assertThat(allSilent.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(allSilent.err().strip())
                    .isEqualTo("dnsprobe: server " + s + " never replied: no reply from " + s + " in 2000ms (2 sends)");
        }
    }
}
