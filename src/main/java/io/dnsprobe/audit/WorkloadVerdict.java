package io.dnsprobe.audit;

import io.dnsprobe.api.DnsReportStatus;
import io.dnsprobe.image.Libc;
import java.util.Locale;

/**
 * What the audit last concluded for a workload, for the {@code dnsprobe_audit_workloads} gauge: the libc its
 * report names (null when it has no containers) and its outcome. Typed here; the label strings are made only
 * where the gauge's rows are.
 */
record WorkloadVerdict(Libc libc, Outcome outcome) {
    /** The gauge's {@code verdict} label, in the words the alerts and the dashboard query. */
    enum Outcome {
        OK,
        PARTIAL,
        UNKNOWN,
        FAILS,
        NOT_MUSL;

        /** The worst of the report's names: any failing name fails the workload, then partial, then unknown. */
        static Outcome of(DnsReportStatus report) {
            return report.fails() > 0 ? FAILS : report.partial() > 0 ? PARTIAL : report.unknown() > 0 ? UNKNOWN : OK;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    String libcLabel() {
        return libc == null ? "none" : libc.label();
    }
}
