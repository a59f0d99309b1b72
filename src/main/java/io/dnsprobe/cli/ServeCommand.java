package io.dnsprobe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code serve}'s help. The server itself is not a picocli command: {@link Main} hands a bare {@code serve} (or no
 * arguments) to Quarkus before picocli runs. Anything after {@code serve} comes here instead, so that
 * {@code serve --help} prints this and exits, and a stray argument is an error, not a server started anyway.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the operator, the admission webhook and the audit (the container's command): it "
                    + "watches DnsProbes and probes their names from inside the cluster. Health at :8080/q/health, "
                    + "metrics at :8080/q/metrics.",
            "",
            "It takes no arguments: configure it with system properties (java -Ddnsprobe.resolv-conf=... -jar ...) "
                    + "or environment variables (DNSPROBE_CLUSTER_DOMAIN=...); the README's 'Operator configuration' "
                    + "lists them. Without a reachable Kubernetes API the HTTP side still serves and the log says "
                    + "so once a minute."
        })
final class ServeCommand implements Callable<Integer> {
    /** Whether {@code args} start the server: nothing, or {@code serve} alone. */
    static boolean startsServer(String... args) {
        return args.length == 0 || args.length == 1 && args[0].equals("serve");
    }

    @Override
    public Integer call() {
        // Reached only through picocli, with nothing after "serve": Main starts the server before picocli then.
        throw new CliException("serve runs the server only as the jar's own command (java -jar quarkus-run.jar serve)");
    }
}
