package io.dnsprobe.libc;

import io.dnsprobe.probe.CandidateProbe;
import io.dnsprobe.probe.DnsReply;
import io.dnsprobe.probe.Exchange;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.Outcome;
import io.dnsprobe.probe.QueryProbe;
import io.dnsprobe.resolver.DnsNames;
import io.dnsprobe.resolver.SearchPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * glibc's {@code getaddrinfo} through nss_dns: {@code __res_context_search} walking candidates,
 * {@code __res_context_query} judging the A and AAAA replies together, TCP after truncation.
 * The baseline every musl model is judged against.
 */
public final class GlibcModel implements LibcModel {
    /** glibc's h_errno outcomes of one query. */
    private enum Herrno {
        SUCCESS,
        HOST_NOT_FOUND,
        NO_DATA,
        TRY_AGAIN_SERVFAIL,
        TRY_AGAIN,
        NO_RECOVERY
    }

    private record Step(Herrno herrno, List<String> addresses, String detail) {}

    @Override
    public ModelId id() {
        return ModelId.GLIBC;
    }

    @Override
    public String displayName() {
        return "glibc";
    }

    @Override
    public int maxAddresses() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Resolution resolve(NameProbe probe) {
        String name = probe.name();
        boolean trailingDot = SearchPath.isAbsolute(name);
        String base = DnsNames.normalize(name);
        int dots = DnsNames.dots(name);
        Herrno saved = null;
        boolean triedAsIs = false;
        boolean gotNodata = false;
        boolean gotServfail = false;
        Step last = null;
        String lastCandidate = base;
        List<String> notes = new ArrayList<>();

        if (dots >= probe.ndots() || trailingDot) {
            last = query(probe, base);
            if (last.herrno == Herrno.SUCCESS || trailingDot) {
                return finish(last, base, notes);
            }
            saved = last.herrno;
            triedAsIs = true;
            note(notes, base, last);
        }
        if (!trailingDot) {
            for (String candidate : SearchPath.searchCandidates(name, probe.search())) {
                last = query(probe, candidate);
                lastCandidate = candidate;
                if (last.herrno == Herrno.SUCCESS) {
                    return finish(last, candidate, notes);
                }
                note(notes, candidate, last);
                boolean keepGoing = switch (last.herrno) {
                    case NO_DATA -> {
                        gotNodata = true;
                        yield true;
                    }
                    case HOST_NOT_FOUND -> true;
                    case TRY_AGAIN_SERVFAIL -> {
                        gotServfail = true;
                        yield true;
                    }
                    default -> false;
                };
                if (!keepGoing) {
                    break;
                }
            }
        }
        if (!triedAsIs) {
            last = query(probe, base);
            lastCandidate = base;
            if (last.herrno == Herrno.SUCCESS) {
                return finish(last, base, notes);
            }
            note(notes, base, last);
        }
        Herrno error =
                saved != null ? saved : gotNodata ? Herrno.NO_DATA : gotServfail ? Herrno.TRY_AGAIN : last.herrno;
        return Resolution.failed(eai(error), lastCandidate, notes);
    }

    private static void note(List<String> notes, String candidate, Step step) {
        if (step.detail != null) {
            notes.add(candidate + ": " + step.detail);
        }
    }

    private static Resolution finish(Step step, String candidate, List<String> notes) {
        if (step.herrno == Herrno.SUCCESS) {
            if (step.addresses.isEmpty()) {
                // Answers, but none of them an address (a CNAME whose target the server did not include).
                return Resolution.failed(EaiError.NODATA, candidate, notes);
            }
            return Resolution.resolved(step.addresses, candidate, notes);
        }
        note(notes, candidate, step);
        return Resolution.failed(eai(step.herrno), candidate, notes);
    }

    private static EaiError eai(Herrno h) {
        return switch (h) {
            case HOST_NOT_FOUND -> EaiError.NONAME;
            case NO_DATA -> EaiError.NODATA;
            case TRY_AGAIN, TRY_AGAIN_SERVFAIL -> EaiError.AGAIN;
            case NO_RECOVERY, SUCCESS -> EaiError.FAIL;
        };
    }

    private Step query(NameProbe probe, String candidate) {
        CandidateProbe c = probe.candidate(candidate)
                .orElseThrow(() -> new IllegalArgumentException("probe of " + probe.name() + " lacks " + candidate));
        Optional<DnsReply> a = usable(c.a());
        Optional<DnsReply> aaaa = usable(c.aaaa());
        if (a.isEmpty() || aaaa.isEmpty()) {
            QueryProbe failed = a.isEmpty() ? c.a() : c.aaaa();
            return new Step(
                    Herrno.TRY_AGAIN,
                    List.of(),
                    "no usable reply to " + failed.type() + " (" + MuslModel.describe(failed.full()) + ")");
        }
        DnsReply ra = a.get();
        DnsReply raaaa = aaaa.get();
        boolean aAnswers = "NOERROR".equals(ra.rcode()) && ra.answerCount() > 0;
        boolean aaaaAnswers = "NOERROR".equals(raaaa.rcode()) && raaaa.answerCount() > 0;
        if (!aAnswers && !aaaaAnswers) {
            String rcode = "NOERROR".equals(ra.rcode()) ? raaaa.rcode() : ra.rcode();
            return switch (rcode) {
                case "NXDOMAIN" -> new Step(Herrno.HOST_NOT_FOUND, List.of(), null);
                case "SERVFAIL" -> new Step(Herrno.TRY_AGAIN_SERVFAIL, List.of(), "SERVFAIL");
                case "NOERROR" -> new Step(Herrno.NO_DATA, List.of(), null);
                default -> new Step(Herrno.NO_RECOVERY, List.of(), rcode);
            };
        }
        List<String> addresses = new ArrayList<>();
        ra.answers().stream().filter(x -> x.type().equals("A")).forEach(x -> addresses.add(x.data()));
        raaaa.answers().stream().filter(x -> x.type().equals("AAAA")).forEach(x -> addresses.add(x.data()));
        return new Step(Herrno.SUCCESS, addresses, null);
    }

    /**
     * The reply glibc works from: the TCP one after truncation. glibc drops replies that are short or
     * carry another question and waits, so those end as no reply at all.
     */
    private static Optional<DnsReply> usable(QueryProbe q) {
        Exchange e = q.udp().truncated() ? q.tcp() : q.udp();
        if (e == null || e.outcome() != Outcome.REPLY) {
            return Optional.empty();
        }
        return e.reply();
    }
}
