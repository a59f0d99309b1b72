package io.dnsprobe.operator;

import io.dnsprobe.server.DnsprobeConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One replica probes; the others wait on the Lease (in the operator's namespace) and take over when
 * it is not renewed. Active in the prod profile, as QOSDK activates leader election there.
 *
 * <p>Timings are the client-go/JOSDK defaults unless configured: the leader renews every retry period and
 * gives up leading when it could not renew for the renew deadline; a follower takes the Lease once it
 * has not been renewed for the lease duration. A replica that stops leading exits (exit code 1, the pod
 * restarts and joins again as a follower): JOSDK cannot pause its controllers, and two replicas
 * probing would write every status twice. A leader that stops normally (SIGTERM) hands the Lease over
 * once its controllers have stopped ({@link OperatorLifecycle}), so a follower takes over within a retry
 * period instead of a lease duration; a leader that dies leaves it to expire.
 */
@ApplicationScoped
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    /** What a LeaderElectionConfiguration is made of; checked so that a follower cannot take over a live leader. */
    public record Settings(
            String leaseName,
            String leaseNamespace,
            String identity,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retryPeriod) {
        public Settings {
            if (leaseDuration.toMillis() % 1000 != 0 || leaseDuration.toSeconds() < 1) {
                // The Lease stores whole seconds (leaseDurationSeconds): what a follower reads is what counts.
                throw new IllegalArgumentException(
                        "dnsprobe.lease.duration must be whole seconds, at least 1s: " + leaseDuration);
            }
            if (renewDeadline.compareTo(leaseDuration) >= 0) {
                throw new IllegalArgumentException("dnsprobe.lease.renew-deadline (" + renewDeadline
                        + ") must be shorter than dnsprobe.lease.duration (" + leaseDuration + ")");
            }
            if (retryPeriod.compareTo(renewDeadline) >= 0 || retryPeriod.isZero() || retryPeriod.isNegative()) {
                throw new IllegalArgumentException("dnsprobe.lease.retry-period (" + retryPeriod
                        + ") must be positive and shorter than dnsprobe.lease.renew-deadline (" + renewDeadline + ")");
            }
        }
    }

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(
            DnsprobeConfig config, OperatorAvailabilityConfig.Lease lease, OperatorLifecycle lifecycle) {
        Settings settings = new Settings(
                config.leaseName(),
                config.leaseNamespace().orElse(null),
                lease.identity().orElseGet(LeaderElection::defaultIdentity),
                lease.duration(),
                lease.renewDeadline(),
                lease.retryPeriod());
        return configuration(settings, lifecycle::startedLeading, lifecycle::lostLeadership);
    }

    /** As {@link #configuration(Settings, Runnable, Runnable)}, with nothing to do when leading starts but log it. */
    public static LeaderElectionConfiguration configuration(Settings s, Runnable onLostLeadership) {
        return configuration(s, () -> {}, onLostLeadership);
    }

    /**
     * The configuration JOSDK elects with. {@code onLostLeadership} runs when this replica stops leading
     * (the Lease was not renewed in time, someone else holds it, or the elector was cancelled on stop);
     * JOSDK itself is told not to exit, because its exit would run inside the JVM's shutdown when the
     * operator stops normally (System.exit there blocks for good: the pod then waits for SIGKILL).
     */
    public static LeaderElectionConfiguration configuration(
            Settings s, Runnable onStartLeading, Runnable onLostLeadership) {
        LOG.debugf(
                "leader election: Lease %s/%s as %s, lease %s, renew deadline %s, retry %s",
                s.leaseNamespace() == null ? "<pod namespace>" : s.leaseNamespace(),
                s.leaseName(),
                s.identity(),
                s.leaseDuration(),
                s.renewDeadline(),
                s.retryPeriod());
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(s.leaseName())
                .withLeaseNamespace(s.leaseNamespace())
                .withIdentity(s.identity())
                .withLeaseDuration(s.leaseDuration())
                .withRenewDeadline(s.renewDeadline())
                .withRetryPeriod(s.retryPeriod())
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            LOG.infof("%s leads: probing and writing statuses", s.identity());
                            onStartLeading.run();
                        },
                        onLostLeadership,
                        leader -> LOG.debugf("Lease %s held by %s", s.leaseName(), leader)))
                // Not exiting in JOSDK, whatever build() defaults to in a JOSDK version: onLostLeadership decides.
                .buildForTest(false);
    }

    /**
     * The pod's name (HOSTNAME) and a random suffix, as client-go's leader election does: unique per process,
     * so two processes on one host never both believe they hold the Lease, and still says which pod leads.
     */
    static String defaultIdentity() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElse("dnsprobe");
        return host + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
