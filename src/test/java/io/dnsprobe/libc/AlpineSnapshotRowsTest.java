package io.dnsprobe.libc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.testing.Recorder;
import io.dnsprobe.testing.ReplyShapes;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rows of domain-notes §2a: Alpine 3.19's musl snapshot (1.2.4_git20230717, upstream 83b858f8) beside musl
 * 1.2.4 and 1.2.5, as observed from real builds of each against eight servers.
 */
class AlpineSnapshotRowsTest {
    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("45 A (754-byte TCP reply)", many(45), "45", "45", "45"),
                Arguments.of("63 A (1,042-byte TCP reply)", many(63), "45", "48", "48"),
                Arguments.of("64 A", many(64), "NODATA", "NODATA", "48"),
                Arguments.of("100 A", many(100), "NODATA", "NODATA", "48"),
                Arguments.of("350 A", many(350), "NODATA", "NODATA", "48"),
                Arguments.of("690-byte TCP reply pointing past byte 513", pointerPast513(), "NODATA", "2", "2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void modelsMatchTheObservedRow(String title, Zone zone, String musl124, String snapshot, String musl125) {
        for (Truncation truncation : Truncation.values()) {
            NameProbe probe = Recorder.probe(zone, truncation, "row");
            assertThat(outcome(MuslVersion.V1_2_4, probe))
                    .as("musl 1.2.4, " + truncation)
                    .isEqualTo(musl124);
            assertThat(outcome(MuslVersion.V1_2_4_GIT20230717, probe))
                    .as("musl 1.2.4_git20230717, " + truncation)
                    .isEqualTo(snapshot);
            assertThat(outcome(MuslVersion.FROM_1_2_5, probe))
                    .as("musl 1.2.5, " + truncation)
                    .isEqualTo(musl125);
        }
    }

    @Test
    void theRowsHaveTheSizesOfTheNotes() {
        assertThat(tcpSize(many(45))).isEqualTo(754);
        assertThat(tcpSize(many(63))).isEqualTo(1042);
        // Under 768, so 1.2.4's buffer is not what rejects it: the pointer is.
        assertThat(tcpSize(pointerPast513())).isEqualTo(690);
    }

    @Test
    void musl124SaysThePointerIsWhatItRejects() {
        NameProbe probe = Recorder.probe(pointerPast513(), Truncation.PARTIAL, "row");
        Verdict v = LibcModels.judge(probe).stream()
                .filter(x -> x.model() == ModelId.MUSL_1_2_4)
                .findFirst()
                .orElseThrow();
        assertThat(v.kind()).isEqualTo(VerdictKind.FAILS);
        assertThat(v.reason())
                .isEqualTo("TCP reply for A names a record by a pointer to byte 528; musl 1.2.4 rejects"
                        + " pointers past byte 510 (EAI_NODATA)");
    }

    private static Zone many(int count) {
        return new Zone().manyA("row.test.example", count);
    }

    private static Zone pointerPast513() {
        return ReplyShapes.pointerPastByte510();
    }

    private static int tcpSize(Zone zone) {
        return Recorder.probe(zone, Truncation.PARTIAL, "row")
                .candidate("row.test.example")
                .orElseThrow()
                .a()
                .tcp()
                .size();
    }

    private static String outcome(MuslVersion version, NameProbe probe) {
        Resolution r = new MuslModel(version).resolve(probe);
        return r.resolves() ? String.valueOf(r.addresses().size()) : r.error().name();
    }
}
