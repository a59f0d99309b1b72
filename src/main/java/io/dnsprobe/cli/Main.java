package io.dnsprobe.cli;

import io.dnsprobe.certs.BootstrapCertificate;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The jar's entry point. With no arguments (or {@code serve} alone) it boots Quarkus: the operator, the
 * health and metrics endpoints. Anything else is a CLI command ({@code serve --help} too), run as a plain Java program
 * before Quarkus boots anything: no CDI container, no HTTP port, no API server, a start in tenths of
 * a second.
 */
@QuarkusMain
public final class Main {
    private Main() {}

    public static void main(String... args) {
        if (ServeCommand.startsServer(args)) {
            bootstrapTls();
            // The operator itself is started by io.dnsprobe.operator.OperatorLifecycle once the API server
            // answers (QOSDK's own start is off: it cannot be retried and is noisy when stopped early).
            Quarkus.run(args);
            return;
        }
        quietLogging();
        int code = DnsprobeCommand.execute(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /**
     * The CLI runs before Quarkus configures logging, under the JBoss LogManager quarkus-run.jar installs,
     * whose unconfigured root level is ALL: the JDK's HttpClient then formats a debug message for every
     * buffer it moves (a quarter of what reading a 200 MB layer allocated, and a third of its time).
     * Nothing prints them; the CLI logs nothing below INFO.
     */
    private static void quietLogging() {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        java.util.logging.Logger.getLogger("jdk.internal.httpclient.debug").setLevel(java.util.logging.Level.OFF);
    }

    /** With operator-managed certificates the HTTPS listener needs files before the real ones exist. */
    private static void bootstrapTls() {
        if (!"true".equalsIgnoreCase(System.getenv("DNSPROBE_WEBHOOK_TLS_MANAGED"))) {
            return;
        }
        String dir = System.getenv().getOrDefault("DNSPROBE_WEBHOOK_TLS_DIR", "/tmp/dnsprobe-tls");
        try {
            BootstrapCertificate.writeIfAbsent(Path.of(dir));
        } catch (IOException e) {
            System.err.println("dnsprobe: cannot write a bootstrap certificate to " + dir + ": " + e.getMessage());
        }
    }
}
