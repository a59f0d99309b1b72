package io.dnsprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.workload.ContainerLibc;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.workload.Finding;
import io.dnsprobe.workload.ManifestReader;
import io.dnsprobe.workload.NameExtractor;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodResolvConf;
import io.dnsprobe.workload.SkippedKinds;
import io.dnsprobe.workload.WarningComposer;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import io.dnsprobe.workload.WorkloadParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
            "Exit status: 0 every name judged and none FAILS, 1 some name FAILS on a container's musl, 2 some names got "
                    + "no verdict (no reply from the nameserver; --allow-unjudged accepts that), unreadable input or usage error."})
final class CheckCommand implements Callable<Integer> {
    /** Names are probed within this once images are read. */
    private static final Duration NAMES_BUDGET = Duration.ofSeconds(60);

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

    @Mixin
    RegistryOptions registry;

    @Option(names = "--no-pull", description = "Do not read images from registries: libc from annotations and image names only.")
    boolean noPull;

    @Option(names = "--allow-unjudged", description = "Do not fail (exit 2) when some names got no verdict, e.g. because "
            + "the nameserver never replied: the summary still counts them.")
    boolean allowUnjudged;

    @Option(names = "--image-timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "120s",
            description = "Most time one image may take to read (default: ${DEFAULT-VALUE}).")
    Duration imageTimeout;

    @Mixin
    ImageReadOptions reading;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    record WorkloadFindings(String source, String kind, String namespace, String name, List<Finding> findings,
            List<String> warnings, List<String> unknown, List<ContainerJson> containers) {
    }

    /** A container as --json shows it: its libc, where that came from, and its program. */
    record ContainerJson(String name, String image, String libc, String source, String evidence, String program,
            boolean usesMusl, String imageError) {
        static ContainerJson of(WorkloadChecker.ContainerReport c, Map<String, String> imageErrors) {
            ContainerLibc l = c.libc();
            return new ContainerJson(c.name(), c.image(), l.libc().label(), l.source().name().toLowerCase(), l.evidence(),
                    l.program() == null ? null : l.program().reason(), l.usesMusl(), imageErrors.get(c.image()));
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        // Unreadable input is said at once and the rest still checked; the exit says the check was incomplete.
        ManifestReader.Result read = ManifestReader.read(files, System.in);
        List<ManifestReader.Manifest> manifests = read.manifests();
        PrintWriter err = spec.commandLine().getErr();
        read.unreadable().forEach(u -> err.println("dnsprobe: " + u.message()));
        err.flush();
        if (manifests.isEmpty() && !read.unreadable().isEmpty()) {
            return ExitCodes.USAGE_OR_PROBE_ERROR;
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
        SkippedKinds skipped = new SkippedKinds();
        Map<String, String> imageErrors = new ConcurrentHashMap<>();
        RegistryAuths auths = noPull ? RegistryAuths.NONE : registry.auths(spec.commandLine().getErr());
        Map<ManifestReader.Manifest, Optional<Workload>> parsed = new IdentityHashMap<>();
        manifests.forEach(m -> parsed.put(m, WorkloadParser.parse(m.object())));
        LibcDetector detector = new LibcDetector(Map.of());
        ImageProgress.Mode progress = reading.progress();
        try (Prober prober = Prober.builder().build();
                ImageInspector inspector = registry.inspector(imageTimeout, reading.parallel())) {
            WorkloadChecker.Images images = WorkloadChecker.Images.NONE;
            if (!noPull) {
                // Every workload's images at once (the inspector bounds how many run), all read before any is judged.
                List<Workload> workloads = manifests.stream().flatMap(m -> parsed.get(m).stream()).toList();
                ImageReads reads = new ImageReads(workloads, detector, inspector, auths, registry.platform(),
                        reading.parallel(), imageTimeout);
                reads.await(err, progress);
                imageErrors.putAll(reads.errors());
                images = reads.images();
            }
            Map<List<Object>, CompletableFuture<Optional<NameVerdicts>>> cache = new ConcurrentHashMap<>();
            // The local resolver stands in for the cluster's and the node's; a pod's dnsConfig (ndots,
            // searches, policy None) still applies on top, but the nameservers stay the ones given here.
            WorkloadChecker.Verdicts verdicts = (ns, name, dns) -> {
                ResolverConfig pod = PodResolvConf.of(dns, config, config).withServers(config.servers());
                return cache.computeIfAbsent(List.of(name, pod), k -> NameVerdicts.probe(prober, name, pod));
            };
            NameExtractor.ConfigMaps cms = (ns, name) -> Optional.ofNullable(configMaps.get(ns + "/" + name));
            for (ManifestReader.Manifest m : manifests) {
                Optional<Workload> w = parsed.get(m);
                if (w.isEmpty()) {
                    skipped.add(m.object().path("kind").asText(""));
                    continue;
                }
                String ns = ns(m.object());
                WorkloadChecker.Result r = WorkloadChecker.check(w.get(), ns, detector, images, cms, verdicts,
                        imageTimeout.plus(NAMES_BUDGET));
                results.add(new WorkloadFindings(m.source(), w.get().kind(), ns, w.get().name(), r.findings(),
                        WarningComposer.compose(r.findings()), r.unknown(),
                        r.containers().stream().map(c -> ContainerJson.of(c, imageErrors)).toList()));
            }
        }
        // Names of musl containers that got no verdict: a check that could not check must not pass silently.
        Set<String> unjudged = new LinkedHashSet<>();
        results.forEach(r -> unjudged.addAll(r.unknown()));
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
                for (ContainerJson c : r.containers()) {
                    if (c.imageError() != null) {
                        out.println("  image " + c.image() + " not read (" + c.imageError() + "); judged by its name: " + c.libc());
                    } else if (!c.usesMusl() && c.program() != null && c.libc().startsWith("musl")) {
                        out.println("  container " + c.name() + ": " + c.program());
                    }
                }
            }
            if (!skipped.isEmpty()) {
                out.println(skipped.summary());
            }
            out.println("checked " + results.size() + " workloads: " + warnings + " warnings"
                    + (unjudged.isEmpty() ? "" : ", " + unjudged.size() + " unjudged names (no reply from the nameserver)"));
        }
        out.flush();
        if (!read.unreadable().isEmpty()) {
            err.println("dnsprobe: " + read.unreadable().size() + " files or documents not read (said above); the check is "
                    + "incomplete");
            err.flush();
            return ExitCodes.USAGE_OR_PROBE_ERROR;
        }
        if (!unjudged.isEmpty() && !allowUnjudged) {
            err.println("dnsprobe: " + unjudged.size() + " names got no verdict (no reply from the nameserver): "
                    + abbreviate(unjudged) + "; the check is incomplete (--allow-unjudged accepts that)");
            err.flush();
            return ExitCodes.USAGE_OR_PROBE_ERROR;
        }
        boolean fails = results.stream().flatMap(r -> r.findings().stream()).anyMatch(Finding::fails);
        return fails ? ExitCodes.FAILS : ExitCodes.OK;
    }

    /** The first few names, then how many more. */
    private static String abbreviate(Set<String> names) {
        List<String> first = names.stream().limit(5).toList();
        return String.join(", ", first) + (names.size() > first.size() ? " and " + (names.size() - first.size()) + " more" : "");
    }

    private String ns(JsonNode object) {
        String ns = object.at("/metadata/namespace").asText("");
        return ns.isEmpty() ? namespace : ns;
    }
}
