package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.image.Libc;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule check and enforce share for a musl whose version nobody knows. */
class UnknownVersionPolicyTest {
    private static Finding fails(boolean versionKnown, VerdictKind verdict) {
        return new Finding(
                "app",
                "nginx:alpine",
                "musl if Alpine < 3.18",
                versionKnown,
                "big.test.example",
                verdict,
                MuslVersion.UP_TO_1_2_3,
                "EAI_NONAME",
                "40 A records");
    }

    private static NameVerdicts verdicts(VerdictKind oldest, VerdictKind v124) {
        return new NameVerdicts(
                "big.test.example",
                Map.of(
                        MuslVersion.UP_TO_1_2_3,
                        new NameVerdicts.Judgement(oldest, "x"),
                        MuslVersion.V1_2_4,
                        new NameVerdicts.Judgement(v124, "y")),
                null,
                "test");
    }

    @Test
    void onlyAFailsOnAKnownVersionFailsAGate() {
        assertThat(UnknownVersionPolicy.failsGate(fails(true, VerdictKind.FAILS)))
                .isTrue();
        assertThat(UnknownVersionPolicy.failsGate(fails(false, VerdictKind.FAILS)))
                .isFalse();
        assertThat(UnknownVersionPolicy.failsGate(fails(true, VerdictKind.PARTIAL)))
                .isFalse();
    }

    @Test
    void theVersionDecidesWhenSomeMuslModelFails() {
        Libc unknown = new LibcDetector(Map.of()).fromName("nginx:alpine");
        assertThat(unknown.muslUnknownVersion()).isTrue();
        assertThat(UnknownVersionPolicy.versionDecides(unknown, verdicts(VerdictKind.PARTIAL, VerdictKind.FAILS)))
                .as("PARTIAL on the oldest model, FAILS on 1.2.4 (64 A records)")
                .isTrue();
        assertThat(UnknownVersionPolicy.versionDecides(unknown, verdicts(VerdictKind.OK, VerdictKind.PARTIAL)))
                .isFalse();
        assertThat(UnknownVersionPolicy.versionDecides(
                        new LibcDetector(Map.of()).fromName("alpine:3.14"),
                        verdicts(VerdictKind.FAILS, VerdictKind.FAILS)))
                .as("a known version is judged")
                .isFalse();
    }
}
