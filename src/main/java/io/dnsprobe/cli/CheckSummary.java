package io.dnsprobe.cli;

import io.dnsprobe.image.Libc;
import io.dnsprobe.text.Printable;
import io.dnsprobe.workload.ContainerLibc;
import io.dnsprobe.workload.Finding;
import io.dnsprobe.workload.SkippedKinds;
import io.dnsprobe.workload.UnknownVersionPolicy;
import io.dnsprobe.workload.WorkloadChecker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one {@code check} looked at and what it could not judge: workloads, containers, images read or not and
 * why, libcs known or not, names judged, unjudged or not asked, silent servers. It renders the summary that ends
 * the table and the {@code summary} of {@code --json}, and names the causes of an incomplete check
 * ({@link Unjudged}), each with the line stderr shows for it. A gate that says what it skipped can be trusted
 * when it passes.
 */
final class CheckSummary {
    /** Names, images or containers a line names before "and N more". */
    static final int FIRST = 3;
    /** Reasons for unread images the table names, most frequent first, before "and N more reasons". */
    static final int REASONS = 5;

    /** One container and the names it refers to, musl or not. */
    private record Container(String workload, WorkloadChecker.ContainerReport report, Set<String> names) {
        ContainerLibc libc() {
            return report.libc();
        }

        String label() {
            return workload + ": " + Printable.line(report.name(), 80) + " (" + Printable.line(report.image(), 200)
                    + ")";
        }
    }

    /** A reason to exit 2, and the one line stderr says it in. */
    record Cause(Unjudged kind, int count, List<String> first, String message) {
        String flag() {
            return kind.flag();
        }
    }

    private final boolean noPull;
    private final List<Container> containers = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> unjudgedNames = new LinkedHashSet<>();
    private int workloads;
    private int warnings;
    private Map<String, String> imageErrors = Map.of();
    private SkippedKinds skipped = new SkippedKinds();
    private final Map<String, List<AskedNames.Answer>> answers = new LinkedHashMap<>();

    /** @param noPull images were not to be read: an unread image is then the user's choice, not a gap */
    CheckSummary(boolean noPull) {
        this.noPull = noPull;
    }

    /**
     * @param kind and {@code name}: the workload, as the table names it
     * @param names per container of {@code result}, in its order: the names each refers to
     */
    void add(String kind, String name, WorkloadChecker.Result result, List<Set<String>> names, int warningCount) {
        workloads++;
        warnings += warningCount;
        String workload = Printable.line(kind.toLowerCase() + "/" + name, 200);
        for (int i = 0; i < result.containers().size(); i++) {
            containers.add(new Container(workload, result.containers().get(i), names.get(i)));
        }
        findings.addAll(result.findings());
        unjudgedNames.addAll(result.unknown());
    }

    /** Why each image that was to be read was not: image to the reader's one-line reason. */
    void imageErrors(Map<String, String> errors) {
        imageErrors = Map.copyOf(errors);
    }

    void skipped(SkippedKinds kinds) {
        skipped = kinds;
    }

    void answers(List<AskedNames.Answer> all) {
        all.forEach(
                a -> answers.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a));
    }

    /** FAILS on a known musl version: what makes check exit 1. */
    long gateFailures() {
        return findings.stream().filter(UnknownVersionPolicy::failsGate).count();
    }

    // ---- counting

    /** Everything the renderings need, counted once. */
    private record Tally(
            Set<String> read,
            Set<String> declared,
            Map<String, String> unread,
            int libcKnown,
            int libcUnknownVersion,
            int libcUnknown,
            Set<String> asked,
            List<String> unjudged,
            Set<String> nowhere,
            Map<String, String> notAsked,
            Set<String> replied,
            Map<String, String> silent) {
        int judged() {
            return asked.size() - unjudged.size() - nowhere.size();
        }
    }

    private Tally tally() {
        Map<String, String> unread = unreadImages();
        Set<String> read = images(ContainerLibc.Source.IMAGE, ContainerLibc.Source.IMAGE_LOWER_LAYERS);
        Set<String> declared = images(ContainerLibc.Source.ANNOTATION, ContainerLibc.Source.RULE);
        declared.removeAll(read);
        declared.removeAll(unread.keySet());
        int known = 0;
        int unknownVersion = 0;
        int unknown = 0;
        for (Container c : containers) {
            Libc l = c.libc().libc();
            if (l.kind() == Libc.Kind.UNKNOWN) {
                unknown++;
            } else if (l.muslUnknownVersion()) {
                unknownVersion++;
            } else {
                known++;
            }
        }
        Set<String> asked = askedNames();
        List<String> unjudged = asked.stream().filter(unjudgedNames::contains).toList();
        Set<String> replied = new LinkedHashSet<>();
        Map<String, String> silent = new LinkedHashMap<>();
        answers.values()
                .forEach(list -> list.forEach(a -> {
                    replied.addAll(a.replied());
                    a.silent().forEach(silent::putIfAbsent);
                }));
        silent.keySet().removeAll(replied);
        return new Tally(
                read,
                declared,
                unread,
                known,
                unknownVersion,
                unknown,
                asked,
                unjudged,
                nowhereNames(asked),
                notAskedNames(asked),
                replied,
                silent);
    }

    /** Image to why it was not read; read and declared images are not in it. In first-seen order. */
    private Map<String, String> unreadImages() {
        Map<String, String> unread = new LinkedHashMap<>();
        Set<String> read = new LinkedHashSet<>();
        for (Container c : containers) {
            ContainerLibc.Source s = c.libc().source();
            if (s == ContainerLibc.Source.IMAGE || s == ContainerLibc.Source.IMAGE_LOWER_LAYERS) {
                read.add(c.report().image());
            } else if (s == ContainerLibc.Source.NAME) {
                unread.putIfAbsent(c.report().image(), whyNotRead(c.report().image()));
            }
        }
        unread.keySet().removeAll(read);
        return unread;
    }

    private String whyNotRead(String image) {
        if (noPull) {
            return "--no-pull";
        }
        String why = imageErrors.get(image);
        return why == null ? "no result within --image-timeout" : Printable.line(why);
    }

    private Set<String> images(ContainerLibc.Source... sources) {
        Set<String> out = new LinkedHashSet<>();
        Set<ContainerLibc.Source> wanted = Set.of(sources);
        containers.stream()
                .filter(c -> wanted.contains(c.libc().source()))
                .forEach(c -> out.add(c.report().image()));
        return out;
    }

    /** Names asked for a musl container, that got a verdict, but NXDOMAIN for every libc wherever asked. */
    private Set<String> nowhereNames(Set<String> asked) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : asked) {
            List<AskedNames.Answer> a = answers.getOrDefault(n, List.of());
            if (!unjudgedNames.contains(n) && !a.isEmpty() && a.stream().allMatch(AskedNames.Answer::nowhere)) {
                out.add(n);
            }
        }
        return out;
    }

    private Set<String> askedNames() {
        Set<String> out = new LinkedHashSet<>();
        containers.stream().filter(c -> c.libc().usesMusl()).forEach(c -> out.addAll(c.names()));
        return out;
    }

    /** Names only containers that do not use musl's resolver refer to, each with why it was not asked. */
    private Map<String, String> notAskedNames(Set<String> asked) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Container c : containers) {
            String why = c.libc().libc().kind() == Libc.Kind.UNKNOWN ? "libc unknown" : "not musl's resolver";
            for (String n : c.names()) {
                if (!asked.contains(n)) {
                    out.merge(n, why, (a, b) -> a.equals("libc unknown") ? a : b);
                }
            }
        }
        return out;
    }

    /** Whether not knowing this container's musl version leaves some of its names unjudged. */
    private boolean versionDecides(Container c) {
        for (String n : c.names()) {
            for (AskedNames.Answer a : answers.getOrDefault(n, List.of())) {
                if (a.verdicts().isPresent()
                        && UnknownVersionPolicy.versionDecides(
                                c.libc().libc(), a.verdicts().get())) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- causes

    /** What this check could not judge, in a fixed order; empty when every name that could matter was judged. */
    List<Cause> causes() {
        return causes(tally());
    }

    private List<Cause> causes(Tally t) {
        List<Cause> causes = new ArrayList<>();
        Set<String> images = new LinkedHashSet<>();
        List<String> unknownLibc = new ArrayList<>();
        List<String> unknownVersion = new ArrayList<>();
        for (Container c : containers) {
            if (c.names().isEmpty()) {
                continue;
            }
            Libc libc = c.libc().libc();
            boolean guessable = libc.isMusl() || libc.kind() == Libc.Kind.UNKNOWN;
            if (!noPull && guessable && t.unread().containsKey(c.report().image())) {
                images.add(Printable.line(c.report().image(), 200));
            }
            if (libc.kind() == Libc.Kind.UNKNOWN) {
                unknownLibc.add(c.label());
            } else if (c.libc().usesMusl() && versionDecides(c)) {
                unknownVersion.add(c.label());
            }
        }
        if (!images.isEmpty()) {
            causes.add(new Cause(
                    Unjudged.IMAGES,
                    images.size(),
                    first(images),
                    count(images.size(), "image")
                            + " of containers with names not read (" + abbreviate(images)
                            + "): their libc is a guess from the "
                            + "name; the check is incomplete (" + Unjudged.IMAGES.flag() + " accepts that)"));
        }
        if (!unknownLibc.isEmpty() || !unknownVersion.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!unknownLibc.isEmpty()) {
                parts.add(count(unknownLibc.size(), "container") + " with names " + have(unknownLibc.size())
                        + " an unknown libc, so " + (unknownLibc.size() == 1 ? "its names were" : "their names were")
                        + " not asked (" + abbreviate(unknownLibc) + ")");
            }
            if (!unknownVersion.isEmpty()) {
                parts.add(count(unknownVersion.size(), "container") + " " + have(unknownVersion.size())
                        + " a musl of unknown version and a name that FAILS on some version: unjudged, not a failure ("
                        + abbreviate(unknownVersion) + ")");
            }
            List<String> all = new ArrayList<>(unknownLibc);
            all.addAll(unknownVersion);
            causes.add(new Cause(
                    Unjudged.LIBC,
                    all.size(),
                    first(all),
                    String.join("; ", parts) + "; the check is incomplete (" + Unjudged.LIBC.flag()
                            + " accepts that)"));
        }
        if (!t.silent().isEmpty()) {
            String which = t.silent().entrySet().stream()
                    .map(e -> e.getKey() + " (" + Printable.line(e.getValue(), 200) + ")")
                    .collect(Collectors.joining(", "));
            causes.add(new Cause(
                    Unjudged.SERVERS,
                    t.silent().size(),
                    first(t.silent().keySet()),
                    (t.silent().size() == 1 ? "server " : count(t.silent().size(), "server") + " ") + which
                            + " never replied to any name: "
                            + (t.replied().isEmpty()
                                    ? "nothing was judged"
                                    : "the verdicts rest on the other servers alone")
                            + " (" + Unjudged.SERVERS.flag() + " accepts that)"));
        }
        if (!t.unjudged().isEmpty()) {
            causes.add(new Cause(
                    Unjudged.NAMES,
                    t.unjudged().size(),
                    first(t.unjudged()),
                    count(t.unjudged().size(), "name") + " got no verdict (no reply from the nameserver): "
                            + abbreviate(t.unjudged()) + "; the check is incomplete (" + Unjudged.NAMES.flag()
                            + " accepts that)"));
        }
        if (!t.nowhere().isEmpty()) {
            causes.add(new Cause(
                    Unjudged.NXDOMAIN,
                    t.nowhere().size(),
                    first(t.nowhere()),
                    count(t.nowhere().size(), "name") + " resolved nowhere (NXDOMAIN for every libc on every server): "
                            + abbreviate(t.nowhere())
                            + "; most likely names that exist only in the cluster, asked outside it: judged nothing ("
                            + Unjudged.NXDOMAIN.flag() + " accepts that)"));
        }
        return causes;
    }

    // ---- rendering

    /** The lines that end the table: what was checked, then what was not. */
    List<String> lines() {
        Tally t = tally();
        List<String> out = new ArrayList<>();
        if (!skipped.isEmpty()) {
            out.add(skipped.summary());
        }
        out.add("checked " + count(workloads, "workload") + ", " + count(containers.size(), "container") + ": "
                + count(warnings, "warning"));
        List<String> imageParts = new ArrayList<>();
        imageParts.add(t.read().size() + " read");
        if (!t.declared().isEmpty()) {
            imageParts.add(t.declared().size() + " not needed (libc declared)");
        }
        List<Map.Entry<String, List<String>>> reasons = byReason(t.unread());
        if (reasons.size() == 1) {
            // One reason (--no-pull, one dead registry) fits on the line.
            imageParts.add(t.unread().size() + " not read: " + reasons.get(0).getKey() + " ("
                    + abbreviate(printable(reasons.get(0).getValue())) + ")");
            reasons = List.of();
        } else if (!reasons.isEmpty()) {
            imageParts.add(t.unread().size() + " not read");
        }
        out.add("  images: " + String.join(", ", imageParts));
        for (int i = 0; i < reasons.size() && i < REASONS; i++) {
            Map.Entry<String, List<String>> r = reasons.get(i);
            out.add("    " + r.getValue().size() + " not read: " + r.getKey() + " ("
                    + abbreviate(printable(r.getValue())) + ")");
        }
        if (reasons.size() > REASONS) {
            out.add("    and " + count(reasons.size() - REASONS, "more reason"));
        }
        List<String> libcParts = new ArrayList<>();
        libcParts.add(t.libcKnown() + " known");
        if (t.libcUnknownVersion() > 0) {
            libcParts.add(t.libcUnknownVersion() + " musl of unknown version");
        }
        if (t.libcUnknown() > 0) {
            libcParts.add(t.libcUnknown() + " unknown");
        }
        out.add("  libc: " + String.join(", ", libcParts));
        out.add("  names: " + namesLine(t));
        if (!t.nowhere().isEmpty()) {
            out.add("  " + count(t.nowhere().size(), "name")
                    + " exist only in the cluster (NXDOMAIN here): judged nothing");
        }
        if (!t.silent().isEmpty()) {
            out.add("  servers: " + (t.replied().isEmpty() ? "" : String.join(", ", t.replied()) + " replied; ")
                    + String.join(", ", t.silent().keySet()) + " never replied");
        }
        List<Cause> causes = causes(t);
        out.add("  unjudged: "
                + (causes.isEmpty()
                        ? "nothing"
                        : causes.stream()
                                .map(c -> c.kind().id() + " (" + c.count() + ")")
                                .collect(Collectors.joining(", "))));
        return out;
    }

    private static String namesLine(Tally t) {
        List<String> parts = new ArrayList<>();
        parts.add(t.judged() + " judged");
        if (!t.unjudged().isEmpty()) {
            parts.add(t.unjudged().size() + " unjudged (no reply)");
        }
        if (!t.nowhere().isEmpty()) {
            parts.add(t.nowhere().size() + " NXDOMAIN everywhere");
        }
        if (!t.notAsked().isEmpty()) {
            Map<String, Long> why = t.notAsked().values().stream()
                    .collect(Collectors.groupingBy(w -> w, LinkedHashMap::new, Collectors.counting()));
            parts.add(t.notAsked().size() + " not asked ("
                    + why.entrySet().stream()
                            .map(e -> e.getValue() + " " + e.getKey())
                            .collect(Collectors.joining(", "))
                    + ")");
        }
        return String.join(", ", parts);
    }

    /** Reasons with their images, most images first; equal counts in first-seen order. */
    private static List<Map.Entry<String, List<String>>> byReason(Map<String, String> unread) {
        Map<String, List<String>> by = new LinkedHashMap<>();
        unread.forEach(
                (image, why) -> by.computeIfAbsent(why, k -> new ArrayList<>()).add(image));
        List<Map.Entry<String, List<String>>> sorted = new ArrayList<>(by.entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        return sorted;
    }

    // ---- JSON

    /** The {@code summary} object of {@code --json}. */
    record Json(
            int workloads,
            Map<String, Integer> skippedKinds,
            int containers,
            int warnings,
            long fails,
            Images images,
            LibcCounts libc,
            Names names,
            List<Server> servers,
            List<JsonCause> unjudged) {}

    record Images(int read, int declared, int notRead, List<NotRead> notReadBecause) {}

    record NotRead(String reason, List<String> images) {}

    record LibcCounts(int known, int unknownVersion, int unknown) {}

    record Names(
            int judged,
            int unjudged,
            int nxdomainEverywhere,
            int notAsked,
            List<String> unjudgedNames,
            List<String> nxdomainNames,
            Map<String, String> notAskedNames) {}

    /** @param why why the first name got nothing back, for a server that never replied; else null */
    record Server(String server, boolean replied, String why) {}

    /** @param allowed whether {@code --allow-unjudged} accepted it: then it does not make the exit 2 */
    record JsonCause(String kind, int count, List<String> first, String flag, boolean allowed, String message) {}

    Json json(Set<Unjudged> allowed) {
        Tally t = tally();
        List<NotRead> notRead = byReason(t.unread()).stream()
                .map(e -> new NotRead(e.getKey(), printable(e.getValue())))
                .toList();
        List<Server> servers = new ArrayList<>();
        t.replied().forEach(s -> servers.add(new Server(s, true, null)));
        t.silent().forEach((s, why) -> servers.add(new Server(s, false, Printable.line(why))));
        List<JsonCause> causes = causes(t).stream()
                .map(c -> new JsonCause(
                        c.kind().id(), c.count(), c.first(), c.flag(), allowed.contains(c.kind()), c.message()))
                .toList();
        return new Json(
                workloads,
                skipped.counts(),
                containers.size(),
                warnings,
                gateFailures(),
                new Images(t.read().size(), t.declared().size(), t.unread().size(), notRead),
                new LibcCounts(t.libcKnown(), t.libcUnknownVersion(), t.libcUnknown()),
                new Names(
                        t.judged(),
                        t.unjudged().size(),
                        t.nowhere().size(),
                        t.notAsked().size(),
                        t.unjudged(),
                        List.copyOf(t.nowhere()),
                        t.notAsked()),
                servers,
                causes);
    }

    // ---- words

    /** {@code 1 warning}, {@code 2 warnings}, {@code 0 warnings}. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String have(int n) {
        return n == 1 ? "has" : "have";
    }

    private static List<String> first(Iterable<String> items) {
        List<String> out = new ArrayList<>();
        for (String s : items) {
            if (out.size() == FIRST) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    /** The first few, then how many more. */
    static String abbreviate(Collection<String> items) {
        List<String> first = first(items);
        int more = items.size() - first.size();
        return String.join(", ", first) + (more > 0 ? " and " + more + " more" : "");
    }

    private static List<String> printable(List<String> items) {
        return items.stream().map(s -> Printable.line(s, 200)).toList();
    }
}
