package io.dnsprobe.cli;

import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The jar's entry point. Quarkus calls this {@code main} before booting anything, so the CLI
 * commands run as a plain Java program: no CDI container, no HTTP port, no API server, and a start
 * measured in tenths of a second. Only the server mode (to come with the operator) will boot Quarkus.
 */
@QuarkusMain
public final class Main {
    private Main() {
    }

    public static void main(String... args) {
        int code = DnsprobeCommand.execute(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }
}
