package io.dnsprobe.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.resolver.SearchPath;
import io.dnsprobe.testing.BoundedProcess;
import io.dnsprobe.testing.RealDnsServer;
import io.dnsprobe.testing.SearchLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The models against the resolvers they predict. For each scenario and each server (BIND truncating
 * partially, NSD truncating to nothing), the real glibc and the real musl 1.2.3 resolve the name
 * through getaddrinfo, the engine probes it with the same resolv.conf, and the models must agree with
 * the real results (address count and error) every time.
 *
 * <p>Everything runs in private network namespaces ({@code ip netns}): the servers on 127.0.0.1:53
 * there, the clients with a pod-like resolv.conf bind-mounted by {@code ip netns exec}. Needs root.
 * Seed: {@code -Dconformance.seed=N} (default fixed, so CI is repeatable; {@code random} draws one).
 */
class ConformanceIT {
    private static final int GENERATED = 216;
    private static final long DEFAULT_SEED = 20261125L;
    private static final Path OUT = Path.of("target", "conformance");
    private static final List<String> ZONES = List.of("cluster.local", RealDnsServer.ORIGIN, "");

    record Real(String outcome) {}

    record Row(String libc, String server, Scenario scenario, String real, String model, JsonNode entry) {
        boolean agrees() {
            return real.equals(model);
        }
    }

    @Test
    void modelsAgreeWithRealGlibcAndMusl() throws Exception {
        requireTools();
        String seedProperty = System.getProperty("conformance.seed", String.valueOf(DEFAULT_SEED));
        long seed = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
        List<Scenario> scenarios = Scenarios.generate(seed, GENERATED);
        System.out.println("conformance: seed " + seed + " (rerun with -Dconformance.seed=" + seed + "), "
                + scenarios.size() + " scenarios per server");

        Files.createDirectories(OUT);
        Path glibc = compile("gcc", "gai-glibc");
        Path musl = compile("musl-gcc", "gai-musl", "-static");
        Map<String, String> zones = zoneFiles(scenarios);

        List<Row> rows = new ArrayList<>();
        for (String server : List.of("BIND", "NSD")) {
            rows.addAll(runAgainst(server, zones, scenarios, glibc, musl, Scenarios.SEARCH));
        }
        printSummary(rows);
        List<Row> disagreements = rows.stream().filter(r -> !r.agrees()).toList();
        if (!disagreements.isEmpty()) {
            printDisagreements(disagreements);
        }
        assertThat(disagreements.size())
                .as("disagreements with the real libc, listed above (seed " + seed + ")")
                .isZero();
        assertThat(rows).hasSize(4 * scenarios.size());
    }

    /**
     * musl reads resolv.conf a line at a time into 256 bytes and skips a line that does not fit: a
     * search line of 255 characters leaves it with no search domains, while glibc uses them all. The
     * limit is pinned from both sides, 254 and 255, against real musl and glibc.
     */
    @Test
    void muslSkipsASearchLineItCannotRead() throws Exception {
        requireTools();
        Files.createDirectories(OUT);
        Path glibc = compile("gcc", "gai-glibc");
        Path musl = compile("musl-gcc", "gai-musl", "-static");
        List<Scenario> scenarios = List.of(
                new Scenario(
                        "L1",
                        "3 A at the last real search domain",
                        "longsearch",
                        z -> z.manyA("longsearch." + RealDnsServer.ORIGIN, 3)),
                new Scenario(
                        "L2",
                        "a Service in the pod's namespace",
                        "longsvc",
                        z -> z.a("longsvc.ns1.svc.cluster.local", "10.96.0.7")),
                new Scenario(
                        "L3",
                        "an absolute name",
                        "longabs." + RealDnsServer.ORIGIN + ".",
                        z -> z.manyA("longabs." + RealDnsServer.ORIGIN, 2)));
        Map<String, String> zones = zoneFiles(scenarios);
        for (int length : List.of(SearchPath.MUSL_MAX_SEARCH_LINE, SearchPath.MUSL_MAX_SEARCH_LINE + 1)) {
            List<String> search = SearchLines.ofLength(Scenarios.SEARCH, length);
            List<Row> rows = runAgainst("BIND", zones, scenarios, glibc, musl, search);
            List<Row> disagreements = rows.stream().filter(r -> !r.agrees()).toList();
            if (!disagreements.isEmpty()) {
                printDisagreements(disagreements);
            }
            assertThat(disagreements)
                    .as("search line of " + length + " characters")
                    .isEmpty();
            Map<String, String> real = new HashMap<>();
            rows.forEach(r -> real.put(r.libc() + " " + r.scenario().id(), r.real()));
            boolean skipped = length > SearchPath.MUSL_MAX_SEARCH_LINE;
            // The real resolvers themselves show the limit, so agreement above is not agreement on nothing.
            assertThat(real.get("glibc L1")).isEqualTo("3");
            assertThat(real.get("glibc L2")).isEqualTo("1");
            assertThat(real.get("musl-1.2.3 L1")).isEqualTo(skipped ? "EAI_NONAME" : "3");
            assertThat(real.get("musl-1.2.3 L2")).isEqualTo(skipped ? "EAI_NONAME" : "1");
            assertThat(real.get("musl-1.2.3 L3")).isEqualTo("2");
        }
    }

    private static List<Row> runAgainst(
            String server,
            Map<String, String> zones,
            List<Scenario> scenarios,
            Path glibc,
            Path musl,
            List<String> search)
            throws Exception {
        String netns = "dnsprobe-conf-" + server.toLowerCase() + "-"
                + ProcessHandle.current().pid();
        Path etc = Path.of("/etc/netns", netns);
        run(List.of("ip", "netns", "add", netns));
        try {
            run(List.of("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up"));
            Files.createDirectories(etc);
            // Nothing here times out: every query is answered on loopback. The real resolvers time on the wall clock,
            // so the timeout is a hang guard's length (a reply later than it on a busy machine would be a disagreement
            // for the machine's speed); one attempt keeps what does time out bounded.
            Files.writeString(
                    etc.resolve("resolv.conf"),
                    "nameserver 127.0.0.1\n" + SearchPath.searchLine(search) + "\noptions ndots:" + Scenarios.NDOTS
                            + " timeout:10 attempts:1\n");
            try (RealDnsServer dns = server.equals("BIND")
                    ? new RealDnsServer.Bind(zones, netns)
                    : new RealDnsServer.Nsd(zones, netns)) {
                List<String> names = scenarios.stream().map(Scenario::name).toList();
                long t0 = System.nanoTime();
                Map<String, String> realGlibc = realClient(netns, glibc, names);
                long t1 = System.nanoTime();
                Map<String, String> realMusl = realClient(netns, musl, names);
                long t2 = System.nanoTime();
                Map<String, JsonNode> probed = probe(netns, names);
                long t3 = System.nanoTime();
                System.out.printf(
                        "conformance: %s: glibc client %d ms, musl client %d ms, probe %d ms%n",
                        server, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
                List<Row> rows = new ArrayList<>();
                for (Scenario s : scenarios) {
                    JsonNode entry = probed.get(s.name());
                    rows.add(new Row("glibc", server, s, realGlibc.get(s.name()), modelOutcome(entry, "glibc"), entry));
                    rows.add(new Row(
                            "musl-1.2.3", server, s, realMusl.get(s.name()), modelOutcome(entry, "musl-1.2.3"), entry));
                }
                return rows;
            }
        } finally {
            run(List.of("ip", "netns", "del", netns));
            Files.deleteIfExists(etc.resolve("resolv.conf"));
            Files.deleteIfExists(etc);
        }
    }

    /** Runs the C client in the namespace: name -> "3" (addresses) or "EAI_NONAME". */
    private static Map<String, String> realClient(String netns, Path client, List<String> names) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of("ip", "netns", "exec", netns, client.toAbsolutePath().toString()));
        cmd.addAll(names);
        Map<String, String> out = new HashMap<>();
        String output = run(cmd);
        // Kept for whoever reads a failure: what the real resolver said, name by name.
        Files.writeString(OUT.resolve(netns + "-" + client.getFileName() + ".txt"), output);
        for (String line : output.split("\n")) {
            String[] f = line.split("\t");
            out.put(f[0], f[1].equals("OK") ? f[2] : f[2]);
        }
        assertThat(out).as("one result per name from " + client.getFileName()).hasSize(names.size());
        return out;
    }

    /** Runs {@code dnsprobe probe --json} in the namespace, with the namespace's resolv.conf. */
    private static Map<String, JsonNode> probe(String netns, List<String> names) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                netns,
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "io.dnsprobe.cli.Main",
                "probe",
                "--json"));
        cmd.addAll(names);
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode entry : ProbeJson.mapper().readTree(run(cmd, 0, 1))) {
            out.put(entry.at("/report/name").asText(), entry);
        }
        assertThat(out).as("one probe per name").hasSize(names.size());
        return out;
    }

    private static String modelOutcome(JsonNode entry, String model) {
        for (JsonNode v : entry.at("/report/verdicts")) {
            if (v.get("model").asText().equals(model)) {
                JsonNode r = v.get("resolution");
                return r.hasNonNull("error")
                        ? "EAI_" + r.get("error").asText()
                        : String.valueOf(r.get("addresses").size());
            }
        }
        throw new IllegalStateException("no verdict for " + model);
    }

    /** Splits every scenario's records into the zones the servers are authoritative for. */
    private static Map<String, String> zoneFiles(List<Scenario> scenarios) {
        Zone all = new Zone();
        scenarios.forEach(s -> s.records().accept(all));
        Map<String, List<Record>> byZone = new LinkedHashMap<>();
        ZONES.forEach(z -> byZone.put(z, new ArrayList<>()));
        for (Record r : all.records()) {
            byZone.get(zoneOf(r.getName())).add(r);
        }
        Map<String, String> files = new LinkedHashMap<>();
        byZone.forEach((origin, records) -> files.put(origin, RealDnsServer.zoneFile(origin, records)));
        return files;
    }

    private static String zoneOf(Name name) {
        String n = name.toString(true).toLowerCase();
        for (String zone : ZONES) {
            if (zone.isEmpty() || n.equals(zone) || n.endsWith("." + zone)) {
                return zone;
            }
        }
        throw new IllegalStateException(n);
    }

    private static Path compile(String compiler, String output, String... flags) throws Exception {
        Path binary = OUT.resolve(output);
        List<String> cmd = new ArrayList<>(List.of(compiler, "-O2", "-Wall", "-o", binary.toString()));
        cmd.addAll(List.of(flags));
        cmd.add(Path.of("src", "test", "c", "gai.c").toString());
        run(cmd);
        return binary;
    }

    private static void requireTools() throws Exception {
        String uid = run(List.of("id", "-u")).trim();
        assertThat(uid)
                .as("the conformance suite needs root for network namespaces (CI runs as root)")
                .isEqualTo("0");
        Map<String, String> tools = Map.of(
                "/usr/sbin/ip",
                "iproute2",
                "/usr/bin/gcc",
                "gcc",
                "/usr/bin/musl-gcc",
                "musl-tools",
                "/usr/sbin/named",
                "bind9",
                "/usr/sbin/nsd",
                "nsd",
                "/usr/bin/dig",
                "bind9-dnsutils");
        tools.forEach((path, pkg) -> assertThat(Path.of(path))
                .as(path + " is missing: apt-get install " + pkg + " (.ci/install-deps does this)")
                .isExecutable());
    }

    /** Runs a command to its end, 120 s at most (then it is killed and the test fails); stderr shows in the build log. */
    private static String run(List<String> cmd, int... okExits) throws Exception {
        BoundedProcess.Result r = BoundedProcess.run(
                new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT), Duration.ofSeconds(120));
        int[] ok = okExits.length == 0 ? new int[] {0} : okExits;
        for (int code : ok) {
            if (r.exit() == code) {
                return r.out();
            }
        }
        throw new IOException("exit " + r.exit() + ": " + String.join(" ", cmd.subList(0, Math.min(6, cmd.size()))));
    }

    private static void printSummary(List<Row> rows) {
        System.out.println();
        System.out.printf("%-12s %-6s %10s %10s %9s%n", "LIBC", "SERVER", "SCENARIOS", "AGREE", "AGREEMENT");
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (Row r : rows) {
            int[] c = counts.computeIfAbsent(r.libc() + " " + r.server(), k -> new int[2]);
            c[0]++;
            c[1] += r.agrees() ? 1 : 0;
        }
        counts.forEach((key, c) -> {
            String[] k = key.split(" ");
            System.out.printf("%-12s %-6s %10d %10d %8.1f%%%n", k[0], k[1], c[0], c[1], 100.0 * c[1] / c[0]);
        });
        // Agreement on easy names proves little: say how often the real resolvers disagreed with each other.
        Map<String, Map<String, String>> glibcByServer = new LinkedHashMap<>();
        rows.stream()
                .filter(r -> r.libc().equals("glibc"))
                .forEach(r -> glibcByServer
                        .computeIfAbsent(r.server(), k -> new HashMap<>())
                        .put(r.scenario().id(), r.real()));
        glibcByServer.forEach((server, glibc) -> System.out.printf(
                "%s: real musl 1.2.3 and real glibc differ in %d of %d scenarios%n",
                server,
                rows.stream()
                        .filter(r -> r.server().equals(server)
                                && r.libc().startsWith("musl")
                                && !r.real().equals(glibc.get(r.scenario().id())))
                        .count(),
                glibc.size()));
        System.out.println();
    }

    private static void printDisagreements(List<Row> rows) {
        System.out.println("DISAGREEMENTS");
        System.out.printf("%-6s %-12s %-6s %-10s %-10s %s%n", "ID", "LIBC", "SERVER", "REAL", "MODEL", "SCENARIO");
        for (Row r : rows) {
            System.out.printf(
                    "%-6s %-12s %-6s %-10s %-10s %s (%s)%n",
                    r.scenario().id(),
                    r.libc(),
                    r.server(),
                    r.real(),
                    r.model(),
                    r.scenario().kind(),
                    r.scenario().name());
        }
        System.out.println();
        for (Row r : rows.subList(0, Math.min(3, rows.size()))) {
            System.out.println("recorded exchanges for " + r.scenario().name() + " on " + r.server() + ":");
            System.out.println(ProbeJson.write(r.entry()));
        }
    }
}
