package io.dnsprobe.libc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder;
import io.dnsprobe.demo.ZoneResponder.Fault;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.resolver.SearchPath;
import io.dnsprobe.testing.Recorder;
import io.dnsprobe.testing.SearchLines;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static final Zone ZONE = new Zone()
            .a("small.test.example", "192.0.2.1")
            .manyA("big.test.example", 40)
            .manyA("pods.test.example", 64)
            .txt("nodata.ns1.svc.cluster.local", "x")
            .a("nodata.test.example", "192.0.2.7")
            .a("deep.a.b.c.d.e.test.example", "192.0.2.8");

    private static Map<String, Verdict> judge(Truncation truncation, String name) {
        return byModel(LibcModels.judge(Recorder.probe(ZONE, truncation, name)));
    }

    private static Map<String, Verdict> byModel(List<Verdict> verdicts) {
        return verdicts.stream().collect(Collectors.toMap(v -> v.model().id(), Function.identity()));
    }

    @Test
    void partialTruncationIsPartialForOldMuslWithTheCountsInTheReason() {
        Map<String, Verdict> v = judge(Truncation.PARTIAL, "big");
        assertThat(v.get("musl-1.2.3").kind()).isEqualTo(VerdictKind.PARTIAL);
        assertThat(v.get("musl-1.2.3").reason())
                .isEqualTo("UDP reply truncated to 29 of 40 A records; musl <= 1.2.3 never retries over TCP");
        assertThat(v.get("musl-1.2.4").kind()).isEqualTo(VerdictKind.OK);
        assertThat(v.get("musl-1.2.5").kind()).isEqualTo(VerdictKind.OK);
        assertThat(v.get("glibc").kind()).isEqualTo(VerdictKind.OK);
        assertThat(v.get("glibc").resolution().candidate()).isEqualTo("big.test.example");
    }

    @Test
    void emptyTruncationFailsOldMusl() {
        Map<String, Verdict> v = judge(Truncation.EMPTY, "big");
        assertThat(v.get("musl-1.2.3").kind()).isEqualTo(VerdictKind.FAILS);
        assertThat(v.get("musl-1.2.3").reason())
                .startsWith("UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP")
                .endsWith("(EAI_NONAME)");
        assertThat(v.get("glibc").resolution().addresses()).hasSize(40);
    }

    @Test
    void sixtyFourRecordsFailMusl124AndAreOnlyCappedOn125() {
        Map<String, Verdict> v = judge(Truncation.PARTIAL, "pods");
        assertThat(v.get("musl-1.2.4").kind()).isEqualTo(VerdictKind.FAILS);
        assertThat(v.get("musl-1.2.4").reason()).contains("holds 64 records").contains("EAI_NODATA");
        assertThat(v.get("musl-1.2.5").kind()).isEqualTo(VerdictKind.OK);
        assertThat(v.get("musl-1.2.5").reason()).contains("48 of 64 addresses").contains("at most 48");
    }

    @Test
    void aNameNoLibcResolvesIsNotAMuslProblem() {
        Map<String, Verdict> v = judge(Truncation.EMPTY, "missing");
        assertThat(v.values()).allSatisfy(verdict -> assertThat(verdict.kind()).isEqualTo(VerdictKind.OK));
        assertThat(v.get("musl-1.2.3").reason())
                .isEqualTo("does not resolve with glibc either (EAI_NONAME for missing)");
        assertThat(v.get("glibc").resolution().error()).isEqualTo(EaiError.NONAME);
    }

    @Test
    void nodataAtAnEarlySearchDomainStopsMuslButNotGlibc() {
        Map<String, Verdict> v = judge(Truncation.PARTIAL, "nodata");
        assertThat(v.get("glibc").resolution().addresses()).containsExactly("192.0.2.7");
        assertThat(v.get("musl-1.2.4").kind()).isEqualTo(VerdictKind.FAILS);
        assertThat(v.get("musl-1.2.4").reason())
                .isEqualTo(
                        "EAI_NODATA for nodata.ns1.svc.cluster.local ends musl 1.2.4's search; glibc goes on to nodata.test.example");
        assertThat(v.get("musl-1.2.3").resolution().error()).isEqualTo(EaiError.NONAME);
    }

    @Test
    void trailingDotAsksOnlyTheNameItself() {
        NameProbe probe = Recorder.probe(ZONE, Truncation.PARTIAL, "small.test.example.");
        assertThat(probe.candidates()).extracting(c -> c.name()).containsExactly("small.test.example");
        assertThat(byModel(LibcModels.judge(probe))
                        .get("musl-1.2.3")
                        .resolution()
                        .addresses())
                .hasSize(1);
    }

    @Test
    void withNdotsReachedMuslSkipsTheSearchListButGlibcFallsBackToIt() {
        // 5 dots >= ndots 5: musl asks deep.a.b.c.d.e only; glibc asks it, then the search list.
        Map<String, Verdict> v = byModel(LibcModels.judge(Recorder.probe(ZONE, Truncation.PARTIAL, "deep.a.b.c.d.e")));
        assertThat(v.get("glibc").resolution().candidate()).isEqualTo("deep.a.b.c.d.e.test.example");
        assertThat(v.get("musl-1.2.5").kind()).isEqualTo(VerdictKind.FAILS);
        assertThat(v.get("musl-1.2.5").resolution().candidate()).isEqualTo("deep.a.b.c.d.e");
    }

    @Test
    void servfailIsAgainForBothAndRefusedIsIgnoredByMuslButFinalForGlibc() {
        NameProbe servfail = Recorder.probe(
                new ZoneResponder(ZONE, Truncation.PARTIAL, Fault.SERVFAIL), "small.test.example.", List.of(), 1);
        Map<String, Verdict> s = byModel(LibcModels.judge(servfail));
        assertThat(s.get("glibc").resolution().error()).isEqualTo(EaiError.AGAIN);
        assertThat(s.get("musl-1.2.3").resolution().error()).isEqualTo(EaiError.AGAIN);
        assertThat(s.get("musl-1.2.3").kind()).isEqualTo(VerdictKind.OK);

        NameProbe refused = Recorder.probe(
                new ZoneResponder(ZONE, Truncation.PARTIAL, Fault.REFUSED), "small.test.example.", List.of(), 1);
        Map<String, Verdict> r = byModel(LibcModels.judge(refused));
        assertThat(r.get("glibc").resolution().error()).isEqualTo(EaiError.FAIL);
        assertThat(r.get("musl-1.2.4").resolution().error()).isEqualTo(EaiError.AGAIN);
        assertThat(r.get("musl-1.2.4").resolution().losses())
                .anyMatch(l -> l.contains("REFUSED") && l.contains("waits"));
    }

    @Test
    void aMalformedReplyWithOurIdIsAcceptedByMuslAndDroppedByGlibc() {
        NameProbe garbage = Recorder.probe(
                new ZoneResponder(ZONE, Truncation.PARTIAL, Fault.GARBAGE), "small.test.example.", List.of(), 1);
        Map<String, Verdict> g = byModel(LibcModels.judge(garbage));
        assertThat(g.get("glibc").resolution().error()).isEqualTo(EaiError.AGAIN);
        // 9 bytes, rcode NOERROR, unparseable: musl keeps it and finds no address.
        assertThat(g.get("musl-1.2.3").resolution().error()).isEqualTo(EaiError.NONAME);
        assertThat(g.get("musl-1.2.5").resolution().error()).isEqualTo(EaiError.NODATA);
    }

    private static List<String> searchLineOf(int length) {
        List<String> search = SearchLines.ofLength(Recorder.POD_SEARCH, length);
        assertThat(SearchPath.searchLine(search)).hasSize(length);
        return search;
    }

    @Test
    void aSearchLineMuslCannotReadLeavesItWithoutSearchDomains() {
        ZoneResponder responder = new ZoneResponder(ZONE, Truncation.PARTIAL, Fault.NONE);
        Map<String, Verdict> fits = byModel(LibcModels.judge(Recorder.probe(responder, "small", searchLineOf(254), 5)));
        assertThat(fits.get("musl-1.2.3").kind()).isEqualTo(VerdictKind.OK);
        assertThat(fits.get("musl-1.2.5").resolution().candidate()).isEqualTo("small.test.example");

        Map<String, Verdict> tooLong =
                byModel(LibcModels.judge(Recorder.probe(responder, "small", searchLineOf(255), 5)));
        assertThat(tooLong.get("glibc").resolution().candidate()).isEqualTo("small.test.example");
        for (String musl : List.of("musl-1.2.3", "musl-1.2.4", "musl-1.2.5")) {
            assertThat(tooLong.get(musl).kind()).as(musl).isEqualTo(VerdictKind.FAILS);
            assertThat(tooLong.get(musl).reason())
                    .as(musl)
                    .isEqualTo("musl skips the 255-char search line, over its 254 (EAI_NONAME)");
        }
        // A name with ndots dots never used the search list: nothing changes for it.
        Map<String, Verdict> dotted = byModel(
                LibcModels.judge(Recorder.probe(responder, "deep.a.b.c.d.e.test.example", searchLineOf(255), 5)));
        assertThat(dotted.get("musl-1.2.3").kind()).isEqualTo(VerdictKind.OK);
    }
}
