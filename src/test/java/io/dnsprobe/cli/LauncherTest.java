package io.dnsprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.BoundedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dnsprobe} launcher at the top of the checkout. Tests run before the jar is packaged, so the
 * jar here is a stand-in: a script named {@code java} on PATH that prints what it was asked to run.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("dnsprobe").toAbsolutePath();

    @Test
    void runsTheJarWithShortRunFlagsExceptForServe(@TempDir Path dir) throws Exception {
        // A checkout with its built jar, and the launcher linked from elsewhere (onto PATH).
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Path launcher = Files.copy(LAUNCHER, checkout.resolve("dnsprobe"));
        Path jar =
                Files.createDirectories(checkout.resolve("target/quarkus-app")).resolve("quarkus-run.jar");
        Files.writeString(jar, "");
        Path bin = fakeJava(dir);
        Path link = Files.createSymbolicLink(bin.resolve("dnsprobe"), launcher);
        BoundedProcess.Result check = run(link, bin, null, "check", "-f", "a b.yaml");
        assertThat(check.exit()).isZero();
        assertThat(check.out())
                .isEqualTo("-XX:TieredStopAtLevel=1|-XX:+UseSerialGC|-jar|" + jar + "|check|-f|a b.yaml|\n");
        assertThat(run(link, bin, null, "serve").out()).isEqualTo("-jar|" + jar + "|serve|\n");
    }

    @Test
    void aMissingJarSaysHowToBuildIt(@TempDir Path dir) throws Exception {
        BoundedProcess.Result r = run(LAUNCHER, fakeJava(dir), dir.resolve("none.jar"), "demo");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out())
                .isEqualTo("dnsprobe: " + dir.resolve("none.jar")
                        + " not found; build it first: ./mvnw -B -q package -DskipTests\n");
    }

    /** A {@code java} that prints its arguments, separated by |. */
    private static Path fakeJava(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(
                bin.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do printf '%s|' \"$a\"; done\necho\n");
        java.toFile().setExecutable(true);
        return bin;
    }

    private static BoundedProcess.Result run(Path launcher, Path bin, Path jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        if (jar == null) {
            pb.environment().remove("DNSPROBE_JAR");
        } else {
            pb.environment().put("DNSPROBE_JAR", jar.toString());
        }
        pb.environment().remove("DNSPROBE_JAVA_OPTS");
        return BoundedProcess.run(pb, Duration.ofSeconds(30));
    }
}
