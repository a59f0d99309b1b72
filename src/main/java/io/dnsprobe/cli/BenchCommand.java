package io.dnsprobe.cli;

import io.dnsprobe.probe.CandidateProbe;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.probe.QueryProbe;
import io.dnsprobe.resolver.DnsNames;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.text.ErrorText;
import io.dnsprobe.text.Sizes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Throughput of the probe engine: probes every name, round after round, and reports names/s and
 * queries/s (UDP and TCP exchanges). Point it at a local server; it sends as fast as the cap allows.
 */
@Command(
        name = "bench",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = "Probe names repeatedly against a server and report names/s and queries/s.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Names to probe (or use -f).")
    List<String> names = new ArrayList<>();

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "File with one name per line ('#' comments).")
    Path file;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "5",
            description = "Timed rounds after one warm-up (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--max-in-flight",
            paramLabel = "N",
            defaultValue = "" + Prober.DEFAULT_MAX_IN_FLIGHT,
            description = "Queries in flight at most (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Mixin
    ResolverOptions resolver;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A names file is a list of names: 16 MiB is a million of them, more than any bench needs. */
    static final int MAX_FILE_BYTES = 16 << 20;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> all = new ArrayList<>(names);
        if (file != null) {
            for (String line : readNames(file)) {
                String name = line.replaceAll("#.*", "").trim();
                if (!name.isEmpty()) {
                    all.add(name);
                }
            }
        }
        if (all.isEmpty()) {
            throw new CliException("no names: give NAME arguments or -f FILE");
        }
        for (String name : all) {
            if (!DnsNames.isValid(name)) {
                throw new CliException("'" + name + "': " + String.join("; ", DnsNames.problems(name)));
            }
        }
        if (rounds < 1 || maxInFlight < 1) {
            throw new CliException("--rounds and --max-in-flight must be at least 1");
        }
        ResolverConfig config = resolver.toConfig();
        if (!config.problems().isEmpty()) {
            throw new CliException(String.join("; ", config.problems()));
        }
        double[] namesPerSecond = new double[rounds];
        double[] queriesPerSecond = new double[rounds];
        try (Prober prober = Prober.builder().maxInFlight(maxInFlight).build()) {
            round(prober, all, config); // warm-up: JIT, sockets, server caches
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                long[] counts = round(prober, all, config);
                double seconds = (System.nanoTime() - start) / 1e9;
                namesPerSecond[i] = counts[0] / seconds;
                queriesPerSecond[i] = counts[1] / seconds;
                out.printf(
                        "round %d: %d name probes, %d queries (%d TCP), %d without reply, %.3f s: %.0f names/s, %.0f queries/s%n",
                        i + 1,
                        counts[0],
                        counts[1],
                        counts[2],
                        counts[3],
                        seconds,
                        namesPerSecond[i],
                        queriesPerSecond[i]);
            }
        }
        out.printf(
                "median of %d rounds: %.0f names/s, %.0f queries/s (max in flight %d)%n",
                rounds, median(namesPerSecond), median(queriesPerSecond), maxInFlight);
        out.flush();
        return ExitCodes.OK;
    }

    /** The lines of the names file, within {@link #MAX_FILE_BYTES}; a file that cannot be read is said, by name. */
    static List<String> readNames(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new CliException("cannot read " + file + ": is a directory");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_FILE_BYTES) {
                throw new CliException("cannot read " + file + ": larger than " + Sizes.bytes(MAX_FILE_BYTES));
            }
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString()
                    .lines()
                    .toList();
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + ErrorText.reason(e));
        }
    }

    /** Probes every name once; returns name probes, queries, TCP queries and queries without reply. */
    private static long[] round(Prober prober, List<String> names, ResolverConfig config) {
        List<CompletableFuture<List<NameProbe>>> futures = new ArrayList<>(names.size());
        for (String name : names) {
            futures.add(prober.probe(name, config).toCompletableFuture());
        }
        long[] counts = new long[4];
        for (CompletableFuture<List<NameProbe>> f : futures) {
            for (NameProbe p : f.join()) {
                counts[0]++;
                for (CandidateProbe c : p.candidates()) {
                    for (QueryProbe q : List.of(c.a(), c.aaaa())) {
                        counts[1] += q.tcp() == null ? 1 : 2;
                        counts[2] += q.tcp() == null ? 0 : 1;
                        counts[3] += q.udp().outcome().hasReply() ? 0 : 1;
                    }
                }
            }
        }
        return counts;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
