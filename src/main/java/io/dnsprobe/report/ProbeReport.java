package io.dnsprobe.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dnsprobe.libc.EaiError;
import io.dnsprobe.libc.LibcModels;
import io.dnsprobe.libc.Verdict;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.probe.CandidateProbe;
import io.dnsprobe.probe.Exchange;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.Outcome;
import io.dnsprobe.probe.QueryProbe;
import io.dnsprobe.resolver.DnsNames;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one probe of one name on one server comes to, in the terms people read: the candidate that
 * answered, reply sizes, truncation, and each libc model's verdict. The CLI table and the operator's
 * status are both built from this.
 *
 * @param candidate the candidate glibc answers from (the name itself when nothing answers)
 * @param udpBytes largest UDP reply for that candidate, A or AAAA; -1 when none came
 * @param tcpBytes largest TCP reply, -1 when no TCP was needed or none came
 * @param truncated query types whose UDP reply had TC set
 * @param kept per truncated type, records kept in the UDP reply out of those in the TCP one: {@code A 29/40}
 * @param verdicts each model's verdict; null when no reply came (nothing to judge: no model may read as OK)
 * @param unreachable set when no query for this name got anything back (not even a reply with another ID)
 * @param error set when no libc resolves the name, in words: no reply ({@code no reply: ...}), or what every
 *     libc gets ({@code the name does not exist (NXDOMAIN): every libc gives EAI_NONAME})
 * @param replies every reply for that candidate, per type and transport
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeReport(
        String name,
        String server,
        String candidate,
        int udpBytes,
        int tcpBytes,
        List<String> truncated,
        List<Kept> kept,
        List<Verdict> verdicts,
        String unreachable,
        String error,
        List<Reply> replies) {

    /** One reply's size and truncation, for metrics and JSON. */
    public record Reply(String type, String transport, int bytes, boolean truncated) {}

    public static ProbeReport of(NameProbe probe) {
        List<Verdict> verdicts = LibcModels.judge(probe);
        Verdict glibc = verdicts.get(verdicts.size() - 1);
        String candidate =
                glibc.resolution().resolves() ? glibc.resolution().candidate() : DnsNames.normalize(probe.name());
        CandidateProbe c = probe.candidate(candidate)
                .orElse(probe.candidates().get(probe.candidates().size() - 1));
        int udp = -1;
        int tcp = -1;
        List<String> truncated = new ArrayList<>();
        List<Kept> kept = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        for (QueryProbe q : List.of(c.a(), c.aaaa())) {
            for (Exchange e : q.tcp() == null ? List.of(q.udp()) : List.of(q.udp(), q.tcp())) {
                if (e.size() >= 0) {
                    replies.add(new Reply(q.type(), e.transport().name(), e.size(), e.truncated()));
                }
            }
            udp = Math.max(udp, q.udp().size());
            if (q.tcp() != null) {
                tcp = Math.max(tcp, q.tcp().size());
            }
            if (q.udp().truncated()) {
                truncated.add(q.type());
                kept.add(new Kept(q.type(), count(q.udp(), q.type()), q.tcp() == null ? -1 : count(q.tcp(), q.type())));
            }
        }
        String unreachable = unreachable(probe);
        if (unreachable != null) {
            String error = unreachable.startsWith("no reply") ? unreachable : "no reply: " + unreachable;
            return new ProbeReport(
                    probe.name(),
                    probe.server(),
                    candidate,
                    udp,
                    tcp,
                    truncated,
                    kept,
                    null,
                    unreachable,
                    error,
                    replies);
        }
        return new ProbeReport(
                probe.name(),
                probe.server(),
                candidate,
                udp,
                tcp,
                truncated,
                kept,
                verdicts,
                null,
                unresolved(verdicts),
                replies);
    }

    /**
     * What no libc resolving the name comes to, or null when some libc resolves it. Every musl verdict is OK
     * then (none does worse than glibc), which must not read as "resolves".
     */
    private static String unresolved(List<Verdict> verdicts) {
        if (verdicts.stream().anyMatch(v -> v.resolution().resolves())) {
            return null;
        }
        Set<EaiError> errors = verdicts.stream()
                .map(v -> v.resolution().error())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(EaiError.class)));
        if (errors.size() > 1) {
            return "no libc resolves it: "
                    + verdicts.stream()
                            .map(v -> v.displayName() + " " + v.resolution().summary())
                            .collect(Collectors.joining(", "));
        }
        EaiError error = errors.iterator().next();
        String what = switch (error) {
            case NONAME -> "the name does not exist (NXDOMAIN)";
            case NODATA -> "the name has no address (NODATA)";
            case AGAIN -> "no usable answer (SERVFAIL, or a query without reply)";
            case FAIL -> "the server refuses the lookup";
        };
        return what + ": every libc gives " + error.symbol();
    }

    /** Records of {@code type} in the reply, -1 when there is none. */
    private static int count(Exchange e, String type) {
        return e.reply().map(r -> (int) r.addressCount(type)).orElse(-1);
    }

    /**
     * Why nothing at all came back for this name, or null when anything did: a reply on either transport,
     * even one with another ID, shows the server is there.
     */
    private static String unreachable(NameProbe probe) {
        for (CandidateProbe c : probe.candidates()) {
            for (QueryProbe q : List.of(c.a(), c.aaaa())) {
                if (answered(q.udp()) || q.tcp() != null && answered(q.tcp())) {
                    return null;
                }
            }
        }
        Exchange first = probe.candidates().get(0).a().udp();
        return first.detail() != null ? first.detail() : first.outcome().name();
    }

    private static boolean answered(Exchange e) {
        return e.outcome().hasReply() || e.outcome() == Outcome.ID_MISMATCH;
    }

    /** The worst verdict of any musl model; OK when there are none (no reply: nothing judged). */
    public VerdictKind worstMusl() {
        VerdictKind worst = VerdictKind.OK;
        for (Verdict v : verdicts == null ? List.<Verdict>of() : verdicts) {
            if (v.model().isMusl() && v.kind().compareTo(worst) > 0) {
                worst = v.kind();
            }
        }
        return worst;
    }

    public boolean anyFails() {
        return verdicts != null && verdicts.stream().anyMatch(v -> v.kind() == VerdictKind.FAILS);
    }
}
