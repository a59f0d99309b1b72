package io.dnsprobe.webhook;

import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.probe.InvalidNameException;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.operator.StatusBuilder;
import io.dnsprobe.report.ProbeReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What is known about one name in one namespace: the worst verdict per model over every server, and
 * which records need TCP. Built from a DnsProbe status or from an inline probe.
 *
 * @param needsTcp {@code 40 A records} when a reply was truncated, else null
 */
public record NameVerdicts(String name, Map<String, ModelVerdict> byModel, String needsTcp, String source) {

    public static NameVerdicts fromStatus(String name, List<NameResult> results, String source) {
        Map<String, ModelVerdict> worst = new LinkedHashMap<>();
        String tcp = null;
        for (NameResult r : results) {
            if (r.verdicts() == null) {
                continue;
            }
            for (ModelVerdict v : r.verdicts()) {
                ModelVerdict cur = worst.get(v.model());
                if (cur == null || VerdictKind.valueOf(v.verdict()).compareTo(VerdictKind.valueOf(cur.verdict())) > 0) {
                    worst.put(v.model(), v);
                }
            }
            if (tcp == null && r.kept() != null && !r.kept().isEmpty()) {
                tcp = needsTcp(r.kept());
            }
        }
        return new NameVerdicts(name, worst, tcp, source);
    }

    public static NameVerdicts fromReports(String name, List<ProbeReport> reports) {
        List<NameResult> results = new ArrayList<>();
        for (ProbeReport r : reports) {
            if (r.unreachable() != null) {
                continue;
            }
            results.add(new NameResult(r.name(), r.server(), r.candidate(), r.udpBytes(), r.tcpBytes(), r.truncated(),
                    r.kept(), r.verdicts().stream().map(StatusBuilder::verdict).toList(), null));
        }
        return fromStatus(name, results, "probe");
    }

    /** Probes {@code name} with {@code config} and judges it; empty for an invalid name or a failed probe. */
    public static CompletableFuture<Optional<NameVerdicts>> probe(Prober prober, String name, ResolverConfig config) {
        try {
            return prober.probe(name, config).toCompletableFuture()
                    .thenApply(p -> Optional.of(fromReports(name, p.stream().map(ProbeReport::of).toList())))
                    .exceptionally(t -> Optional.empty());
        } catch (InvalidNameException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    public boolean known() {
        return !byModel.isEmpty();
    }

    /** {@code ["A 0/40", "AAAA 0/20"]} to {@code 40 A and 20 AAAA records}. */
    static String needsTcp(List<String> kept) {
        List<String> parts = new ArrayList<>();
        for (String k : kept) {
            String[] typeAndCounts = k.split(" ");
            String[] counts = typeAndCounts.length == 2 ? typeAndCounts[1].split("/") : new String[0];
            if (counts.length == 2 && !counts[1].equals("?")) {
                parts.add(counts[1] + " " + typeAndCounts[0]);
            }
        }
        return parts.isEmpty() ? null : String.join(" and ", parts) + " records";
    }
}
