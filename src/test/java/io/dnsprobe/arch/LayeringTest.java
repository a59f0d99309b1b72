package io.dnsprobe.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows between packages run one way: the pure core (no Quarkus, no Kubernetes client, usable by
 * the CLI) below the workload analysis, below the servers and the CLI. Checked on the sources' imports
 * (fully qualified uses included), so a new arrow fails the build with its file.
 */
class LayeringTest {
    private static final Path ROOT = Path.of("src/main/java/io/dnsprobe");
    private static final Pattern REF =
            Pattern.compile("\\b(io\\.dnsprobe\\.[a-z]+|io\\.quarkus|jakarta|io\\.fabric8|io\\.micrometer|"
                    + "io\\.javaoperatorsdk)\\b");

    /** Package to what it must not use. */
    private static final Map<String, Set<String>> FORBIDDEN = Map.ofEntries(
            Map.entry(
                    "resolver",
                    Set.of(
                            "io.dnsprobe.probe",
                            "io.dnsprobe.libc",
                            "io.dnsprobe.image",
                            "io.dnsprobe.workload",
                            "server")),
            Map.entry("probe", Set.of("io.dnsprobe.libc", "io.dnsprobe.image", "io.dnsprobe.workload", "server")),
            Map.entry("libc", Set.of("io.dnsprobe.report", "io.dnsprobe.image", "io.dnsprobe.workload", "server")),
            Map.entry("report", Set.of("io.dnsprobe.image", "io.dnsprobe.workload", "server")),
            Map.entry(
                    "image",
                    Set.of(
                            "io.dnsprobe.probe",
                            "io.dnsprobe.report",
                            "io.dnsprobe.resolver",
                            "io.dnsprobe.workload",
                            "server")),
            Map.entry("workload", Set.of("server")),
            // Bottom of everything: text safety is used by every layer and uses none.
            Map.entry(
                    "text",
                    Set.of(
                            "io.dnsprobe.resolver",
                            "io.dnsprobe.probe",
                            "io.dnsprobe.libc",
                            "io.dnsprobe.report",
                            "io.dnsprobe.image",
                            "io.dnsprobe.workload",
                            "io.dnsprobe.api",
                            "io.dnsprobe.demo",
                            "server")),
            Map.entry(
                    "server",
                    Set.of(
                            "io.dnsprobe.webhook",
                            "io.dnsprobe.operator",
                            "io.dnsprobe.cli",
                            "io.dnsprobe.certs",
                            "io.dnsprobe.audit")),
            Map.entry(
                    "operator",
                    Set.of("io.dnsprobe.webhook", "io.dnsprobe.cli", "io.dnsprobe.certs", "io.dnsprobe.audit")),
            Map.entry(
                    "audit",
                    Set.of("io.dnsprobe.webhook", "io.dnsprobe.operator", "io.dnsprobe.cli", "io.dnsprobe.certs")),
            Map.entry(
                    "webhook",
                    Set.of("io.dnsprobe.operator", "io.dnsprobe.cli", "io.dnsprobe.certs", "io.dnsprobe.audit")),
            Map.entry(
                    "certs",
                    Set.of("io.dnsprobe.webhook", "io.dnsprobe.operator", "io.dnsprobe.cli", "io.dnsprobe.audit")));
    /** What "server" stands for above: the servers' frameworks and packages, none of which the pure core may touch. */
    private static final Set<String> SERVER = Set.of(
            "io.quarkus",
            "jakarta",
            "io.fabric8",
            "io.micrometer",
            "io.javaoperatorsdk",
            "io.dnsprobe.server",
            "io.dnsprobe.webhook",
            "io.dnsprobe.operator",
            "io.dnsprobe.certs",
            "io.dnsprobe.cli",
            "io.dnsprobe.audit");

    @Test
    void arrowsRunOneWay() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> rule : FORBIDDEN.entrySet()) {
            Path dir = ROOT.resolve(rule.getKey());
            assertThat(dir).as("package " + rule.getKey()).isDirectory();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String code = Files.readString(f)
                            .replaceAll("(?s)/\\*.*?\\*/", "")
                            .replaceAll("//[^\\n]*", "");
                    Matcher m = REF.matcher(code);
                    while (m.find()) {
                        String used = m.group(1);
                        for (String forbidden : rule.getValue()) {
                            boolean hit = forbidden.equals("server") ? SERVER.contains(used) : used.equals(forbidden);
                            if (hit) {
                                violations.add(f + " uses " + used);
                            }
                        }
                    }
                }
            }
        }
        assertThat(violations).as("arrows that run back up").isEmpty();
    }

    @Test
    void nothingButTheEntryPointUsesTheCli() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(ROOT.resolve("cli")))
                    .toList()) {
                if (Files.readString(f).contains("io.dnsprobe.cli.")) {
                    violations.add(f.toString());
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
