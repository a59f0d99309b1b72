package io.dnsprobe.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process for a test with a deadline that covers all of it. Its output goes to a file, not
 * a pipe the test reads: reading a pipe to its end before waiting means a child that hangs (or a
 * grandchild holding the pipe open) hangs the build. On timeout the process and its descendants are
 * killed and the test fails with what they printed so far.
 */
public final class BoundedProcess {
    /** @param out stdout (and stderr, when the builder merges it) */
    public record Result(int exit, String out) {}

    private BoundedProcess() {}

    /** Runs {@code cmd}, stderr merged into the output. */
    public static Result run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
        return run(new ProcessBuilder(cmd).redirectErrorStream(true), timeout);
    }

    /**
     * Runs what {@code builder} describes with its stdout sent to a temporary file; stderr is left as the
     * builder says (merged, inherited, or its own file).
     *
     * @throws IOException when it does not end within {@code timeout} (it is then killed)
     */
    public static Result run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("dnsprobe-child", ".out");
        try {
            Process p = builder.redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new IOException("timed out after " + timeout.toSeconds() + " s and killed: "
                        + describe(builder.command()) + "\n" + tail(Files.readString(out, StandardCharsets.UTF_8)));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Asks {@code p} to stop (SIGTERM), and kills it and everything it started when it has not ended within
     * {@code grace}.
     */
    public static void stop(Process p, Duration grace) {
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills {@code p} and everything it started, waiting a little for them to go. */
    public static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    private static String describe(List<String> cmd) {
        return String.join(" ", cmd.subList(0, Math.min(6, cmd.size()))) + (cmd.size() > 6 ? " ..." : "");
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }
}
