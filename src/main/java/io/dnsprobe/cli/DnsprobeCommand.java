package io.dnsprobe.cli;

import io.dnsprobe.text.ErrorText;
import io.dnsprobe.text.Printable;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dnsprobe}: the command tree, and the one place errors become exit codes and one-line messages. */
@Command(
        name = "dnsprobe",
        mixinStandardHelpOptions = true,
        version = "dnsprobe 0.1.0",
        description = "Finds DNS names that musl-based (Alpine) images cannot resolve because the replies need TCP.",
        subcommands = {
            ProbeCommand.class,
            CheckCommand.class,
            ImageCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            ServeCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "With no command (or 'serve'), runs the operator: health at :8080/q/health, metrics at /q/metrics."
        })
public final class DnsprobeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new DnsprobeCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            if (cmd.getParent() == null
                    && a.length > 0
                    && !a[0].startsWith("-")
                    && ex instanceof CommandLine.UnmatchedArgumentException) {
                cmd.getErr()
                        .println("dnsprobe: '" + Printable.line(a[0], 80) + "' is not a command; the commands are "
                                + String.join(", ", cmd.getSubcommands().keySet()));
            } else {
                // picocli quotes a converter's exception as "(java.lang.NumberFormatException: ...)": not the class.
                cmd.getErr().println("dnsprobe: " + Printable.line(ErrorText.withoutClassNames(ex.getMessage())));
            }
            cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE_OR_PROBE_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Expected failures (bad server, unreadable file) are one line; anything else is one line too, in words
            // (no class name, no stack trace), after the command's name so that it is clear where it came from.
            String message = ex instanceof IllegalArgumentException || ex instanceof CliException
                    ? Printable.line(ErrorText.withoutClassNames(ex.getMessage()))
                    : cmd.getCommandName() + ": " + ErrorText.of(ex);
            cmd.getErr().println("dnsprobe: " + message);
            return ExitCodes.USAGE_OR_PROBE_ERROR;
        });
        return cli.execute(args);
    }
}
