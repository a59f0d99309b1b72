package io.dnsprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.workload.Finding;
import io.dnsprobe.workload.ManifestReader;
import io.dnsprobe.workload.NameExtractor;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodResolvConf;
import io.dnsprobe.workload.WarningComposer;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import io.dnsprobe.workload.WorkloadParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The webhook's check over manifests, without a cluster: names are probed through the local resolver. */
@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Warn, as the admission webhook would, about musl (Alpine) containers in manifests that refer to "
                + "names whose DNS replies need TCP. Reads multi-document YAML, JSON, Lists and helm template output.", "",
            "Exit status: 0 no name FAILS, 1 some name FAILS on a container's musl, 2 unreadable input or usage error."})
final class CheckCommand implements Callable<Integer> {
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR|-",
            description = "Manifests: a file, a directory (recursively) or - for stdin. Repeatable.")
    List<String> files;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS",
            description = "Namespace of objects that name none (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Mixin
    ResolverOptions resolver;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    record WorkloadFindings(String source, String kind, String namespace, String name, List<Finding> findings,
            List<String> warnings, List<String> unknown) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<ManifestReader.Manifest> manifests;
        try {
            manifests = ManifestReader.read(files, System.in);
        } catch (ManifestReader.ManifestException e) {
            throw new CliException(e.getMessage());
        }
        ResolverConfig config = resolver.toConfig();
        if (!config.problems().isEmpty()) {
            throw new CliException(String.join("; ", config.problems()));
        }
        Map<String, Map<String, String>> configMaps = new HashMap<>();
        for (ManifestReader.Manifest m : manifests) {
            if (m.object().path("kind").asText().equals("ConfigMap")) {
                Map<String, String> data = new LinkedHashMap<>();
                m.object().path("data").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
                configMaps.put(ns(m.object()) + "/" + m.object().at("/metadata/name").asText(), data);
            }
        }
        List<WorkloadFindings> results = new ArrayList<>();
        try (Prober prober = Prober.builder().build()) {
            Map<List<Object>, CompletableFuture<Optional<NameVerdicts>>> cache = new ConcurrentHashMap<>();
            // The local resolver stands in for the cluster's and the node's; a pod's dnsConfig (ndots,
            // searches, policy None) still applies on top, but the nameservers stay the ones given here.
            WorkloadChecker.Verdicts verdicts = (ns, name, dns) -> {
                ResolverConfig pod = PodResolvConf.of(dns, config, config).withServers(config.servers());
                return cache.computeIfAbsent(List.of(name, pod), k -> NameVerdicts.probe(prober, name, pod));
            };
            NameExtractor.ConfigMaps cms = (ns, name) -> Optional.ofNullable(configMaps.get(ns + "/" + name));
            LibcDetector detector = new LibcDetector(Map.of());
            for (ManifestReader.Manifest m : manifests) {
                Optional<Workload> w = WorkloadParser.parse(m.object());
                if (w.isEmpty()) {
                    continue;
                }
                String ns = ns(m.object());
                WorkloadChecker.Result r = WorkloadChecker.check(w.get(), ns, detector, cms, verdicts, BUDGET);
                results.add(new WorkloadFindings(m.source(), w.get().kind(), ns, w.get().name(), r.findings(),
                        WarningComposer.compose(r.findings()), r.unknown()));
            }
        }
        if (json) {
            out.println(ProbeJson.write(results));
        } else {
            int warnings = 0;
            for (WorkloadFindings r : results) {
                for (String w : r.warnings()) {
                    out.println("Warning: " + w);
                }
                warnings += r.warnings().size();
                out.println(r.kind().toLowerCase() + "/" + r.name() + " (" + r.source() + "): "
                        + (r.warnings().isEmpty() ? "no DNS warnings" : r.warnings().size() + " DNS warnings")
                        + (r.unknown().isEmpty() ? "" : "; no verdict for " + String.join(", ", r.unknown())
                                + " (no reply from the nameserver)"));
            }
            out.println("checked " + results.size() + " workloads: " + warnings + " warnings");
        }
        out.flush();
        boolean fails = results.stream().flatMap(r -> r.findings().stream()).anyMatch(Finding::fails);
        return fails ? ExitCodes.FAILS : ExitCodes.OK;
    }

    private String ns(JsonNode object) {
        String ns = object.at("/metadata/namespace").asText("");
        return ns.isEmpty() ? namespace : ns;
    }
}
