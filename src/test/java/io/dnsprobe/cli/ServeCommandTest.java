package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code serve --help} prints help and exits; only {@code serve} alone (or nothing) starts the server. */
class ServeCommandTest {
    @Test
    void onlyServeAloneStartsTheServer() {
        assertThat(ServeCommand.startsServer()).isTrue();
        assertThat(ServeCommand.startsServer("serve")).isTrue();
        assertThat(ServeCommand.startsServer("serve", "--help")).isFalse();
        assertThat(ServeCommand.startsServer("serve", "-h")).isFalse();
        assertThat(ServeCommand.startsServer("serve", "--port", "9090")).isFalse();
        assertThat(ServeCommand.startsServer("probe", "serve")).isFalse();
    }

    @Test
    void serveHelpPrintsHelpAndExitsZero() {
        for (String[] args : new String[][] {{"serve", "--help"}, {"serve", "-h"}, {"help", "serve"}}) {
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out())
                    .startsWith("Usage: dnsprobe serve")
                    .contains("It takes no arguments")
                    .contains("Operator configuration");
            assertThat(r.err()).isEmpty();
        }
        assertThat(run("--help").out()).contains("serve");
    }

    @Test
    void anArgumentAfterServeIsAnErrorNotAServer() {
        Run r = run("serve", "--port", "9090");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(r.err()).startsWith("dnsprobe: Unknown options: '--port', '9090'");
    }
}
