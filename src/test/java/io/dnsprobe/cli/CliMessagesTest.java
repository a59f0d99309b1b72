package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.Ports;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error path of the CLI that a test can reach, run as a user would meet it: bad files, flags, durations,
 * servers, names, image references, registries that refuse or do not resolve. Each must exit 2 with a message
 * that names what is wrong, and nothing printed may hold a Java class name, a stack frame or an inner class.
 */
class CliMessagesTest {
    /** What a Java internal looks like in a message: a qualified name, a class-like Exception/Error, a frame. */
    static final Pattern JAVA_INTERNALS = Pattern.compile("\\b(java|javax|sun|jdk|com|io|org)\\.[a-z]+\\.[A-Za-z.]+"
            + "|[a-z](Exception|Error)\\b"
            + "|\\.[A-Z][A-Za-z]*(Exception|Error)\\b"
            + "|\\$[0-9]"
            + "|\\bat [a-z]+\\.[a-z]");

    @TempDir
    static Path dir;

    /**
     * One error path: the arguments, and what it must say about it.
     *
     * @param exitsTwo false where the exit is another policy's (what {@code check} does with an unread image)
     */
    private record Case(String what, List<String> args, String says, boolean exitsTwo) {
        Case(String what, String says, String... args) {
            this(what, List.of(args), says, true);
        }

        Case exitAside() {
            return new Case(what, args, says, false);
        }
    }

    private static List<Case> cases() throws Exception {
        Path missing = dir.resolve("missing.txt");
        Path notUtf8 = Files.write(dir.resolve("names.bin"), new byte[] {'a', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
        Path huge = dir.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(BenchCommand.MAX_FILE_BYTES + 1L); // sparse: no disk, but over the bound
        }
        Path badNames = Files.writeString(dir.resolve("bad-names.txt"), "ok.example\nbad..example\n");
        Path notJson = Files.writeString(dir.resolve("config.json"), "vm-1\n");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        Path badYaml =
                Files.writeString(dir.resolve("bad.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
        Path helm = Files.writeString(dir.resolve("chart.yaml"), "{{- if .Values.on }}\nkind: Pod\n{{- end }}\n");
        String refused = "127.0.0.1:" + Ports.freeTcpPort();
        Path pod = Files.writeString(
                dir.resolve("pod.yaml"),
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                        + "  containers:\n  - {name: c, image: \"" + refused + "/acme/app:1\","
                        + " args: [\"--host\", \"db.test.example\"]}\n");
        String closedDns = "127.0.0.1:" + Ports.closedUdpPort();
        String d = dir.toString();
        return List.of(
                new Case(
                        "bench -f of a missing file",
                        "dnsprobe: cannot read " + missing + ": no such file",
                        "bench",
                        "-f",
                        missing.toString(),
                        "--server",
                        closedDns),
                new Case(
                        "bench -f of a directory",
                        "dnsprobe: cannot read " + d + ": is a directory",
                        "bench",
                        "-f",
                        d,
                        "--server",
                        closedDns),
                new Case(
                        "bench -f of bytes that are not text",
                        "cannot read " + notUtf8 + ": not text",
                        "bench",
                        "-f",
                        notUtf8.toString(),
                        "--server",
                        closedDns),
                new Case(
                        "bench -f of a file over the bound",
                        "cannot read " + huge + ": larger than",
                        "bench",
                        "-f",
                        huge.toString(),
                        "--server",
                        closedDns),
                new Case(
                        "bench -f with an invalid name",
                        "'bad..example' has an empty label",
                        "bench",
                        "-f",
                        badNames.toString(),
                        "--server",
                        closedDns),
                new Case("bench without names", "no names", "bench", "--server", closedDns),
                new Case("bench --rounds 0", "--rounds", "bench", "--rounds", "0", "--server", closedDns, "x.example"),
                new Case("bench --rounds of a word", "'many' is not an int", "bench", "--rounds", "many", "x.example"),
                new Case(
                        "probe --resolv-conf of a missing file",
                        "dnsprobe: --resolv-conf " + missing + ": no such file",
                        "probe",
                        "--resolv-conf",
                        missing.toString(),
                        "x.example"),
                new Case(
                        "probe --resolv-conf of a directory",
                        "--resolv-conf " + d + ": is a directory",
                        "probe",
                        "--resolv-conf",
                        d,
                        "x.example"),
                new Case(
                        "bench --resolv-conf of a missing file",
                        "--resolv-conf " + missing + ": no such file",
                        "bench",
                        "--resolv-conf",
                        missing.toString(),
                        "x.example"),
                new Case(
                        "check --resolv-conf of a missing file",
                        "--resolv-conf " + missing + ": no such file",
                        "check",
                        "-f",
                        pod.toString(),
                        "--no-pull",
                        "--resolv-conf",
                        missing.toString()),
                new Case(
                        "a duration that is a word",
                        "'soon' is not a duration",
                        "probe",
                        "--timeout",
                        "soon",
                        "x.example"),
                new Case(
                        "a duration past a long",
                        "is longer than any duration",
                        "probe",
                        "--timeout",
                        "99999999999999999999s",
                        "x.example"),
                new Case(
                        "a duration past what nanoseconds hold",
                        "is longer than any duration",
                        "image",
                        "--timeout",
                        "999999999999999999m",
                        "x/y:1"),
                new Case(
                        "an image timeout of a day and more",
                        "image timeout 1000h is outside 1ms-24h",
                        "image",
                        "--timeout",
                        "60000m",
                        "x/y:1"),
                new Case(
                        "a zero timeout",
                        "timeout 0ms is outside",
                        "probe",
                        "--timeout",
                        "0s",
                        "--server",
                        closedDns,
                        "x"),
                new Case("--ndots of a word", "'abc' is not an int", "probe", "--ndots", "abc", "x.example"),
                new Case(
                        "--ndots out of range",
                        "ndots 99 is outside 0-15",
                        "probe",
                        "--server",
                        closedDns,
                        "--ndots",
                        "99",
                        "x"),
                new Case(
                        "--attempts out of range",
                        "attempts 0 is outside 1-5",
                        "probe",
                        "--server",
                        closedDns,
                        "--attempts",
                        "0",
                        "x"),
                new Case(
                        "--server of a host name",
                        "server 'dns.example': not an IP address",
                        "probe",
                        "--server",
                        "dns.example",
                        "x.example"),
                new Case(
                        "--server with a port out of range",
                        "port 99999 is outside 1-65535",
                        "probe",
                        "--server",
                        "127.0.0.1:99999",
                        "x.example"),
                new Case("--server empty", "server is empty", "probe", "--server", "", "x.example"),
                new Case(
                        "--search of an invalid domain",
                        "search domain: 'bad..x' has an empty label",
                        "probe",
                        "--server",
                        closedDns,
                        "--search",
                        "bad..x",
                        "x"),
                new Case(
                        "an invalid name",
                        "'bad..example' has an empty label",
                        "probe",
                        "--server",
                        closedDns,
                        "bad..example"),
                new Case(
                        "a name with a terminal escape",
                        "'a\\u001b[31m.example'",
                        "probe",
                        "--server",
                        closedDns,
                        "a\u001b[31m.example"),
                new Case("an IP address as a name", "is an IP address", "probe", "--server", closedDns, "192.0.2.1"),
                new Case("an unknown option", "Unknown option: '--frobnicate'", "probe", "--frobnicate", "x.example"),
                new Case("an unknown command", "'frobnicate' is not a command; the commands are probe", "frobnicate"),
                new Case("help of an unknown command", "Unknown subcommand 'frobnicate'", "help", "frobnicate"),
                new Case("probe without names", "Missing required parameter: 'NAME'", "probe"),
                new Case(
                        "a server that never replies",
                        "server " + closedDns + " never replied: ICMP port unreachable",
                        "probe",
                        "--server",
                        closedDns,
                        "--no-search",
                        "--timeout",
                        "300ms",
                        "x.example"),
                new Case(
                        "an invalid image reference",
                        "not an image reference: 'bad ref' is not a repository name",
                        "image",
                        "Bad Ref"),
                new Case("a digest that is none", "'sha256:zz' is not a sha256 digest", "image", "a@sha256:zz"),
                new Case(
                        "a registry that refuses",
                        "cannot connect to registry " + refused + ": connection refused",
                        "image",
                        "--insecure-registry",
                        refused,
                        refused + "/acme/app:1"),
                new Case(
                        "a registry over TLS that refuses",
                        "cannot connect to registry " + refused + ": connection refused",
                        "image",
                        refused + "/acme/app:1"),
                // .invalid never resolves (RFC 6761): NXDOMAIN, or no DNS server at all; either is a DNS failure.
                new Case(
                        "a registry whose name does not resolve",
                        "cannot resolve registry host registry.invalid",
                        "image",
                        "--timeout",
                        "30s",
                        "registry.invalid/acme/app:1"),
                new Case(
                        "--platform that is none",
                        "--platform: 'amd64' is not a platform",
                        "image",
                        "--platform",
                        "amd64",
                        "x/y:1"),
                new Case(
                        "--registry-config of a missing file",
                        "--registry-config " + missing + ": no such file",
                        "image",
                        "--registry-config",
                        missing.toString(),
                        "x/y:1"),
                new Case(
                        "--registry-config of a directory",
                        "--registry-config " + d + ": is a directory",
                        "image",
                        "--registry-config",
                        d,
                        "x/y:1"),
                new Case(
                        "--registry-config that is not JSON",
                        "is not a docker config: not JSON (line 1",
                        "image",
                        "--registry-config",
                        notJson.toString(),
                        "x/y:1"),
                new Case(
                        "--ca-file of a missing file",
                        "--ca-file " + missing + ": no such file",
                        "image",
                        "--ca-file",
                        missing.toString(),
                        "x/y:1"),
                new Case(
                        "--ca-file that holds no certificate",
                        "--ca-file " + notPem + " holds no PEM certificate",
                        "image",
                        "--ca-file",
                        notPem.toString(),
                        "x/y:1"),
                new Case("check -f of a missing file", missing + ": no such file", "check", "-f", missing.toString()),
                new Case("check -f of YAML that does not parse", badYaml + ":", "check", "-f", badYaml.toString()),
                new Case(
                        "check -f of a Helm template",
                        "render it with `helm template` first",
                        "check",
                        "-f",
                        helm.toString(),
                        "--no-pull"),
                new Case("check without -f", "Missing required option", "check"),
                new Case(
                                "check of an image on a registry that refuses",
                                "cannot connect to registry " + refused + ": connection refused",
                                "check",
                                "-f",
                                pod.toString(),
                                "--insecure-registry",
                                refused,
                                "--server",
                                closedDns,
                                "--timeout",
                                "300ms",
                                "--no-search")
                        .exitAside());
    }

    @Test
    void thePatternFindsJavaInternalsAndSparesWords() {
        assertThat(JAVA_INTERNALS
                        .matcher("internal error: java.nio.file.NoSuchFileException: x")
                        .find())
                .isTrue();
        assertThat(JAVA_INTERNALS
                        .matcher("(UnknownHostException: kubernetes.default.svc)")
                        .find())
                .isTrue();
        assertThat(JAVA_INTERNALS
                        .matcher("Cannot invoke \"Foo.bar()\" because x is null in Foo$1")
                        .find())
                .isTrue();
        assertThat(JAVA_INTERNALS
                        .matcher("\tat io.dnsprobe.cli.Main.main(Main.java:20)")
                        .find())
                .isTrue();
        assertThat(JAVA_INTERNALS
                        .matcher("cannot resolve registry host quay.io: no such host; Error: none")
                        .find())
                .isFalse();
    }

    @TestFactory
    Stream<DynamicTest> everyErrorPathSaysWhatIsWrongWithoutJavaInternals() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.what(), () -> {
                Run r = run(c.args().toArray(String[]::new));
                String all = r.out() + r.err();
                assertThat(all).as("what it says names the problem").contains(c.says());
                assertThat(JAVA_INTERNALS
                                .matcher(all)
                                .results()
                                .map(m -> m.group())
                                .toList())
                        .as("Java internals in:\n" + all)
                        .isEmpty();
                if (c.exitsTwo()) {
                    assertThat(r.exit()).as(all).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
                }
            }));
        }
        return tests.stream();
    }
}
