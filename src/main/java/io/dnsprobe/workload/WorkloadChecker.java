package io.dnsprobe.workload;

import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.image.Libc;
import io.dnsprobe.image.LibcDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Which musl containers of a workload refer to names their musl cannot resolve. Shared by the webhook
 * and {@code dnsprobe check}; the I/O (verdict lookups, ConfigMaps) comes in through interfaces.
 */
public final class WorkloadChecker {

    /** Where verdicts come from: DnsProbe statuses, an inline probe, or both. */
    public interface Verdicts {
        /** @param dns the pod's DNS settings: the same name can resolve differently under another search list */
        CompletionStage<Optional<NameVerdicts>> lookup(String namespace, String name, PodDns dns);
    }

    /** @param unknown names that had no verdict within the budget: no warning for them */
    public record Result(List<Finding> findings, List<String> unknown) {
    }

    private WorkloadChecker() {
    }

    /** Blocking form, for the CLI: every name is looked up. */
    public static Result check(Workload workload, String namespace, LibcDetector detector,
            NameExtractor.ConfigMaps configMaps, Verdicts verdicts, Duration budget) {
        return checkAsync(workload, namespace, detector, configMaps, verdicts, budget, Integer.MAX_VALUE)
                .toCompletableFuture().join();
    }

    /**
     * Completes when every lookup has finished or the budget is spent, whichever comes first, without
     * holding a thread meanwhile: the webhook runs it on the event loop.
     *
     * @param maxNames distinct names looked up at most; the rest are unknown. Anyone who may create a
     *     Deployment can put thousands of host names in it, and each unknown one costs DNS queries.
     */
    public static CompletionStage<Result> checkAsync(Workload workload, String namespace, LibcDetector detector,
            NameExtractor.ConfigMaps configMaps, Verdicts verdicts, Duration budget, int maxNames) {
        Map<Workload.Container, Libc> musl = new LinkedHashMap<>();
        Map<Workload.Container, Set<String>> names = new LinkedHashMap<>();
        Map<String, CompletableFuture<Optional<NameVerdicts>>> lookups = new LinkedHashMap<>();
        for (Workload.Container c : workload.containers()) {
            Libc libc = detector.detect(c.image(), workload.annotations().get(LibcDetector.ANNOTATION));
            if (!libc.isMusl()) {
                continue;
            }
            musl.put(c, libc);
            Set<String> referenced = NameExtractor.names(c, namespace, workload.annotations(), configMaps);
            names.put(c, referenced);
            for (String n : referenced) {
                if (lookups.size() < maxNames || lookups.containsKey(n)) {
                    lookups.computeIfAbsent(n, k -> verdicts.lookup(namespace, k, workload.dns()).toCompletableFuture());
                }
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new));
        if (all.isDone()) {
            return CompletableFuture.completedFuture(assemble(musl, names, lookups));
        }
        // What finished in time counts; the rest gets no warning.
        return all.handle((v, e) -> (Void) null).completeOnTimeout(null, budget.toNanos(), TimeUnit.NANOSECONDS)
                .thenApply(v -> assemble(musl, names, lookups));
    }

    private static Result assemble(Map<Workload.Container, Libc> musl, Map<Workload.Container, Set<String>> names,
            Map<String, CompletableFuture<Optional<NameVerdicts>>> lookups) {
        List<Finding> findings = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<Workload.Container, Libc> entry : musl.entrySet()) {
            Workload.Container c = entry.getKey();
            Libc libc = entry.getValue();
            for (String n : names.get(c)) {
                CompletableFuture<Optional<NameVerdicts>> f = lookups.get(n);
                Optional<NameVerdicts> v = f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join()
                        : Optional.empty();
                if (v.isEmpty() || !v.get().known()) {
                    if (!unknown.contains(n)) {
                        unknown.add(n);
                    }
                    continue;
                }
                NameVerdicts.Judgement mv = v.get().byModel().get(libc.effectiveModel());
                if (mv == null || !mv.kind().isProblem()) {
                    continue;
                }
                String detail = v.get().needsTcp() != null ? v.get().needsTcp() + " need TCP" : shorten(mv.reason());
                findings.add(new Finding(c.name(), c.image(), libc.label(), !libc.muslUnknownVersion(), n, mv.kind(),
                        detail));
            }
        }
        return new Result(findings, unknown);
    }

    /**
     * The reason, or its first clause whole when the reason is long: a warning cut mid-word ("ends
     * musl's s...") reads like a bug and hides the point. Only a long first clause is cut, at a space.
     */
    static String shorten(String reason) {
        if (reason == null || reason.length() <= 80) {
            return reason;
        }
        int clause = reason.indexOf("; ");
        if (clause > 0 && clause <= 90) {
            return reason.substring(0, clause);
        }
        int space = reason.lastIndexOf(' ', 77);
        return reason.substring(0, space > 40 ? space : 77) + "...";
    }
}
