package io.dnsprobe.cli;

import io.dnsprobe.libc.EaiError;
import io.dnsprobe.libc.Verdict;
import io.dnsprobe.probe.InvalidNameException;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.workload.NameVerdicts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names {@code check} asked, each once per resolv.conf, and what every server said: the verdicts the check
 * needs, and for its summary the servers that stayed silent and the names nothing resolved.
 */
final class AskedNames {

    /**
     * One name under one resolv.conf.
     *
     * @param verdicts empty when no server replied, or the name is not a valid DNS name
     * @param silent server to why, for the servers that sent nothing back for this name
     * @param replied servers that did reply
     * @param nowhere every server that replied made it NXDOMAIN for every libc: most likely a cluster-internal
     *     name asked outside the cluster, so the verdicts (all OK) say nothing
     */
    record Answer(
            String name,
            Optional<NameVerdicts> verdicts,
            Map<String, String> silent,
            List<String> replied,
            boolean nowhere) {}

    private final Prober prober;
    private final Map<List<Object>, CompletableFuture<Answer>> asked = new ConcurrentHashMap<>();

    AskedNames(Prober prober) {
        this.prober = prober;
    }

    CompletableFuture<Optional<NameVerdicts>> verdicts(String name, ResolverConfig config) {
        return asked.computeIfAbsent(List.of(name, config), k -> ask(name, config))
                .thenApply(Answer::verdicts);
    }

    /** The answers that came, in no particular order; a lookup still running is left out. */
    List<Answer> answers() {
        List<Answer> done = new ArrayList<>();
        for (CompletableFuture<Answer> f : asked.values()) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                done.add(f.join());
            }
        }
        return done;
    }

    private CompletableFuture<Answer> ask(String name, ResolverConfig config) {
        try {
            return prober.probe(name, config)
                    .toCompletableFuture()
                    .thenApply(probes ->
                            answer(name, probes.stream().map(ProbeReport::of).toList()))
                    .exceptionally(t -> unjudged(name));
        } catch (InvalidNameException e) {
            return CompletableFuture.completedFuture(unjudged(name));
        }
    }

    static Answer answer(String name, List<ProbeReport> reports) {
        Map<String, String> silent = new LinkedHashMap<>();
        List<String> replied = new ArrayList<>();
        boolean nowhere = true;
        for (ProbeReport r : reports) {
            if (r.unreachable() != null) {
                silent.putIfAbsent(r.server(), r.unreachable());
                continue;
            }
            replied.add(r.server());
            nowhere &= r.verdicts().stream()
                    .map(Verdict::resolution)
                    .allMatch(res -> !res.resolves() && res.error() == EaiError.NONAME);
        }
        NameVerdicts verdicts = NameVerdicts.fromReports(name, reports);
        return new Answer(
                name,
                verdicts.known() ? Optional.of(verdicts) : Optional.empty(),
                silent,
                replied,
                !replied.isEmpty() && nowhere);
    }

    private static Answer unjudged(String name) {
        return new Answer(name, Optional.empty(), Map.of(), List.of(), false);
    }
}
