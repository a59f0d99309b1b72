package io.dnsprobe.cli;

import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodDns;
import io.dnsprobe.workload.WarningComposer;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Replays the field report that started the project, with nothing installed and no network: two
 * in-process servers on loopback serve the same names, one truncating as BIND and CoreDNS do, one as
 * forwarders do, and a pod-like resolver configuration probes both.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Reproduce the Alpine 'works on my laptop' DNS failure on loopback, no network needed.")
final class DemoCommand implements Callable<Integer> {
    static final List<String> SEARCH = List.of("default.svc.cluster.local", "svc.cluster.local", "cluster.local");
    static final List<String> NAMES = List.of("a.company.com", "vis.company.com", "pods.company.com");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static Zone zone() {
        return new Zone()
                .a("a.company.com", "192.0.2.10")
                .manyA("vis.company.com", 40)
                .manyA("pods.company.com", 64);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.println("A pod asks for three names through a resolv.conf like Kubernetes writes:");
        out.println("  search " + String.join(" ", SEARCH) + "    options ndots:5");
        out.println("a.company.com has 1 A record, vis.company.com 40 (the field report's 'very important service'),");
        out.println(
                "pods.company.com 64 (a headless Service with 64 ready pods). Without EDNS0 only 29 A records fit in 512 bytes.");
        try (LoopbackDnsServer partial = LoopbackDnsServer.start(zone(), Truncation.PARTIAL);
                LoopbackDnsServer empty = LoopbackDnsServer.start(zone(), Truncation.EMPTY)) {
            section(
                    out,
                    "1. A server that truncates by keeping what fits (BIND, CoreDNS answering from its cache):",
                    partial);
            section(
                    out,
                    "2. A server that truncates to an empty answer (CoreDNS forward, Unbound, NSD) - the field report's case:",
                    empty);
            kubectlApply(out, empty);
        }
        out.println();
        out.println(
                "Read: musl <= 1.2.3 is Alpine <= 3.17, musl 1.2.4 is Alpine 3.18, musl 1.2.4_git is Alpine 3.19, musl >= 1.2.5 is Alpine 3.20+.");
        out.println("Probe your own names with: dnsprobe probe NAME... [--server HOST[:PORT]]");
        out.flush();
        return ExitCodes.OK;
    }

    /** What the admission webhook makes kubectl print for a Deployment on alpine:3.14 using vis.company.com. */
    private static void kubectlApply(PrintWriter out, LoopbackDnsServer server) {
        out.println();
        out.println(
                "3. kubectl apply of a Deployment on alpine:3.14 whose DB_URL is jdbc:postgresql://vis.company.com:5432/orders,");
        out.println("   with the dnsprobe webhook installed and the cluster DNS behind server 2:");
        out.println("$ kubectl apply -f orders.yaml");
        Workload orders = new Workload(
                "Deployment",
                "shop",
                "orders",
                java.util.Map.of(),
                List.of(new Workload.Container(
                        "app",
                        "alpine:3.14",
                        false,
                        List.of(new Workload.Env(
                                "DB_URL", "jdbc:postgresql://vis.company.com:5432/orders", null, null)),
                        List.of(),
                        List.of(),
                        List.of())),
                PodDns.CLUSTER_FIRST);
        ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                .withSearch(SEARCH)
                .withNdots(5)
                .withTimeout(Duration.ofSeconds(2));
        try (Prober prober = Prober.builder().build()) {
            WorkloadChecker.Result result = WorkloadChecker.check(
                    orders,
                    "shop",
                    new LibcDetector(java.util.Map.of()),
                    WorkloadChecker.Images.NONE,
                    (ns, name) -> Optional.empty(),
                    (ns, name, dns) -> NameVerdicts.probe(prober, name, config),
                    Duration.ofSeconds(10));
            WarningComposer.compose(result.findings()).forEach(w -> out.println("Warning: " + w));
        }
        out.println("deployment.apps/orders created");
    }

    private static void section(PrintWriter out, String title, LoopbackDnsServer server) {
        out.println();
        out.println(title);
        ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                .withSearch(SEARCH)
                .withNdots(5)
                .withTimeout(Duration.ofSeconds(2));
        List<ProbeReport> reports = ProbeCommand.run(NAMES, config).stream()
                .map(ProbeCommand.Probed::report)
                .toList();
        ReportTable.print(reports, out);
    }
}
