package io.dnsprobe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.api.DnsReportStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The audit gauge's outcome, typed inside and written as the words the shipped alert rules and their promtool
 * tests query ({@code verdict="fails"}): renaming a constant must not silence DnsprobeMuslWorkloadsFail.
 */
class WorkloadVerdictTest {

    private static DnsReportStatus counts(int fails, int partial, int unknown) {
        return new DnsReportStatus(
                "2026-12-04T00:00:00Z", "musl 1.2.3", 3, fails, partial, unknown, "", List.of(), List.of());
    }

    @Test
    void theWorstNameDecidesTheWorkload() {
        assertThat(WorkloadVerdict.Outcome.of(counts(1, 1, 1))).isEqualTo(WorkloadVerdict.Outcome.FAILS);
        assertThat(WorkloadVerdict.Outcome.of(counts(0, 1, 1))).isEqualTo(WorkloadVerdict.Outcome.PARTIAL);
        assertThat(WorkloadVerdict.Outcome.of(counts(0, 0, 1))).isEqualTo(WorkloadVerdict.Outcome.UNKNOWN);
        assertThat(WorkloadVerdict.Outcome.of(counts(0, 0, 0))).isEqualTo(WorkloadVerdict.Outcome.OK);
        assertThat(new WorkloadVerdict(null, WorkloadVerdict.Outcome.NOT_MUSL).libcLabel())
                .isEqualTo("none");
    }

    @Test
    void everyVerdictTheAlertsAndTheirTestsQueryIsOneTheAuditWrites() throws Exception {
        Set<String> written = Arrays.stream(WorkloadVerdict.Outcome.values())
                .map(WorkloadVerdict.Outcome::label)
                .collect(Collectors.toSet());
        assertThat(written).contains("fails", "not_musl");
        Pattern queried = Pattern.compile("dnsprobe_audit_workloads\\{[^}]*verdict=\"([^\"]+)\"");
        int seen = 0;
        for (String file : List.of(
                "config/prometheus/prometheus_rule.yaml", "config/prometheus/tests/dnsprobe-alerts.test.yaml")) {
            Matcher m = queried.matcher(Files.readString(Path.of(file)));
            while (m.find()) {
                assertThat(written).as(file).contains(m.group(1));
                seen++;
            }
        }
        assertThat(seen).as("verdicts queried").isGreaterThanOrEqualTo(5);
    }
}
