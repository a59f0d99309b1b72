package io.dnsprobe.cli;

import io.dnsprobe.probe.InvalidNameException;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.DnsNames;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.text.Printable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "probe",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Asks for each NAME as musl does (UDP, no EDNS0, A and AAAA, the search list), then over TCP, "
                    + "and says per libc whether getaddrinfo would resolve it.",
            "",
            "Exit status: 0 no musl model FAILS, 1 some name FAILS, 2 usage error or a server that never replied to any name."
        })
final class ProbeCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "NAME",
            arity = "1..*",
            description = "Names to probe; a trailing dot skips the search list.")
    List<String> names;

    @Mixin
    ResolverOptions resolver;

    @Option(
            names = "--json",
            description = "Print, per name and server, the recorded exchanges and every model's outcome.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            for (String p : DnsNames.problems(name)) {
                problems.add(p.startsWith("'") ? p : "'" + name + "': " + p);
            }
        }
        ResolverConfig config = resolver.toConfig();
        problems.addAll(config.problems());
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("dnsprobe: " + Printable.line(p)));
            return ExitCodes.USAGE_OR_PROBE_ERROR;
        }
        List<Probed> results = run(names, config);
        List<ProbeReport> reports = results.stream().map(Probed::report).toList();
        // A server is unreachable only when none of its names got anything back: one silent name among
        // answered ones is that name's own outcome, not the server's.
        Map<String, String> unreachable = new LinkedHashMap<>();
        Map<String, Boolean> answered = new LinkedHashMap<>();
        for (ProbeReport r : reports) {
            answered.merge(r.server(), r.unreachable() == null, Boolean::logicalOr);
            if (r.unreachable() != null) {
                unreachable.putIfAbsent(r.server(), r.unreachable());
            }
        }
        unreachable.keySet().removeIf(server -> answered.get(server));
        if (json) {
            out.println(ProbeJson.write(results));
        } else {
            ReportTable.print(reports, out);
        }
        out.flush();
        unreachable.forEach((server, why) -> err.println("dnsprobe: server " + server + " never replied: " + why));
        if (!unreachable.isEmpty()) {
            return ExitCodes.USAGE_OR_PROBE_ERROR;
        }
        return reports.stream().anyMatch(ProbeReport::anyFails) ? ExitCodes.FAILS : ExitCodes.OK;
    }

    static List<Probed> run(List<String> names, ResolverConfig config) {
        try (Prober prober = Prober.builder().build()) {
            List<CompletableFuture<List<NameProbe>>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(prober.probe(name, config).toCompletableFuture());
            }
            List<Probed> results = new ArrayList<>();
            for (CompletableFuture<List<NameProbe>> f : futures) {
                for (NameProbe p : f.join()) {
                    results.add(new Probed(ProbeReport.of(p), p));
                }
            }
            return results;
        } catch (InvalidNameException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** One name on one server: the verdicts first (what people read), then the evidence they rest on. */
    record Probed(ProbeReport report, NameProbe probe) {}
}
