package io.dnsprobe.operator;

import io.dnsprobe.libc.Verdict;
import io.dnsprobe.report.ProbeReport;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

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
 */
@ApplicationScoped
public class ProbeMetrics {
    @Inject
    MeterRegistry registry;

    private final Map<ResourceID, Series> byProbe = new ConcurrentHashMap<>();

    /** The meters of one DnsProbe, keyed by their identity. */
    private static final class Series {
        final Map<Meter.Id, AtomicReference<Double>> gauges = new HashMap<>();
        final Map<Meter.Id, Meter> meters = new HashMap<>();
    }

    public synchronized void record(ResourceID id, ProbeRound round) {
        Tags base = Tags.of("namespace", id.getNamespace().orElse(""), "dnsprobe", id.getName());
        Map<Meter.Id, Double> desired = new HashMap<>();
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
            Tags nameTags = base.and("name", o.name(), "server", o.server());
            for (ProbeReport.Reply reply : r.replies()) {
                desired.put(gaugeId("dnsprobe.reply.bytes", nameTags.and("type", reply.type(), "transport",
                        reply.transport().toLowerCase()), "bytes"), (double) reply.bytes());
                if (reply.transport().equals("UDP")) {
                    desired.put(gaugeId("dnsprobe.reply.truncated", nameTags.and("type", reply.type()), null),
                            reply.truncated() ? 1.0 : 0.0);
                }
            }
            for (Verdict v : r.verdicts()) {
                desired.put(gaugeId("dnsprobe.verdict", nameTags.and("model", v.model()), null), (double) v.kind().ordinal());
            }
        }
        Series series = byProbe.computeIfAbsent(id, k -> new Series());
        series.gauges.keySet().removeIf(gid -> {
            if (!desired.containsKey(gid)) {
                registry.remove(gid);
                return true;
            }
            return false;
        });
        desired.forEach((gid, value) -> series.gauges.computeIfAbsent(gid, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(value);
            Gauge.builder(k.getName(), holder, AtomicReference::get).tags(k.getTags()).baseUnit(k.getBaseUnit())
                    .register(registry);
            return holder;
        }).set(value));
        Timer timer = Timer.builder("dnsprobe.probe.duration").description("Time to probe every name of a DnsProbe once")
                .tags(base).register(registry);
        timer.record(round.elapsed());
        series.meters.put(timer.getId(), timer);
        errors.forEach((reason, n) -> {
            Counter c = Counter.builder("dnsprobe.probe.errors").description("Names that could not be probed")
                    .tags(base.and("reason", reason)).register(registry);
            c.increment(n);
            series.meters.put(c.getId(), c);
        });
    }

    /** Drops every series of a deleted DnsProbe. */
    public synchronized void remove(ResourceID id) {
        Series series = byProbe.remove(id);
        if (series != null) {
            series.gauges.keySet().forEach(registry::remove);
            series.meters.keySet().forEach(registry::remove);
        }
    }

    private static Meter.Id gaugeId(String name, Tags tags, String unit) {
        return new Meter.Id(name, tags, unit, null, Meter.Type.GAUGE);
    }
}
