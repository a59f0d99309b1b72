package io.dnsprobe.operator;

import io.dnsprobe.server.Leading;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts and stops the operator (QOSDK's own start is off: {@code quarkus.operator-sdk.start-operator=false}).
 *
 * <ul>
 *   <li>It starts once the API server has answered ({@link ApiServerCheck}), on its own thread, so the HTTP
 *       side serves meanwhile. JOSDK's start is not repeatable (a failed start leaves its informers
 *       registered), and with leader election it fails at once without an API server (its RBAC check);
 *       waiting for the API server first avoids both. If the start fails anyway (the Lease RBAC is missing,
 *       the API server went away in between), the process exits with 1 and Kubernetes restarts it.</li>
 *   <li>A stop while it waits for the API server ends the wait; a stop while JOSDK is starting lets the
 *       start finish (bounded by {@link #START_WAIT}) and then stops: JOSDK's stop during its start
 *       interrupts the informers' start and logs errors for what is an ordinary shutdown.</li>
 *   <li>When this replica stops leading for any other reason than a stop, it exits with 1 (see
 *       {@link LeaderElection}).</li>
 *   <li>A leader that stops hands the Lease over once JOSDK has stopped (its controllers no longer
 *       reconcile): holder cleared, duration 1 s, as client-go's ReleaseOnCancel does. JOSDK's elector does
 *       not (it is built not to release on cancel), which would leave the replicas without a leader for
 *       up to a lease duration at every rolling update. Bounded by {@link #RELEASE_WAIT}.</li>
 * </ul>
 */
@ApplicationScoped
public class OperatorLifecycle {
    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);
    static final Duration START_WAIT = Duration.ofSeconds(10);
    static final Duration RELEASE_WAIT = Duration.ofSeconds(3);

    @Inject
    Operator operator;

    @Inject
    jakarta.enterprise.event.Event<Leading> leadingEvent;

    @Inject
    ApiServerCheck apiServer;

    @Inject
    KubernetesClient client;

    private enum Phase {
        WAITING,
        STARTING,
        STARTED,
        FAILED,
        DONE
    }

    private Phase phase = Phase.WAITING;
    private volatile boolean stopping;
    private volatile boolean leading;
    private Thread starter;

    void onStart(@Observes StartupEvent event) {
        quietElector(false); // a previous application in this JVM (tests) may have stopped
        Thread t = new Thread(this::start, "dnsprobe-operator-start");
        t.setDaemon(true);
        synchronized (this) {
            starter = t;
        }
        t.start();
    }

    private void start() {
        try {
            if (!apiServer.awaitReachable()) {
                return;
            }
        } catch (InterruptedException e) {
            LOG.debug("stopped before the API server answered; the operator never started");
            return;
        }
        synchronized (this) {
            if (stopping) {
                return;
            }
            phase = Phase.STARTING;
        }
        try {
            operator.start();
            setPhase(Phase.STARTED);
            if (operator.getConfigurationService()
                    .getLeaderElectionConfiguration()
                    .isEmpty()) {
                fireLeading(new Leading("single"));
            }
        } catch (RuntimeException e) {
            setPhase(Phase.FAILED);
            if (stopping) {
                LOG.debugf("operator start ended by the stop: %s", ApiServerCheck.reason(e));
                return;
            }
            LOG.errorf(
                    "The operator did not start (%s); exiting so that Kubernetes restarts the pod",
                    ApiServerCheck.reason(e));
            LOG.debug("operator start failure", e);
            Quarkus.asyncExit(1);
        }
    }

    /** The thread that waits for the API server and starts the operator (tests). */
    synchronized Thread starter() {
        return starter;
    }

    private synchronized void setPhase(Phase p) {
        phase = p;
        notifyAll();
    }

    void onStop(@Observes ShutdownEvent event) {
        Phase at;
        Thread t;
        synchronized (this) {
            stopping = true;
            at = phase;
            t = starter;
            if (at == Phase.STARTING) {
                long deadline = System.nanoTime() + START_WAIT.toNanos();
                while (phase == Phase.STARTING && System.nanoTime() < deadline) {
                    try {
                        wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                at = phase;
            }
        }
        if (at == Phase.WAITING && t != null) {
            t.interrupt(); // ends the wait for the API server; nothing of JOSDK has started
            return;
        }
        if (at == Phase.STARTING) {
            LOG.infof("the operator is still starting after %ds; stopping it anyway", START_WAIT.toSeconds());
        }
        if (at == Phase.STARTED || at == Phase.STARTING) {
            quietElector(true);
            try {
                operator.stop();
            } catch (RuntimeException e) {
                LOG.debugf("operator stop: %s", ApiServerCheck.reason(e));
            }
            if (leading) {
                releaseLease();
            }
        }
        setPhase(Phase.DONE);
    }

    /**
     * The operator's informers that are not watching: after the API server came back they list and watch
     * again with fabric8's reconnect backoff (1 s doubling to 32 s), and until then the caches are stale.
     * Empty before the operator started (QOSDK's readiness check says DOWN then).
     */
    public List<String> informersNotWatching() {
        synchronized (this) {
            if (phase != Phase.STARTED) {
                return List.of();
            }
        }
        List<String> out = new ArrayList<>();
        for (var controller : operator.getRuntimeInfo().getRegisteredControllers()) {
            controller.getControllerHealthInfo().eventSourceHealthIndicators().forEach((source, health) -> {
                if (health instanceof InformerWrappingEventSourceHealthIndicator<?> informers) {
                    informers.informerHealthIndicators().forEach((namespace, informer) -> {
                        if (!informer.isWatching()) {
                            out.add(controller.getConfiguration().getName() + "/" + source + " (" + namespace + ")");
                        }
                    });
                }
            });
        }
        return out;
    }

    private static final String ELECTOR = "io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector";
    private static final String EXECUTORS = "io.javaoperatorsdk.operator.api.config.ExecutorServiceManager";

    /**
     * JOSDK's stop shuts its executors down before it cancels leader election, so work of the elector's thread
     * is interrupted: a Lease request in flight (fabric8's elector warns about it), or, when the Lease was won
     * just as the stop began, the start of event processing (JOSDK's executor manager warns "Interrupted.",
     * seen in CI). Both on the elector's thread, possibly after the stop has returned, and expected during a
     * stop: from then on the elector's warnings and the executor manager's interrupted ones are dropped (a
     * filter on each logger, removed when an application starts again in the same JVM, as tests do).
     */
    static void quietElector(boolean quiet) {
        for (String name : List.of(ELECTOR, EXECUTORS)) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            java.util.logging.Filter current = logger.getFilter();
            boolean ours = current != null && current.getClass().getName().equals(Stopping.class.getName());
            if (quiet && current == null) {
                logger.setFilter(new Stopping());
            } else if (!quiet && ours) {
                logger.setFilter(null);
            }
        }
    }

    /** Drops the elector's warnings, and warnings about an interruption, once the application stops. */
    private static final class Stopping implements java.util.logging.Filter {
        @Override
        public boolean isLoggable(java.util.logging.LogRecord record) {
            if (record.getLevel().intValue() < java.util.logging.Level.WARNING.intValue()) {
                return true;
            }
            return !ELECTOR.equals(record.getLoggerName()) && !(record.getThrown() instanceof InterruptedException);
        }
    }

    /** Leader election's start callback. */
    void startedLeading() {
        leading = true;
        fireLeading(new Leading(operator.getConfigurationService()
                .getLeaderElectionConfiguration()
                .flatMap(LeaderElectionConfiguration::getIdentity)
                .orElse("leader")));
    }

    /** To whoever does the leader's cluster-wide work (the audit); nobody listens when built without CDI (tests). */
    private void fireLeading(Leading leading) {
        if (leadingEvent != null) {
            leadingEvent.fire(leading);
        }
    }

    private void releaseLease() {
        LeaderElectionConfiguration election = operator.getConfigurationService()
                .getLeaderElectionConfiguration()
                .orElse(null);
        if (election == null || election.getIdentity().isEmpty()) {
            return;
        }
        String identity = election.getIdentity().get();
        String namespace = election.getLeaseNamespace()
                .orElseGet(() -> client.getConfiguration().getNamespace());
        CompletableFuture<Boolean> release = CompletableFuture.supplyAsync(() -> {
            Lease lease = client.leases()
                    .inNamespace(namespace)
                    .withName(election.getLeaseName())
                    .get();
            if (lease == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return false; // taken over meanwhile: nothing to hand over
            }
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setAcquireTime(now);
            lease.getSpec().setRenewTime(now);
            // The resourceVersion read above: a Lease changed in between is not overwritten (409).
            client.resource(lease).update();
            return true;
        });
        try {
            if (release.get(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.infof("handed the Lease %s/%s over", namespace, election.getLeaseName());
            }
        } catch (Exception e) {
            LOG.debugf("the Lease was not handed over (%s); it expires by itself", ApiServerCheck.reason(e));
        }
    }

    /** Leader election's stop callback (also runs when the elector is cancelled by our own stop). */
    void lostLeadership() {
        if (stopping) {
            LOG.debug("leader election ended by the stop");
            return;
        }
        LOG.warn("This replica stopped leading (the Lease was not renewed in time or another replica holds it); "
                + "exiting so that it restarts as a follower");
        // Not System.exit from the elector's thread: a graceful stop runs our onStop, which stops JOSDK's
        // controllers first, then the process exits with 1.
        Quarkus.asyncExit(1);
    }
}
