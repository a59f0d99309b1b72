package io.dnsprobe.audit;

import io.dnsprobe.api.DnsReportStatus;
import io.dnsprobe.api.DnsReportStatus.NameReport;
import io.dnsprobe.image.Libc;
import io.dnsprobe.image.ProgramFinder;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.workload.ContainerLibc;
import io.dnsprobe.workload.Finding;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A workload's report from what the shared analysis found.
 * A workload without a musl container gets none. The verdict per name is the worst over the containers
 * that refer to it (each judged by its own musl), UNKNOWN when it got no verdict.
 */
final class ReportBuilder {
    private static final int MAX_LISTED = 5;

    private ReportBuilder() {}

    /**
     * @param names per container that uses musl's resolver, the names it refers to (in the order found)
     */
    /** Where a report says a judged digest came from. */
    static final String FROM_PODS = "pods";

    static final String FROM_REGISTRY = "registry";

    /**
     * @param spec the workload as its spec reads; the result's images may be pinned to the digests its Pods run
     */
    static Optional<DnsReportStatus> build(
            WorkloadChecker.Result result, Workload spec, Map<String, Set<String>> names, Instant now) {
        List<DnsReportStatus.ContainerReport> containers = new ArrayList<>();
        Optional<Libc> reported = reportedLibc(result);
        boolean noMuslResolver =
                result.containers().stream().noneMatch(c -> c.libc().usesMusl());
        for (WorkloadChecker.ContainerReport c : result.containers()) {
            ContainerLibc libc = c.libc();
            String specImage = specImage(spec, c);
            boolean pinned = !specImage.equals(c.image());
            String digest = pinned ? c.image().substring(c.image().lastIndexOf('@') + 1) : libc.digest();
            String from = pinned ? FROM_PODS : digest != null && !specImage.contains("@") ? FROM_REGISTRY : null;
            containers.add(new DnsReportStatus.ContainerReport(
                    c.name(),
                    specImage,
                    libc.libc().label(),
                    libc.source().id(),
                    libc.evidence(),
                    program(libc.program()),
                    libc.usesMusl(),
                    digest,
                    from));
        }
        if (reported.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<String>> users = new LinkedHashMap<>();
        names.forEach((container, referenced) -> referenced.forEach(
                n -> users.computeIfAbsent(n, k -> new ArrayList<>()).add(container)));
        List<DnsReportStatus.NameReport> results = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        int fails = 0;
        int partial = 0;
        int unknown = 0;
        for (Map.Entry<String, List<String>> e : users.entrySet()) {
            String name = e.getKey();
            Finding worst = result.findings().stream()
                    .filter(f -> f.name().equals(name))
                    .max((a, b) ->
                            Integer.compare(a.verdict().ordinal(), b.verdict().ordinal()))
                    .orElse(null);
            NameReport.Verdict verdict;
            if (worst != null) {
                verdict = NameReport.Verdict.of(worst.verdict());
                if (worst.verdict() == VerdictKind.FAILS) {
                    fails++;
                    failing.add(name);
                } else {
                    partial++;
                }
            } else if (result.unknown().contains(name)) {
                verdict = NameReport.Verdict.UNKNOWN;
                unknown++;
            } else {
                verdict = NameReport.Verdict.OK;
            }
            results.add(
                    worst == null
                            ? new DnsReportStatus.NameReport(name, e.getValue(), verdict, null, null, null)
                            : new DnsReportStatus.NameReport(
                                    name, e.getValue(), verdict, worst.model(), worst.reason(), worst.needsTcp()));
        }
        String libc = reported.get().label();
        String summary = summary(users.size(), fails, partial, unknown, failing, noMuslResolver, result.containers());
        return Optional.of(new DnsReportStatus(
                now.truncatedTo(ChronoUnit.SECONDS).toString(),
                libc,
                users.size(),
                fails,
                partial,
                unknown,
                summary,
                containers,
                results));
    }

    /** The image as the spec names the container (the judged one may carry a running digest). */
    private static String specImage(Workload spec, WorkloadChecker.ContainerReport c) {
        return spec.containers().stream()
                .filter(s -> s.name().equals(c.name()) && s.init() == c.init())
                .map(Workload.Container::image)
                .findFirst()
                .orElse(c.image());
    }

    /** The first failing name and its model's reason, {@code vis.company.com on musl-1.2.3: UDP reply ...}. */
    static Optional<String> firstFailure(DnsReportStatus status) {
        return status.results().stream()
                .filter(r -> r.verdict() == NameReport.Verdict.FAILS && r.reason() != null)
                .findFirst()
                .map(r -> r.name() + " on " + r.model().id() + ": " + r.reason());
    }

    /** The older of two musls by the model that judges them; the first found on a tie. */
    /**
     * The libc a report names: the oldest musl among the containers whose lookups musl answers, else the oldest
     * musl in the image at all (a Go program on Alpine); empty when no container has musl, and no report is made.
     */
    static Optional<Libc> reportedLibc(WorkloadChecker.Result result) {
        Libc oldest = null;
        Libc oldestAny = null;
        for (WorkloadChecker.ContainerReport c : result.containers()) {
            ContainerLibc libc = c.libc();
            if (libc.libc().isMusl()) {
                oldestAny = older(oldestAny, libc.libc());
                if (libc.usesMusl()) {
                    oldest = older(oldest, libc.libc());
                }
            }
        }
        return Optional.ofNullable(oldest != null ? oldest : oldestAny);
    }

    private static Libc older(Libc current, Libc candidate) {
        return current == null || candidate.effectiveModel().compareTo(current.effectiveModel()) < 0
                ? candidate
                : current;
    }

    /** {@code /app/server: Go, its own resolver}; only the reason when no program path is known. */
    private static String program(ProgramFinder.Program program) {
        if (program == null) {
            return null;
        }
        return program.path() == null ? program.reason() : program.path() + ": " + program.reason();
    }

    private static String summary(
            int names,
            int fails,
            int partial,
            int unknown,
            List<String> failing,
            boolean exempt,
            List<WorkloadChecker.ContainerReport> containers) {
        if (exempt) {
            String why = containers.stream()
                    .filter(c -> c.libc().libc().isMusl() && c.libc().program() != null)
                    .map(c -> program(c.libc().program()))
                    .findFirst()
                    .orElse("no container uses musl's resolver");
            return "musl image, but no container uses musl's resolver: " + why;
        }
        if (fails > 0) {
            String listed = String.join(", ", failing.subList(0, Math.min(MAX_LISTED, failing.size())))
                    + (failing.size() > MAX_LISTED ? ", ..." : "");
            return fails + " of " + names + (names == 1 ? " name fails" : " names fail") + " on musl: " + listed;
        }
        if (partial > 0) {
            return "no name fails; " + partial + " of " + names + " resolve partially on musl";
        }
        if (unknown > 0) {
            return "no name fails so far; " + unknown + " of " + names + " not judged yet";
        }
        return names == 0
                ? "no names found in env, args or ConfigMaps"
                : "no name fails: " + names + " of " + names + " OK on musl";
    }
}
