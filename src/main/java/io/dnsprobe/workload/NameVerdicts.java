package io.dnsprobe.workload;

import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.Verdict;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.probe.InvalidNameException;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.report.Kept;
import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.ResolverConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What is known about one name in one namespace: the worst verdict per musl model over every server,
 * and which records need TCP. Built from a DnsProbe status (strings, read at the API boundary) or from
 * an inline probe (typed all the way).
 *
 * @param needsTcp {@code 40 A records} when a reply was truncated, else null
 */
public record NameVerdicts(String name, Map<MuslVersion, Judgement> byModel, String needsTcp, String source) {

    /** One model's worst verdict for the name, and why. */
    public record Judgement(VerdictKind kind, String reason) {}

    public NameVerdicts {
        byModel = byModel.isEmpty() ? Map.of() : new EnumMap<>(byModel);
    }

    /** From the results a DnsProbe status holds for the name; verdicts of unknown models are ignored. */
    public static NameVerdicts fromStatus(String name, List<NameResult> results, String source) {
        Map<MuslVersion, Judgement> worst = new EnumMap<>(MuslVersion.class);
        String tcp = null;
        for (NameResult r : results) {
            if (r.verdicts() == null) {
                continue;
            }
            for (ModelVerdict v : r.verdicts()) {
                Optional<MuslVersion> model =
                        v.model() == null ? Optional.empty() : v.model().musl();
                if (model.isPresent() && v.verdict() != null) {
                    worse(worst, model.get(), new Judgement(v.verdict(), v.reason()));
                }
            }
            if (tcp == null && r.kept() != null) {
                tcp = needsTcp(r.kept());
            }
        }
        return new NameVerdicts(name, worst, tcp, source);
    }

    /** From the reports of an inline probe, one per server; unreachable servers say nothing. */
    public static NameVerdicts fromReports(String name, List<ProbeReport> reports) {
        Map<MuslVersion, Judgement> worst = new EnumMap<>(MuslVersion.class);
        String tcp = null;
        for (ProbeReport r : reports) {
            if (r.unreachable() != null) {
                continue;
            }
            for (Verdict v : r.verdicts()) {
                v.model().musl().ifPresent(m -> worse(worst, m, new Judgement(v.kind(), v.reason())));
            }
            if (tcp == null) {
                tcp = needsTcp(r.kept());
            }
        }
        return new NameVerdicts(name, worst, tcp, "probe");
    }

    /** Probes {@code name} with {@code config} and judges it; empty for an invalid name or a failed probe. */
    public static CompletableFuture<Optional<NameVerdicts>> probe(Prober prober, String name, ResolverConfig config) {
        try {
            return prober.probe(name, config)
                    .toCompletableFuture()
                    .thenApply(p -> Optional.of(
                            fromReports(name, p.stream().map(ProbeReport::of).toList())))
                    .exceptionally(t -> Optional.empty());
        } catch (InvalidNameException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    public boolean known() {
        return !byModel.isEmpty();
    }

    private static void worse(Map<MuslVersion, Judgement> worst, MuslVersion model, Judgement j) {
        Judgement cur = worst.get(model);
        if (cur == null || j.kind().compareTo(cur.kind()) > 0) {
            worst.put(model, j);
        }
    }

    /** {@code [A 0/40, AAAA 0/20]} to {@code 40 A and 20 AAAA records}; null when no total is known. */
    static String needsTcp(List<Kept> kept) {
        List<String> parts = new ArrayList<>();
        for (Kept k : kept) {
            if (k.totalKnown()) {
                parts.add(k.total() + " " + k.type());
            }
        }
        return parts.isEmpty() ? null : String.join(" and ", parts) + " records";
    }
}
