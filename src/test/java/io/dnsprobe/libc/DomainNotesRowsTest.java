package io.dnsprobe.libc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.testing.Recorder;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of domain-notes §2, asked as there (relative name, pod search list, ndots:5): glibc,
 * musl 1.2.3 behind a server that keeps what fits and behind one that keeps nothing, musl 1.2.4 and
 * musl 1.2.5. Expected values are the observed ones from the notes: address counts or EAI errors.
 */
class DomainNotesRowsTest {
    private static final String LABEL_63 = "l".repeat(63);

    static Stream<Arguments> rows() {
        return Stream.of(
                row("30 A", "r030", z -> z.manyA("r030.test.example", 30), "30", "29", "NONAME", "30", "30"),
                row("40 A", "r040", z -> z.manyA("r040.test.example", 40), "40", "29", "NONAME", "40", "40"),
                row("40 AAAA", "q040", z -> z.manyAaaa("q040.test.example", 40), "40", "17", "NONAME", "26", "40"),
                row(
                        "2 A + 40 AAAA",
                        "m042",
                        z -> z.manyA("m042.test.example", 2).manyAaaa("m042.test.example", 40),
                        "42",
                        "19",
                        "2",
                        "28",
                        "42"),
                row("64 A", "r064", z -> z.manyA("r064.test.example", 64), "64", "29", "NONAME", "NODATA", "48"),
                row("320 A", "r320", z -> z.manyA("r320.test.example", 320), "320", "29", "NONAME", "NODATA", "48"),
                row(
                        "4 CNAMEs + 3 A (under 768 B)",
                        "cnsh",
                        z -> chain(z, "cnsh", 2),
                        "3",
                        "NONAME",
                        "NONAME",
                        "3",
                        "3"),
                row(
                        "4 long CNAMEs + 3 A (over 768 B)",
                        "cnlg",
                        z -> chain(z, "cnlg", 3),
                        "3",
                        "NONAME",
                        "NONAME",
                        "NODATA",
                        "3"),
                row(
                        "NODATA at the first search domain, A at a later one",
                        "nodt",
                        z -> z.txt("nodt.ns1.svc.cluster.local", "no address here")
                                .a("nodt.test.example", "192.0.2.1"),
                        "1",
                        "NONAME",
                        "NONAME",
                        "NODATA",
                        "NODATA"));
    }

    /** Four CNAMEs with {@code labels} 63-byte labels each in their targets, then 3 A records. */
    private static void chain(Zone z, String name, int labels) {
        String previous = name + ".test.example";
        for (int i = 1; i <= 4; i++) {
            String target = ("c" + i + LABEL_63.substring(2) + ".").repeat(labels) + "test.example";
            z.cname(previous, target);
            previous = target;
        }
        z.a(previous, "192.0.2.1", "192.0.2.2", "192.0.2.3");
    }

    private static Arguments row(
            String title,
            String name,
            Consumer<Zone> setup,
            String glibc,
            String muslPartial,
            String muslEmpty,
            String musl124,
            String musl125) {
        Zone zone = new Zone();
        setup.accept(zone);
        return Arguments.of(title, name, zone, glibc, muslPartial, muslEmpty, musl124, musl125);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void modelsMatchTheObservedRow(
            String title,
            String name,
            Zone zone,
            String glibc,
            String muslPartial,
            String muslEmpty,
            String musl124,
            String musl125) {
        NameProbe partial = Recorder.probe(zone, Truncation.PARTIAL, name);
        NameProbe empty = Recorder.probe(zone, Truncation.EMPTY, name);

        assertThat(outcome(new GlibcModel(), partial)).as("glibc").isEqualTo(glibc);
        assertThat(outcome(new GlibcModel(), empty))
                .as("glibc, empty truncation")
                .isEqualTo(glibc);
        assertThat(outcome(new MuslModel(MuslVersion.UP_TO_1_2_3), partial))
                .as("musl 1.2.3 via BIND")
                .isEqualTo(muslPartial);
        assertThat(outcome(new MuslModel(MuslVersion.UP_TO_1_2_3), empty))
                .as("musl 1.2.3 via Unbound")
                .isEqualTo(muslEmpty);
        assertThat(outcome(new MuslModel(MuslVersion.V1_2_4), partial))
                .as("musl 1.2.4")
                .isEqualTo(musl124);
        assertThat(outcome(new MuslModel(MuslVersion.V1_2_4), empty))
                .as("musl 1.2.4, empty truncation")
                .isEqualTo(musl124);
        assertThat(outcome(new MuslModel(MuslVersion.FROM_1_2_5), partial))
                .as("musl 1.2.5")
                .isEqualTo(musl125);
        assertThat(outcome(new MuslModel(MuslVersion.FROM_1_2_5), empty))
                .as("musl 1.2.5, empty truncation")
                .isEqualTo(musl125);
    }

    private static String outcome(LibcModel model, NameProbe probe) {
        Resolution r = model.resolve(probe);
        return r.resolves() ? String.valueOf(r.addresses().size()) : r.error().name();
    }

    @org.junit.jupiter.api.Test
    void cnameChainsHaveTheSizesOfTheNotes() {
        Zone shortChain = new Zone();
        chain(shortChain, "cnsh", 2);
        Zone longChain = new Zone();
        chain(longChain, "cnlg", 3);
        int shortSize = Recorder.probe(shortChain, Truncation.PARTIAL, "cnsh")
                .candidate("cnsh.test.example")
                .orElseThrow()
                .a()
                .tcp()
                .size();
        int longSize = Recorder.probe(longChain, Truncation.PARTIAL, "cnlg")
                .candidate("cnlg.test.example")
                .orElseThrow()
                .a()
                .tcp()
                .size();
        // Over 512 (so UDP truncates) and under 768 (so musl 1.2.4 reads it all); the long one ends past 768
        // even before its 48 bytes of A records.
        assertThat(shortSize).isBetween(513, 767);
        assertThat(longSize - 48).isGreaterThan(768);
    }
}
