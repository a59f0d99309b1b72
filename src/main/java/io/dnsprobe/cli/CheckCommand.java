package io.dnsprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.probe.ProbeJson;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.text.Printable;
import io.dnsprobe.workload.ContainerLibc;
import io.dnsprobe.workload.Finding;
import io.dnsprobe.workload.ManifestReader;
import io.dnsprobe.workload.NameExtractor;
import io.dnsprobe.workload.PodResolvConf;
import io.dnsprobe.workload.SkippedKinds;
import io.dnsprobe.workload.UnknownVersionPolicy;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The webhook's check over manifests, without a cluster: names are probed through the local resolver. */
@Command(
        name = "check",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Warn, as the admission webhook would, about musl (Alpine) containers in manifests that refer to "
                    + "names whose DNS replies need TCP. Reads multi-document YAML, JSON, Lists and helm template output. "
                    + "A summary ends the output: images read or not and why, libcs known or not, names judged or not.",
            "",
            "Exit status: 0 everything that could matter was judged and no name FAILS; 1 some name FAILS on a "
                    + "container's known musl version; 2 the check is incomplete: unreadable input, or something not "
                    + "judged (an unread image or an unknown libc of a container with names, a FAILS on a musl of "
                    + "unknown version, a server that never replied, names with no verdict or NXDOMAIN everywhere; "
                    + "one stderr line each, and --allow-unjudged=KIND accepts that kind), or a usage error. "
                    + "2 wins over 1."
        })
final class CheckCommand implements Callable<Integer> {
    /** Names are probed within this once images are read. */
    private static final Duration NAMES_BUDGET = Duration.ofSeconds(60);

    @Option(
            names = {"-f", "--filename"},
            required = true,
            paramLabel = "FILE|DIR|-",
            description = "Manifests: a file, a directory (recursively) or - for stdin. Repeatable.")
    List<String> files;

    @Option(
            names = {"-n", "--namespace"},
            defaultValue = "default",
            paramLabel = "NS",
            description = "Namespace of objects that name none (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Mixin
    ResolverOptions resolver;

    @Mixin
    RegistryOptions registry;

    @Option(
            names = "--no-pull",
            description = "Do not read images from registries: libc from annotations and image names only.")
    boolean noPull;

    @Option(
            names = "--allow-unjudged",
            arity = "0..1",
            split = ",",
            fallbackValue = Unjudged.ALL,
            paramLabel = "KIND",
            description = "Do not exit 2 for what could not be judged, of these kinds: images, libc, servers, "
                    + "names, nxdomain, or all (the default when no KIND is given). Repeatable or comma-separated; "
                    + "the summary still counts them.")
    List<String> allowUnjudged = new ArrayList<>();

    @Option(
            names = "--image-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "120s",
            description = "Most time one image may take to read (default: ${DEFAULT-VALUE}).")
    Duration imageTimeout;

    @Mixin
    ImageReadOptions reading;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    record WorkloadFindings(
            String source,
            String kind,
            String namespace,
            String name,
            List<Finding> findings,
            List<String> warnings,
            List<String> unknown,
            List<ContainerJson> containers) {}

    /** A container as --json shows it: its libc, where that came from, and its program. */
    record ContainerJson(
            String name,
            String image,
            String libc,
            String source,
            String evidence,
            String program,
            boolean usesMusl,
            String imageError) {
        static ContainerJson of(WorkloadChecker.ContainerReport c, Map<String, String> imageErrors) {
            ContainerLibc l = c.libc();
            return new ContainerJson(
                    c.name(),
                    c.image(),
                    l.libc().label(),
                    l.source().id(),
                    l.evidence(),
                    l.program() == null ? null : l.program().reason(),
                    l.usesMusl(),
                    imageErrors.get(c.image()));
        }
    }

    /** What {@code --json} prints: the workloads, what was checked and not, and the input that could not be read. */
    record CheckJson(List<WorkloadFindings> workloads, CheckSummary.Json summary, List<UnreadableJson> unreadable) {}

    /** @param line 0 when the whole file was not read */
    record UnreadableJson(String file, int line, String message) {
        static UnreadableJson of(ManifestReader.Unreadable u) {
            return new UnreadableJson(Printable.line(u.source()), u.line(), Printable.line(u.reason()));
        }
    }

    @Override
    public Integer call() throws IOException {
        Set<Unjudged> allowed = Unjudged.parse(allowUnjudged);
        PrintWriter out = spec.commandLine().getOut();
        // Unreadable input is said at once and the rest still checked; the exit says the check was incomplete.
        ManifestReader.Result read = ManifestReader.read(files, System.in);
        List<ManifestReader.Manifest> manifests = read.manifests();
        PrintWriter err = spec.commandLine().getErr();
        read.unreadable().forEach(u -> err.println("dnsprobe: " + u.message()));
        err.flush();
        CheckSummary summary = new CheckSummary(noPull);
        if (manifests.isEmpty() && !read.unreadable().isEmpty()) {
            if (json) {
                print(out, List.of(), summary, read, allowed);
            }
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
                m.object()
                        .path("data")
                        .fields()
                        .forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
                configMaps.put(
                        ns(m.object()) + "/" + m.object().at("/metadata/name").asText(), data);
            }
        }
        List<WorkloadFindings> results = new ArrayList<>();
        SkippedKinds skipped = new SkippedKinds();
        Map<String, String> imageErrors = new ConcurrentHashMap<>();
        RegistryAuths auths =
                noPull ? RegistryAuths.NONE : registry.auths(spec.commandLine().getErr());
        Map<ManifestReader.Manifest, Optional<Workload>> parsed = new IdentityHashMap<>();
        manifests.forEach(m -> parsed.put(m, WorkloadParser.parse(m.object())));
        LibcDetector detector = new LibcDetector(Map.of());
        ImageProgress.Mode progress = reading.progress();
        try (Prober prober = Prober.builder().build();
                ImageInspector inspector = registry.inspector(imageTimeout, reading.parallel())) {
            WorkloadChecker.Images images = WorkloadChecker.Images.NONE;
            if (!noPull) {
                // Every workload's images at once (the inspector bounds how many run), all read before any is judged.
                List<Workload> workloads =
                        manifests.stream().flatMap(m -> parsed.get(m).stream()).toList();
                ImageReads reads = new ImageReads(
                        workloads, detector, inspector, auths, registry.platform(), reading.parallel(), imageTimeout);
                reads.await(err, progress);
                imageErrors.putAll(reads.errors());
                images = reads.images();
            }
            AskedNames asked = new AskedNames(prober);
            // The local resolver stands in for the cluster's and the node's; a pod's dnsConfig (ndots,
            // searches, policy None) still applies on top, but the nameservers stay the ones given here.
            WorkloadChecker.Verdicts verdicts = (ns, name, dns) ->
                    asked.verdicts(name, PodResolvConf.of(dns, config, config).withServers(config.servers()));
            NameExtractor.ConfigMaps cms = (ns, name) -> Optional.ofNullable(configMaps.get(ns + "/" + name));
            for (ManifestReader.Manifest m : manifests) {
                Optional<Workload> workload = parsed.get(m);
                if (workload.isEmpty()) {
                    skipped.add(m.object().path("kind").asText(""));
                    continue;
                }
                Workload w = workload.get();
                String ns = ns(m.object());
                WorkloadChecker.Result r =
                        WorkloadChecker.check(w, ns, detector, images, cms, verdicts, imageTimeout.plus(NAMES_BUDGET));
                WorkloadFindings found = new WorkloadFindings(
                        m.source(),
                        w.kind(),
                        ns,
                        w.name(),
                        r.findings(),
                        WarningComposer.compose(r.findings()),
                        r.unknown(),
                        r.containers().stream()
                                .map(c -> ContainerJson.of(c, imageErrors))
                                .toList());
                results.add(found);
                // Every container's names, musl or not: the summary says which were not asked, and why.
                summary.add(
                        w.kind(),
                        w.name(),
                        r,
                        w.containers().stream()
                                .map(c -> NameExtractor.names(c, ns, w.annotations(), cms))
                                .toList(),
                        found.warnings().size());
            }
            summary.answers(asked.answers());
        }
        summary.imageErrors(imageErrors);
        summary.skipped(skipped);
        print(out, results, summary, read, allowed);
        return exit(read, summary, allowed, err);
    }

    private void print(
            PrintWriter out,
            List<WorkloadFindings> results,
            CheckSummary summary,
            ManifestReader.Result read,
            Set<Unjudged> allowed) {
        if (json) {
            out.println(ProbeJson.write(new CheckJson(
                    results,
                    summary.json(allowed),
                    read.unreadable().stream().map(UnreadableJson::of).toList())));
            out.flush();
            return;
        }
        for (WorkloadFindings r : results) {
            for (String w : r.warnings()) {
                out.println("Warning: " + w);
            }
            out.println(r.kind().toLowerCase() + "/" + r.name() + " (" + r.source() + "): "
                    + (r.warnings().isEmpty()
                            ? "no DNS warnings"
                            : CheckSummary.count(r.warnings().size(), "DNS warning"))
                    + (r.unknown().isEmpty()
                            ? ""
                            : "; no verdict for " + String.join(", ", r.unknown())
                                    + " (no reply from the nameserver)"));
            for (ContainerJson c : r.containers()) {
                if (c.imageError() == null
                        && !c.usesMusl()
                        && c.program() != null
                        && c.libc().startsWith("musl")) {
                    out.println("  container " + c.name() + ": " + c.program());
                }
            }
        }
        summary.lines().forEach(out::println);
        out.flush();
    }

    /**
     * The one place check's exit is decided. 2 when the check is incomplete: unreadable input, or a kind of
     * unjudged that {@code --allow-unjudged} did not accept (one stderr line each); else 1 when a name FAILS on a
     * container's known musl version ({@link UnknownVersionPolicy}); else 0.
     */
    private static int exit(ManifestReader.Result read, CheckSummary summary, Set<Unjudged> allowed, PrintWriter err) {
        boolean incomplete = false;
        if (!read.unreadable().isEmpty()) {
            int n = read.unreadable().size();
            err.println("dnsprobe: " + n + (n == 1 ? " file or document" : " files or documents")
                    + " not read (said above); the check is incomplete");
            incomplete = true;
        }
        for (CheckSummary.Cause c : summary.causes()) {
            if (!allowed.contains(c.kind())) {
                err.println("dnsprobe: " + c.message());
                incomplete = true;
            }
        }
        err.flush();
        if (incomplete) {
            return ExitCodes.USAGE_OR_PROBE_ERROR;
        }
        return summary.gateFailures() > 0 ? ExitCodes.FAILS : ExitCodes.OK;
    }

    private String ns(JsonNode object) {
        String ns = object.at("/metadata/namespace").asText("");
        return ns.isEmpty() ? namespace : ns;
    }
}
