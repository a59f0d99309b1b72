package io.dnsprobe.workload;

import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.Libc;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.libc.MuslVersion;
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

    /** Images read from their registries. The implementation bounds how long it lets a review wait. */
    public interface Images {
        Images NONE = (ns, w, c) -> CompletableFuture.completedFuture(Optional.empty());

        /** @param namespace where the workload runs: its pull secrets are there */
        CompletionStage<Optional<ImageInspection>> inspect(
                String namespace, Workload workload, Workload.Container container);
    }

    /** One container: its libc and how that is known. */
    public record ContainerReport(String name, String image, boolean init, ContainerLibc libc) {}

    /**
     * @param unknown names that had no verdict within the budget: no warning for them
     * @param containers every container, musl or not, with where its libc came from
     */
    public record Result(List<Finding> findings, List<String> unknown, List<ContainerReport> containers) {}

    private WorkloadChecker() {}

    /** Blocking form, for the CLI: every name is looked up. */
    public static Result check(
            Workload workload,
            String namespace,
            LibcDetector detector,
            Images images,
            NameExtractor.ConfigMaps configMaps,
            Verdicts verdicts,
            Duration budget) {
        return checkAsync(workload, namespace, detector, images, configMaps, verdicts, budget, Integer.MAX_VALUE)
                .toCompletableFuture()
                .join();
    }

    /**
     * Completes when every lookup has finished or the budget is spent, whichever comes first, without
     * holding a thread meanwhile: the webhook runs it on the event loop. Images are read first (their
     * wait is bounded by {@code images}), then the names of the containers that use musl's resolver.
     *
     * @param maxNames distinct names looked up at most; the rest are unknown. Anyone who may create a
     *     Deployment can put thousands of host names in it, and each unknown one costs DNS queries.
     */
    public static CompletionStage<Result> checkAsync(
            Workload workload,
            String namespace,
            LibcDetector detector,
            Images images,
            NameExtractor.ConfigMaps configMaps,
            Verdicts verdicts,
            Duration budget,
            int maxNames) {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<Workload.Container, CompletableFuture<Optional<ImageInspection>>> reads = new LinkedHashMap<>();
        for (Workload.Container c : workload.containers()) {
            boolean declared = detector.declared(
                            c.image(), workload.annotations().get(LibcDetector.ANNOTATION))
                    .isPresent();
            reads.put(
                    c,
                    declared
                            ? CompletableFuture.completedFuture(Optional.empty())
                            : read(images, namespace, workload, c));
        }
        CompletableFuture<Void> allRead = CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new));
        if (!allRead.isDone()) {
            allRead = allRead.completeOnTimeout(null, budget.toNanos(), TimeUnit.NANOSECONDS);
        }
        return allRead.thenCompose(v -> {
            List<ContainerReport> containers = new ArrayList<>();
            for (Map.Entry<Workload.Container, CompletableFuture<Optional<ImageInspection>>> e : reads.entrySet()) {
                CompletableFuture<Optional<ImageInspection>> f = e.getValue();
                Optional<ImageInspection> inspected =
                        f.isDone() && !f.isCompletedExceptionally() ? f.join() : Optional.empty();
                Workload.Container c = e.getKey();
                containers.add(new ContainerReport(
                        c.name(), c.image(), c.init(), ContainerLibc.decide(detector, workload, c, inspected)));
            }
            return lookUp(
                    workload,
                    namespace,
                    containers,
                    configMaps,
                    verdicts,
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    maxNames);
        });
    }

    /** An image that cannot be read is judged by its name: never a failed review. */
    private static CompletableFuture<Optional<ImageInspection>> read(
            Images images, String namespace, Workload workload, Workload.Container c) {
        try {
            return images.inspect(namespace, workload, c).toCompletableFuture().exceptionally(e -> Optional.empty());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    private static CompletionStage<Result> lookUp(
            Workload workload,
            String namespace,
            List<ContainerReport> containers,
            NameExtractor.ConfigMaps configMaps,
            Verdicts verdicts,
            Duration budget,
            int maxNames) {
        Map<Workload.Container, Libc> musl = new LinkedHashMap<>();
        Map<Workload.Container, Set<String>> names = new LinkedHashMap<>();
        Map<String, CompletableFuture<Optional<NameVerdicts>>> lookups = new LinkedHashMap<>();
        for (int i = 0; i < containers.size(); i++) {
            Workload.Container c = workload.containers().get(i);
            ContainerLibc libc = containers.get(i).libc();
            if (!libc.usesMusl()) {
                continue;
            }
            musl.put(c, libc.libc());
            Set<String> referenced = NameExtractor.names(c, namespace, workload.annotations(), configMaps);
            names.put(c, referenced);
            for (String n : referenced) {
                if (lookups.size() < maxNames || lookups.containsKey(n)) {
                    lookups.computeIfAbsent(
                            n,
                            k -> verdicts.lookup(namespace, k, workload.dns()).toCompletableFuture());
                }
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new));
        if (all.isDone()) {
            return CompletableFuture.completedFuture(assemble(musl, names, lookups, containers));
        }
        // What finished in time counts; the rest gets no warning.
        return all.handle((v, e) -> (Void) null)
                .completeOnTimeout(null, budget.toNanos(), TimeUnit.NANOSECONDS)
                .thenApply(v -> assemble(musl, names, lookups, containers));
    }

    private static Result assemble(
            Map<Workload.Container, Libc> musl,
            Map<Workload.Container, Set<String>> names,
            Map<String, CompletableFuture<Optional<NameVerdicts>>> lookups,
            List<ContainerReport> containers) {
        List<Finding> findings = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<Workload.Container, Libc> entry : musl.entrySet()) {
            Workload.Container c = entry.getKey();
            Libc libc = entry.getValue();
            for (String n : names.get(c)) {
                CompletableFuture<Optional<NameVerdicts>> f = lookups.get(n);
                Optional<NameVerdicts> v =
                        f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : Optional.empty();
                if (v.isEmpty() || !v.get().known()) {
                    if (!unknown.contains(n)) {
                        unknown.add(n);
                    }
                    continue;
                }
                MuslVersion model = libc.effectiveModel();
                NameVerdicts.Judgement mv = v.get().byModel().get(model);
                if (mv == null || !mv.kind().isProblem()) {
                    continue;
                }
                findings.add(new Finding(
                        c.name(),
                        c.image(),
                        libc.label(),
                        !libc.muslUnknownVersion(),
                        n,
                        mv.kind(),
                        model,
                        mv.reason(),
                        v.get().needsTcp()));
            }
        }
        return new Result(findings, unknown, containers);
    }
}
