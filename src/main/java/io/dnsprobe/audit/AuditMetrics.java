package io.dnsprobe.audit;

import io.dnsprobe.probe.QueryPacer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The audit at /q/metrics:
 * <ul>
 *   <li>{@code dnsprobe_audit_workloads{libc,verdict}}: workloads by the libc of their musl containers (or
 *       their first container) and verdict: fails, partial, unknown, ok, not_musl</li>
 *   <li>{@code dnsprobe_audit_pass_duration_seconds}: how long a full pass took, queue to last report</li>
 *   <li>{@code dnsprobe_audit_queries_total}: DNS queries the audit sent (resends included)</li>
 *   <li>{@code dnsprobe_audit_qps_cap_waits_total}: queries that waited for a slot: the cap was reached</li>
 * </ul>
 */
final class AuditMetrics {
    private final MeterRegistry registry;
    private final Timer pass;
    private final FunctionCounter queries;
    private final FunctionCounter waits;
    private final MultiGauge byVerdict;
    private final Map<String, WorkloadVerdict> verdicts;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dnsprobe-audit-metrics");
        t.setDaemon(true);
        return t;
    });

    AuditMetrics(MeterRegistry registry, QueryPacer pacer, Map<String, WorkloadVerdict> verdicts) {
        this.registry = registry;
        this.verdicts = verdicts;
        pass = Timer.builder("dnsprobe.audit.pass.duration")
                .description("Time for a full audit pass over every workload")
                .register(registry);
        queries = FunctionCounter.builder("dnsprobe.audit.queries", pacer, QueryPacer::sent)
                .description("DNS queries the audit sent, resends included")
                .register(registry);
        waits = FunctionCounter.builder("dnsprobe.audit.qps.cap.waits", pacer, QueryPacer::waited)
                .description("Audit queries that waited for a slot under dnsprobe.audit.max-qps")
                .register(registry);
        byVerdict = MultiGauge.builder("dnsprobe.audit.workloads")
                .description("Audited workloads by libc and verdict")
                .register(registry);
        refresh();
        // Counting 5,000 workloads is cheap, but not on every scrape of every replica's Prometheus.
        refresher.scheduleWithFixedDelay(this::refresh, 5, 5, TimeUnit.SECONDS);
    }

    void passDone(Duration took) {
        pass.record(took);
    }

    void refresh() {
        Map<WorkloadVerdict, Long> counts =
                verdicts.values().stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
        byVerdict.register(
                counts.entrySet().stream()
                        .map(e -> MultiGauge.Row.of(
                                Tags.of(
                                        "libc",
                                        e.getKey().libcLabel(),
                                        "verdict",
                                        e.getKey().outcome().label()),
                                e.getValue()))
                        .collect(Collectors.toList()),
                true);
    }

    /**
     * Removes the meters: they read a pacer and a map of this audit only, and an existing meter of the same
     * name would be handed to the next audit in this JVM (tests start the application several times) still
     * reading the old, collected pacer.
     */
    void close() {
        refresher.shutdownNow();
        byVerdict.register(List.of(), true);
        registry.remove(pass);
        registry.remove(queries);
        registry.remove(waits);
    }
}
