package io.dnsprobe.operator;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.Engine;
import io.dnsprobe.text.Printable;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.vertx.core.http.HttpClosedException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Keeps each DnsProbe's status true to its latest probe round. A reconciliation never waits on DNS:
 * when a round is due (first sight, spec change, interval elapsed) it starts one on the engine and
 * returns; the finished round comes back as an event and is turned into status, events and metrics.
 *
 * <p>A status write the API server refuses for a passing reason (409, 429, 5xx, no connection) is retried
 * with JOSDK's backoff, without end: 1 s, then doubling up to one minute between attempts (the fabric8
 * client has already retried 429, 5xx and connection failures ten times over ~20 s within each attempt).
 * The status derived from a round is kept, so a retry writes the same status, and events and metrics
 * are not repeated. {@code quarkus.operator-sdk.controllers.dnsprobe.retry.*} overrides these figures.
 */
@ControllerConfiguration(name = "dnsprobe")
@GradualRetry(maxAttempts = -1, initialInterval = 1000, intervalMultiplier = 2, maxInterval = 60_000)
public class DnsProbeReconciler implements Reconciler<DnsProbe> {
    private static final Logger LOG = Logger.getLogger(DnsProbeReconciler.class);

    @Inject
    ProbeRunner runner;

    @Inject
    ProbeRounds rounds;

    @Inject
    ProbeMetrics metrics;

    @Inject
    EventRecorder events;

    @Inject
    DnsprobeConfig config;

    @Inject
    DeletedProbeSweeper sweeper;

    @Inject
    Engine engine;

    Clock clock = Clock.systemUTC();
    private final SimpleInboundEventSource<DnsProbe> roundsDone = new SimpleInboundEventSource<>("probe-rounds");

    @Override
    public List<EventSource<?, DnsProbe>> prepareEventSources(EventSourceContext<DnsProbe> context) {
        return List.of(roundsDone);
    }

    @Override
    public UpdateControl<DnsProbe> reconcile(DnsProbe resource, Context<DnsProbe> context) {
        sweeper.watch(context.getPrimaryCache());
        ResourceID id = ResourceID.fromResource(resource);
        long generation = Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
        Instant now = clock.instant();
        ProbePlan plan = ProbePlan.of(resource, engine.podResolver(), config.clusterDomain());
        ProbeRounds.State state = rounds.get(id);
        ProbeRound latest = state.latest();
        boolean due = latest == null || latest.generation() != generation || !now.isBefore(state.nextDue());
        if (due && rounds.tryStart(id, generation)) {
            runner.run(generation, plan).thenAccept(round -> {
                rounds.complete(id, round, clock.instant().plus(withJitter(plan.interval())));
                roundsDone.propagateEvent(id);
            });
        }
        if (latest == null) {
            return UpdateControl.noUpdate(); // the finished round triggers the next reconciliation
        }
        DnsProbeStatus next;
        if (state.publishedLatest()) {
            next = state.published();
        } else {
            // First time this round is seen: status, events and metrics once per round, not per reconciliation.
            DnsProbeStatus previous = state.published() != null ? state.published() : resource.getStatus();
            next = StatusBuilder.build(latest, previous, now);
            VerdictEvents.diff(previous, next).forEach(e -> events.record(resource, e));
            metrics.record(id, latest);
            rounds.published(id, latest, next);
        }
        Duration untilDue = Duration.between(now, rounds.get(id).nextDue());
        Duration reschedule = untilDue.isNegative() ? Duration.ofSeconds(1) : untilDue;
        if (next.equals(resource.getStatus())) {
            return UpdateControl.<DnsProbe>noUpdate().rescheduleAfter(reschedule);
        }
        resource.setStatus(next);
        return UpdateControl.patchStatus(resource).rescheduleAfter(reschedule);
    }

    @Override
    public ErrorStatusUpdateControl<DnsProbe> updateErrorStatus(
            DnsProbe resource, Context<DnsProbe> context, Exception e) {
        if (transientApiError(e)) {
            // Writing an error status would meet the same refusal, and the status is not wrong: JOSDK retries
            // (and logs the attempt) with the backoff configured above.
            LOG.debugf(
                    "writing the status of %s/%s failed for a passing reason (%s); retrying",
                    resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName(),
                    e.getMessage());
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        LOG.errorf(
                e,
                "reconciling %s/%s failed",
                resource.getMetadata().getNamespace(),
                resource.getMetadata().getName());
        long generation = Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
        resource.setStatus(StatusBuilder.failed(
                resource.getStatus(), "ReconcileError", Printable.line(message(e)), generation, clock.instant()));
        return ErrorStatusUpdateControl.patchStatus(resource);
    }

    /** The failure in one line for the status; the stack trace is in the log line above. */
    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "internal error; see the operator's log" : m;
    }

    /**
     * Refusals that go away by themselves: a conflict, throttling, a server error, or no connection at all
     * (no HTTP code, an I/O cause: the client gave up connecting; or the connection closed under the request,
     * which the Vert.x client reports as an {@link HttpClosedException}, not an IOException, so fabric8 does
     * not retry it: an API server restarting, a load balancer dropping a kept-alive connection). A 4xx other
     * than 409 and 429 is a real error.
     */
    static boolean transientApiError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                int code = k.getCode();
                if (code == 409 || code == 429 || code >= 500 || (code <= 0 && lostConnection(k))) {
                    return true;
                }
                if (code > 0) {
                    return false;
                }
            }
        }
        return false;
    }

    private static boolean lostConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
    }

    private Duration withJitter(Duration interval) {
        long extra = (long) (interval.toMillis()
                * config.jitter()
                * ThreadLocalRandom.current().nextDouble());
        return interval.plusMillis(extra);
    }
}
