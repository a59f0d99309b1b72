package io.dnsprobe.operator;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.Schedulers;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Drops what the operator keeps for DnsProbes that were deleted: their probe state and their metric
 * series. It compares with the controller's informer cache periodically instead of adding a finalizer:
 * a finalizer would block deleting a DnsProbe whenever the operator is down or uninstalled.
 * (JOSDK's triggerReconcilerOnAllEvents would deliver deletions, but QOSDK 7.7.3 drops that setting
 * at runtime.)
 */
@ApplicationScoped
public class DeletedProbeSweeper {
    private static final Logger LOG = Logger.getLogger(DeletedProbeSweeper.class);

    @Inject
    ProbeRounds rounds;

    @Inject
    ProbeMetrics metrics;

    @Inject
    DnsprobeConfig config;

    private volatile IndexedResourceCache<DnsProbe> cache;
    private ScheduledExecutorService timer;

    /** Called from each reconciliation; starts sweeping once the controller's cache is known. */
    synchronized void watch(IndexedResourceCache<DnsProbe> primaryCache) {
        if (cache != null) {
            return;
        }
        cache = primaryCache;
        timer = Schedulers.daemon("dnsprobe-sweeper");
        long period = config.sweepInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    void sweep() {
        try {
            Set<ResourceID> existing =
                    cache.list().map(ResourceID::fromResource).collect(Collectors.toSet());
            for (ResourceID gone : rounds.retainOnly(existing)) {
                metrics.remove(gone);
                LOG.debugf("forgot deleted DnsProbe %s", gone);
            }
        } catch (RuntimeException e) {
            LOG.warn("sweeping deleted DnsProbes failed", e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
