package io.dnsprobe.webhook;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.stream.DoubleStream;

/**
 * Histogram buckets for Quarkus's {@code http_server_requests_seconds}, so that the latency of
 * {@code /validate} can be alerted on and drawn as quantiles. Without them the timer is a summary (count,
 * sum, a decaying max): an average hides the slow reviews, and a max cannot be aggregated over replicas.
 *
 * <p>Fixed boundaries, not Micrometer's percentile histogram (about 70 buckets per series): a cached review
 * takes about 1.5 ms at p99, inline probes take up to the 2 s budget, and the API server gives up at the
 * webhook configuration's {@code timeoutSeconds} (5 s). Applied to every URI of that timer, not only
 * {@code /validate}: Prometheus needs one type per metric family, and the other URIs of this server (404s)
 * are few.
 */
public class ReviewLatencyBuckets {
    static final String TIMER = "http.server.requests";
    /** Bucket boundaries in milliseconds; Prometheus shows them in seconds ({@code le="0.0025"}, {@code le="1.0"}). */
    static final double[] BOUNDARIES_MS = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000};

    @Produces
    @Singleton
    MeterFilter validateLatencyBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(TIMER)) {
                    return config;
                }
                // Timer boundaries are in nanoseconds.
                double[] nanos =
                        DoubleStream.of(BOUNDARIES_MS).map(ms -> ms * 1_000_000).toArray();
                return DistributionStatisticConfig.builder()
                        .serviceLevelObjectives(nanos)
                        .build()
                        .merge(config);
            }
        };
    }
}
