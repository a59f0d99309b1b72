package io.dnsprobe.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator's availability settings: leader election timings under {@code dnsprobe.lease.*} (the Lease's
 * name and namespace are {@code dnsprobe.lease-name} and {@code dnsprobe.lease-namespace}), the API server
 * check under {@code dnsprobe.api-server.*}.
 */
public final class OperatorAvailabilityConfig {
    private OperatorAvailabilityConfig() {}

    /** Leader election timings; the defaults are client-go's and JOSDK's. */
    @ConfigMapping(prefix = "dnsprobe.lease")
    public interface Lease {
        /** A follower takes the Lease once it has not been renewed for this long (whole seconds). */
        @WithDefault("15s")
        Duration duration();

        /** The leader stops leading (and exits) when it could not renew for this long; shorter than the duration. */
        @WithDefault("10s")
        Duration renewDeadline();

        /** How often the leader renews and a follower tries to take the Lease (a follower adds up to 120% jitter). */
        @WithDefault("2s")
        Duration retryPeriod();

        /** The holder identity written into the Lease; default: the pod name (HOSTNAME) and a random suffix. */
        Optional<String> identity();
    }

    /** The API server check behind readiness and the operator's start. */
    @ConfigMapping(prefix = "dnsprobe.api-server")
    public interface ApiServer {
        /** How often the API server is asked for its version. */
        @WithDefault("5s")
        Duration checkInterval();

        /** How long one check waits for the answer (one request, no retries). */
        @WithDefault("3s")
        Duration checkTimeout();
    }
}
