package io.dnsprobe.libc;

import io.dnsprobe.probe.CandidateProbe;
import io.dnsprobe.probe.Exchange;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.QueryProbe;
import io.dnsprobe.resolver.DnsNames;
import io.dnsprobe.resolver.SearchPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * musl's {@code getaddrinfo} for DNS names: {@code name_from_dns_search} walking the candidates,
 * {@code name_from_dns} deciding each one from the A and AAAA replies it accepted.
 */
public final class MuslModel implements LibcModel {
    private static final int RCODE_NOERROR = 0;
    private static final int RCODE_SERVFAIL = 2;
    private static final int RCODE_NXDOMAIN = 3;
    private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

    private final MuslVersion version;

    public MuslModel(MuslVersion version) {
        this.version = version;
    }

    public MuslVersion version() {
        return version;
    }

    @Override
    public ModelId id() {
        return ModelId.of(version);
    }

    @Override
    public String displayName() {
        return version.displayName;
    }

    /** How a loss starts when musl could not read the search line; {@link Verdict} words the rest around it. */
    public static final String SEARCH_LINE_SKIPPED = "musl skips the ";

    @Override
    public int maxAddresses() {
        return MuslVersion.MAX_ADDRS;
    }

    @Override
    public Resolution resolve(NameProbe probe) {
        String name = probe.name();
        List<String> order = new ArrayList<>();
        // musl searches only when the name has fewer dots than ndots and no trailing dot.
        boolean search = !SearchPath.isAbsolute(name) && DnsNames.dots(name) < probe.ndots();
        String skippedSearch = null;
        if (search) {
            List<String> read = SearchPath.asMuslReadsIt(probe.search());
            if (read.isEmpty() && !probe.search().isEmpty()) {
                // Short, so the webhook's warning stays near 120 characters: the name asked is the name itself.
                skippedSearch = SEARCH_LINE_SKIPPED
                        + SearchPath.searchLine(probe.search()).length() + "-char search line, over its "
                        + SearchPath.MUSL_MAX_SEARCH_LINE;
            }
            order.addAll(SearchPath.searchCandidates(name, read));
        }
        order.add(DnsNames.normalize(name));
        Step step = null;
        Resolution resolution = null;
        for (String candidate : order) {
            step = nameFromDns(probe, candidate);
            if (step.result != Step.NEXT) {
                resolution = step.toResolution(candidate);
                break;
            }
        }
        if (resolution == null) {
            // Every candidate was NXDOMAIN.
            resolution = Resolution.failed(EaiError.NONAME, order.get(order.size() - 1), step.losses);
        }
        return skippedSearch == null ? resolution : resolution.withFirstLoss(skippedSearch);
    }

    private Step nameFromDns(NameProbe probe, String candidate) {
        CandidateProbe c = probe.candidate(candidate)
                .orElseThrow(() -> new IllegalArgumentException("probe of " + probe.name() + " lacks " + candidate));
        QueryProbe[] queries = {c.a(), c.aaaa()};
        Accepted[] answers = new Accepted[2];
        List<String> losses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            answers[i] = accept(queries[i], candidate, losses);
        }
        for (int i = 0; i < 2; i++) {
            if (answers[i] == null || answers[i].rcode() == RCODE_SERVFAIL) {
                return Step.error(EaiError.AGAIN, losses);
            }
            if (answers[i].rcode() == RCODE_NXDOMAIN) {
                return Step.next(losses);
            }
            if (answers[i].rcode() != RCODE_NOERROR) {
                return Step.error(EaiError.FAIL, losses);
            }
        }
        List<String> addresses = new ArrayList<>();
        int[] parseOrder = version.typedParse ? new int[] {1, 0} : new int[] {0, 1};
        for (int i : parseOrder) {
            Accepted a = answers[i];
            MuslDnsParse.Outcome out =
                    MuslDnsParse.parse(version, a.bytes(), a.rlen(), typeCode(queries[i].type()), addresses);
            explain(queries[i], a, out, losses);
        }
        if (!addresses.isEmpty()) {
            return Step.resolved(addresses, losses);
        }
        return Step.error(version.typedParse ? EaiError.NODATA : EaiError.NONAME, losses);
    }

    /** The reply musl keeps for one query, or null when it would wait until its timeout. */
    private Accepted accept(QueryProbe q, String candidate, List<String> losses) {
        Exchange udp = q.udp();
        String what = q.type() + " " + candidate;
        if (!udp.outcome().hasReply()) {
            losses.add("no reply to " + what + " over UDP (" + describe(udp) + ")");
            return null;
        }
        byte[] w = udp.wire();
        if (w.length < 4) {
            losses.add("reply to " + what + " is too short to read");
            return null;
        }
        int rcode = w[3] & 15;
        if (rcode != RCODE_NOERROR && rcode != RCODE_NXDOMAIN) {
            losses.add(rcodeName(rcode) + " for " + what + ": musl ignores it and waits until its timeout");
            return null;
        }
        boolean truncated = (w[2] & 2) != 0 || w.length > version.bufferSize;
        if (!(version.tcpFallback && truncated)) {
            return new Accepted(w, Math.min(w.length, version.bufferSize), false);
        }
        Exchange tcp = q.tcp();
        if (tcp == null || !tcp.outcome().hasReply()) {
            losses.add("TCP retry for " + what + " failed (" + (tcp == null ? "not asked" : describe(tcp)) + ")");
            return null;
        }
        byte[] t = tcp.wire();
        int tcpRcode = t.length >= 4 ? t[3] & 15 : -1;
        if (t.length < 13 || (tcpRcode != RCODE_NOERROR && tcpRcode != RCODE_NXDOMAIN)) {
            losses.add("TCP reply for " + what + " is unusable ("
                    + (t.length < 13 ? t.length + " bytes" : rcodeName(tcpRcode)) + ")");
            return null;
        }
        return new Accepted(t, Math.min(t.length, version.bufferSize), true);
    }

    /** Adds a sentence for whatever the buffer, the record limit or truncation took from one reply. */
    private void explain(QueryProbe q, Accepted a, MuslDnsParse.Outcome out, List<String> losses) {
        String type = q.type();
        Optional<Long> total = fullCount(q);
        String of = total.map(t -> " of " + t).orElse("");
        String transport = a.viaTcp() ? "TCP" : "UDP";
        if (out.recordLimitHit) {
            losses.add(transport + " reply for " + type + " holds " + out.ancount + " records; " + version.displayName
                    + " rejects replies with more than 63");
            return;
        }
        if (out.pointerPast510 >= 0) {
            // dns_parse.c at v1.2.4, lines 18 and 24; removed by 83b858f8 (Alpine 3.19) as serving no purpose.
            losses.add(transport + " reply for " + type + " names a record by a pointer to byte " + out.pointerPast510
                    + "; " + version.displayName + " rejects pointers past byte 510");
            return;
        }
        boolean kept =
                total.map(t -> out.added >= Math.min(t, MuslVersion.MAX_ADDRS)).orElse(true);
        if (!a.viaTcp() && q.udp().truncated() && !(kept && total.isPresent())) {
            String got = out.added == 0 && out.cnames > 0
                    ? out.cnames + " CNAME" + (out.cnames > 1 ? "s" : "") + " and no " + type + " record"
                    : out.added + of + " " + type + " records";
            losses.add("UDP reply truncated to " + got + "; " + version.displayName + " never retries over TCP");
        } else if (a.rlen() < a.bytes().length && !kept) {
            String got = out.added == 0 && out.cnames > 0
                    ? "only CNAMEs, no " + type + " record"
                    : out.added + of + " " + type + " records";
            losses.add(transport + " reply is " + a.bytes().length + " bytes" + (a.viaTcp() ? "" : " without TC") + "; "
                    + version.displayName + " reads only " + version.bufferSize + ", " + got);
        }
    }

    /** The number of records of the query's type in the complete reply, when a complete reply was seen. */
    private static Optional<Long> fullCount(QueryProbe q) {
        Exchange full = q.full();
        if (full.truncated()) {
            return Optional.empty();
        }
        return full.reply().map(r -> r.addressCount(q.type()));
    }

    private static int typeCode(String type) {
        return "A".equals(type) ? MuslDnsParse.RR_A : MuslDnsParse.RR_AAAA;
    }

    static String rcodeName(int rcode) {
        return rcode >= 0 && rcode < RCODES.length ? RCODES[rcode] : "RCODE " + rcode;
    }

    static String describe(Exchange e) {
        return e.detail() != null
                ? e.detail()
                : e.outcome().name().toLowerCase().replace('_', ' ');
    }

    private record Accepted(byte[] bytes, int rlen, boolean viaTcp) {
        int rcode() {
            return bytes[3] & 15;
        }
    }

    /** One candidate's result: addresses, an error that ends the walk, or NEXT (NXDOMAIN). */
    private static final class Step {
        static final int NEXT = 0;
        static final int DONE = 1;
        final int result;
        final List<String> addresses;
        final EaiError error;
        final List<String> losses;

        private Step(int result, List<String> addresses, EaiError error, List<String> losses) {
            this.result = result;
            this.addresses = addresses;
            this.error = error;
            this.losses = losses;
        }

        static Step next(List<String> losses) {
            return new Step(NEXT, List.of(), null, losses);
        }

        static Step error(EaiError error, List<String> losses) {
            return new Step(DONE, List.of(), error, losses);
        }

        static Step resolved(List<String> addresses, List<String> losses) {
            return new Step(DONE, addresses, null, losses);
        }

        Resolution toResolution(String candidate) {
            return error != null
                    ? Resolution.failed(error, candidate, losses)
                    : Resolution.resolved(addresses, candidate, losses);
        }
    }
}
