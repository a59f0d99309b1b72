package io.dnsprobe.audit;

import io.dnsprobe.api.DnsReportStatus;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.workload.ContainerLibc;
import io.dnsprobe.workload.Finding;
import io.dnsprobe.workload.WorkloadChecker;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A workload's report from what the shared analysis found. Typed inside; strings only here, at the status.
 * A workload without a musl container gets none. The verdict per name is the worst over the containers
 * that refer to it (each judged by its own musl), UNKNOWN when it got no verdict.
 */
final class ReportBuilder {
    /** The verdict a name gets when it could not be judged. */
    static final String UNKNOWN = "UNKNOWN";
    private static final int MAX_LISTED = 5;

    private ReportBuilder() {
    }

    /**
     * @param names per container that uses musl's resolver, the names it refers to (in the order found)
     */
    static Optional<DnsReportStatus> build(WorkloadChecker.Result result, Map<String, Set<String>> names, Instant now) {
        List<DnsReportStatus.ContainerReport> containers = new ArrayList<>();
        Set<String> muslLibcs = new LinkedHashSet<>();
        boolean anyMusl = false;
        for (WorkloadChecker.ContainerReport c : result.containers()) {
            ContainerLibc libc = c.libc();
            anyMusl |= libc.libc().isMusl();
            if (libc.usesMusl()) {
                muslLibcs.add(libc.libc().label());
            }
            containers.add(new DnsReportStatus.ContainerReport(c.name(), c.image(), libc.libc().label(),
                    libc.source().name().toLowerCase().replace('_', '-'), libc.evidence(),
                    libc.program() == null ? null : libc.program().path() + ": " + libc.program().reason(), libc.usesMusl()));
        }
        if (!anyMusl) {
            return Optional.empty();
        }
        Map<String, List<String>> users = new LinkedHashMap<>();
        names.forEach((container, referenced) -> referenced.forEach(n -> users.computeIfAbsent(n, k -> new ArrayList<>()).add(container)));
        List<DnsReportStatus.NameReport> results = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        int fails = 0;
        int partial = 0;
        int unknown = 0;
        for (Map.Entry<String, List<String>> e : users.entrySet()) {
            String name = e.getKey();
            Finding worst = result.findings().stream().filter(f -> f.name().equals(name))
                    .max((a, b) -> Integer.compare(a.verdict().ordinal(), b.verdict().ordinal())).orElse(null);
            String verdict;
            if (worst != null) {
                verdict = worst.verdict().name();
                if (worst.verdict() == VerdictKind.FAILS) {
                    fails++;
                    failing.add(name);
                } else {
                    partial++;
                }
            } else if (result.unknown().contains(name)) {
                verdict = UNKNOWN;
                unknown++;
            } else {
                verdict = VerdictKind.OK.name();
            }
            results.add(new DnsReportStatus.NameReport(name, e.getValue(), verdict, worst == null ? null : worst.libc(),
                    worst == null ? null : worst.detail(), null));
        }
        String libc = muslLibcs.isEmpty() ? containers.stream().filter(c -> c.libc().startsWith("musl"))
                .map(DnsReportStatus.ContainerReport::libc).findFirst().orElse("musl") : String.join(", ", muslLibcs);
        String summary = summary(users.size(), fails, partial, unknown, failing, muslLibcs.isEmpty(), containers);
        return Optional.of(new DnsReportStatus(now.truncatedTo(ChronoUnit.SECONDS).toString(), libc, users.size(), fails, partial,
                unknown, summary, containers, results));
    }

    private static String summary(int names, int fails, int partial, int unknown, List<String> failing, boolean exempt,
            List<DnsReportStatus.ContainerReport> containers) {
        if (exempt) {
            String why = containers.stream().filter(c -> c.libc().startsWith("musl") && c.program() != null)
                    .map(DnsReportStatus.ContainerReport::program).findFirst().orElse("no container uses musl's resolver");
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
        return names == 0 ? "no names found in env, args or ConfigMaps" : "no name fails: " + names + " of " + names + " OK on musl";
    }
}
