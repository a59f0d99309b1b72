package io.dnsprobe.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The jar's entry point. With no arguments (or {@code serve}) it boots Quarkus: the operator, the
 * health and metrics endpoints. Any other argument is a CLI command, run as a plain Java program
 * before Quarkus boots anything: no CDI container, no HTTP port, no API server, a start in tenths of
 * a second.
 */
@QuarkusMain
public final class Main {
    private Main() {
    }

    public static void main(String... args) {
        if (args.length == 0 || args[0].equals("serve")) {
            // Not Quarkus.run(SomeApplication.class): QOSDK starts the operator itself only when the
            // application declares no QuarkusApplication.
            Quarkus.run(args);
            return;
        }
        int code = DnsprobeCommand.execute(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }
}
