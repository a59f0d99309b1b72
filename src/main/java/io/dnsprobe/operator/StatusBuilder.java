package io.dnsprobe.operator;

import io.dnsprobe.api.ConditionStatus;
import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.libc.Verdict;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.report.ProbeReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes a DnsProbe's whole status from one probe round, as one value. Pure: the previous status
 * only lends the transition times of conditions that did not change.
 */
public final class StatusBuilder {
    public static final String READY = "Ready";
    public static final String TRUNCATED = "Truncated";
    public static final String MUSL_INCOMPATIBLE = "MuslIncompatible";
    private static final int MAX_LISTED = 5;

    private StatusBuilder() {}

    public static DnsProbeStatus build(ProbeRound round, DnsProbeStatus previous, Instant now) {
        List<NameResult> results = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> truncated = new LinkedHashSet<>();
        Set<String> fails = new LinkedHashSet<>();
        Set<String> partial = new LinkedHashSet<>();
        List<String> unreachable = new ArrayList<>();
        Set<String> silent = new LinkedHashSet<>();
        List<String> errors = new ArrayList<>();
        int maxBytes = 0;
        // A server is unreachable only when none of its names got anything back; one silent name on a
        // server that answers the others is that name's own result.
        Set<String> answering = new HashSet<>();
        for (ProbeRound.Outcome o : round.outcomes()) {
            if (o.report() != null && o.report().unreachable() == null) {
                answering.add(o.report().server());
            }
        }
        for (ProbeRound.Outcome o : round.outcomes()) {
            names.add(o.name());
            if (o.report() == null) {
                results.add(new NameResult(
                        o.name(),
                        o.server().isEmpty() ? null : o.server(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        o.error()));
                errors.add(o.name() + ": " + o.error());
                continue;
            }
            ProbeReport r = o.report();
            if (r.unreachable() != null) {
                if (answering.contains(r.server())) {
                    silent.add(o.name());
                } else {
                    unreachable.add(r.server() + " (" + r.unreachable() + ")");
                }
                results.add(new NameResult(
                        o.name(),
                        r.server(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "no reply from " + r.server() + ": " + r.unreachable()));
                continue;
            }
            maxBytes = Math.max(maxBytes, Math.max(r.udpBytes(), r.tcpBytes()));
            if (!r.truncated().isEmpty()) {
                truncated.add(o.name());
            }
            VerdictKind worst = r.worstMusl();
            if (worst == VerdictKind.FAILS) {
                fails.add(o.name());
            } else if (worst == VerdictKind.PARTIAL) {
                partial.add(o.name());
            }
            results.add(new NameResult(
                    o.name(),
                    r.server(),
                    r.candidate(),
                    r.udpBytes(),
                    r.tcpBytes() < 0 ? null : r.tcpBytes(),
                    r.truncated().isEmpty() ? null : r.truncated(),
                    r.kept().isEmpty() ? null : r.kept(),
                    r.verdicts().stream().map(StatusBuilder::verdict).toList(),
                    null));
        }
        partial.removeAll(fails);
        long gen = round.generation();
        List<Condition> conditions = new ArrayList<>();
        conditions.add(ready(round, unreachable, silent, errors, names.size(), gen, previous, now));
        conditions.add(
                truncated.isEmpty()
                        ? condition(
                                TRUNCATED,
                                ConditionStatus.FALSE,
                                "RepliesFit",
                                "every reply fits in 512 bytes of UDP",
                                gen,
                                previous,
                                now)
                        : condition(
                                TRUNCATED,
                                ConditionStatus.TRUE,
                                "RepliesNeedTCP",
                                truncated.size() + " of " + names.size()
                                        + " names have replies over 512 bytes that need TCP: " + list(truncated),
                                gen,
                                previous,
                                now));
        conditions.add(
                !fails.isEmpty()
                        ? condition(
                                MUSL_INCOMPATIBLE,
                                ConditionStatus.TRUE,
                                "MuslFails",
                                fails.size() + " names fail on musl where glibc " + "resolves them: " + list(fails),
                                gen,
                                previous,
                                now)
                        : !partial.isEmpty()
                                ? condition(
                                        MUSL_INCOMPATIBLE,
                                        ConditionStatus.TRUE,
                                        "MuslPartial",
                                        partial.size() + " names resolve only partially on " + "musl: " + list(partial),
                                        gen,
                                        previous,
                                        now)
                                : condition(
                                        MUSL_INCOMPATIBLE,
                                        ConditionStatus.FALSE,
                                        "MuslCompatible",
                                        "every musl model resolves what glibc resolves",
                                        gen,
                                        previous,
                                        now));
        return new DnsProbeStatus(
                gen,
                round.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(),
                names.size(),
                truncated.size(),
                fails.size(),
                partial.size(),
                maxBytes,
                results,
                conditions);
    }

    /** A model's verdict as the status and the webhook carry it. */
    public static ModelVerdict verdict(Verdict v) {
        int n = v.resolution().addresses().size();
        String result = v.resolution().resolves()
                ? n + (n == 1 ? " address" : " addresses")
                : v.resolution().error().symbol();
        return new ModelVerdict(v.model(), v.kind(), result, v.reason());
    }

    private static Condition ready(
            ProbeRound round,
            List<String> unreachable,
            Set<String> silent,
            List<String> errors,
            int names,
            long gen,
            DnsProbeStatus previous,
            Instant now) {
        if (!round.problems().isEmpty()) {
            return condition(
                    READY,
                    ConditionStatus.FALSE,
                    "InvalidSpec",
                    String.join("; ", round.problems()),
                    gen,
                    previous,
                    now);
        }
        if (!unreachable.isEmpty()) {
            return condition(
                    READY,
                    ConditionStatus.FALSE,
                    "ServerUnreachable",
                    "no reply from " + list(new LinkedHashSet<>(unreachable)),
                    gen,
                    previous,
                    now);
        }
        if (!errors.isEmpty()) {
            return condition(
                    READY, ConditionStatus.FALSE, "InvalidName", list(new LinkedHashSet<>(errors)), gen, previous, now);
        }
        return condition(
                READY,
                ConditionStatus.TRUE,
                "Probed",
                "probed " + names + " names in " + round.elapsed().toMillis() + "ms"
                        + (silent.isEmpty() ? "" : "; no reply for " + silent.size() + ": " + list(silent)),
                gen,
                previous,
                now);
    }

    private static String list(Set<String> items) {
        List<String> shown = items.stream().limit(MAX_LISTED).toList();
        return String.join(", ", shown)
                + (items.size() > MAX_LISTED ? " and " + (items.size() - MAX_LISTED) + " more" : "");
    }

    /**
     * {@code current} with Ready False for {@code reason}: what the last round found stays, since it is
     * still the latest knowledge; only readiness says the reconcile failed.
     */
    static DnsProbeStatus failed(DnsProbeStatus current, String reason, String message, long gen, Instant now) {
        DnsProbeStatus base = current == null ? DnsProbeStatus.NONE : current;
        return base.withCondition(condition(READY, ConditionStatus.FALSE, reason, message, gen, current, now));
    }

    /** A condition whose transition time moves only when its status does. */
    static Condition condition(
            String type,
            ConditionStatus status,
            String reason,
            String message,
            long gen,
            DnsProbeStatus previous,
            Instant now) {
        String since = previous == null
                ? null
                : previous.condition(type)
                        .filter(c -> status.wire().equals(c.getStatus()))
                        .map(Condition::getLastTransitionTime)
                        .orElse(null);
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status.wire())
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(gen)
                .withLastTransitionTime(
                        since != null
                                ? since
                                : now.truncatedTo(ChronoUnit.SECONDS).toString())
                .build();
    }
}
