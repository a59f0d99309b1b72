package io.dnsprobe.operator;

import io.dnsprobe.libc.Verdict;
import io.dnsprobe.report.ProbeReport;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus series per DnsProbe, name, server, query type and model, at /q/metrics. Each DnsProbe
 * owns its series: a round replaces them (names removed from the spec lose theirs) and deletion
 * removes them all.
 *
 * <ul>
 *   <li>{@code dnsprobe_reply_bytes{type,transport}}: size of the latest reply</li>
 *   <li>{@code dnsprobe_reply_truncated{type}}: 1 when the UDP reply had TC set</li>
 *   <li>{@code dnsprobe_verdict{model}}: 0 OK, 1 PARTIAL, 2 FAILS</li>
 *   <li>{@code dnsprobe_probe_duration_seconds}, {@code dnsprobe_probe_errors_total{reason}}</li>
 * </ul>
 *
 * <p>The per-name gauges are not Micrometer meters: a registered gauge costs about 1.5 KB of heap (its id,
 * tags, composite and Prometheus children), and 5,000 DnsProbes of 5 names hold about 215,000 of them,
 * which alone filled the heap of a 512 MiB container (measured with .ci/soak-operator). They are kept as
 * one row per series, replaced per round, and written out by a collector at scrape time.
 */
@ApplicationScoped
public class ProbeMetrics {
    @Inject
    MeterRegistry registry;

    private final Map<ResourceID, List<Row>> rows = new ConcurrentHashMap<>();
    private final Map<ResourceID, Set<Meter.Id>> meters = new ConcurrentHashMap<>();

    /** The gauge families, each with its label names in the order Micrometer would write them (sorted). */
    enum Family {
        REPLY_BYTES(
                "dnsprobe_reply_bytes",
                "Size of the latest reply",
                "dnsprobe",
                "name",
                "namespace",
                "server",
                "transport",
                "type"),
        REPLY_TRUNCATED(
                "dnsprobe_reply_truncated",
                "1 when the UDP reply had the TC bit set",
                "dnsprobe",
                "name",
                "namespace",
                "server",
                "type"),
        VERDICT(
                "dnsprobe_verdict",
                "Verdict of a libc model for a name: 0 OK, 1 PARTIAL, 2 FAILS",
                "dnsprobe",
                "model",
                "name",
                "namespace",
                "server");

        final String metric;
        final String help;
        final List<String> labels;

        Family(String metric, String help, String... labels) {
            this.metric = metric;
            this.help = help;
            this.labels = List.of(labels);
        }
    }

    /** One series: its family, its label values in the family's order, and its value. */
    record Row(Family family, List<String> labels, double value) {}

    private boolean collecting;

    /** Once, on the first round: the collector goes into the Prometheus registry behind /q/metrics, if there is one. */
    private void collect() {
        if (collecting) {
            return;
        }
        collecting = true;
        List<MeterRegistry> all =
                registry instanceof CompositeMeterRegistry c ? List.copyOf(c.getRegistries()) : List.of(registry);
        all.stream()
                .filter(PrometheusMeterRegistry.class::isInstance)
                .map(PrometheusMeterRegistry.class::cast)
                .findFirst()
                .ifPresent(p -> new Rows().register(p.getPrometheusRegistry()));
    }

    public synchronized void record(ResourceID id, ProbeRound round) {
        collect();
        String namespace = id.getNamespace().orElse("");
        String probe = id.getName();
        Map<List<Object>, Row> latest = new LinkedHashMap<>();
        Map<String, Integer> errors = new HashMap<>();
        for (ProbeRound.Outcome o : round.outcomes()) {
            ProbeReport r = o.report();
            if (r == null) {
                errors.merge(o.error().startsWith("invalid name") ? "invalid_name" : "probe_failed", 1, Integer::sum);
                continue;
            }
            if (r.unreachable() != null) {
                errors.merge("unreachable", 1, Integer::sum);
                continue;
            }
            for (ProbeReport.Reply reply : r.replies()) {
                String transport = reply.transport().equals("UDP") ? "udp" : "tcp";
                put(
                        latest,
                        new Row(
                                Family.REPLY_BYTES,
                                List.of(probe, o.name(), namespace, o.server(), transport, reply.type()),
                                reply.bytes()));
                if (transport.equals("udp")) {
                    put(
                            latest,
                            new Row(
                                    Family.REPLY_TRUNCATED,
                                    List.of(probe, o.name(), namespace, o.server(), reply.type()),
                                    reply.truncated() ? 1 : 0));
                }
            }
            for (Verdict v : r.verdicts()) {
                put(
                        latest,
                        new Row(
                                Family.VERDICT,
                                List.of(probe, v.model().id(), o.name(), namespace, o.server()),
                                v.kind().ordinal()));
            }
        }
        rows.put(id, List.copyOf(latest.values()));

        Tags base = Tags.of("namespace", namespace, "dnsprobe", probe);
        Set<Meter.Id> owned = meters.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
        Timer timer = Timer.builder("dnsprobe.probe.duration")
                .description("Time to probe every name of a DnsProbe once")
                .tags(base)
                .register(registry);
        timer.record(round.elapsed());
        owned.add(timer.getId());
        errors.forEach((reason, n) -> {
            Counter c = Counter.builder("dnsprobe.probe.errors")
                    .description("Names that could not be probed")
                    .tags(base.and("reason", reason))
                    .register(registry);
            c.increment(n);
            owned.add(c.getId());
        });
    }

    /** A later reply of the same series (a query asked again on TCP, a search candidate) replaces an earlier one. */
    private static void put(Map<List<Object>, Row> latest, Row row) {
        List<Object> key = new ArrayList<>(row.labels());
        key.add(row.family());
        latest.put(key, row);
    }

    /** Drops every series of a deleted DnsProbe. */
    public synchronized void remove(ResourceID id) {
        rows.remove(id);
        Set<Meter.Id> owned = meters.remove(id);
        if (owned != null) {
            owned.forEach(registry::remove);
        }
    }

    /** Writes the rows out at scrape time. */
    private final class Rows extends Collector {
        @Override
        public List<MetricFamilySamples> collect() {
            Map<Family, GaugeMetricFamily> families = new LinkedHashMap<>();
            for (Family f : Family.values()) {
                families.put(f, new GaugeMetricFamily(f.metric, f.help, f.labels));
            }
            for (List<Row> probeRows : rows.values()) {
                for (Row row : probeRows) {
                    families.get(row.family()).addMetric(row.labels(), row.value());
                }
            }
            return new ArrayList<>(families.values());
        }
    }
}
