package io.dnsprobe.operator;

import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.Engine;
import io.dnsprobe.testing.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica of the operator inside the test JVM: its own Kubernetes client (its own User-Agent, so the
 * mock API server tells the replicas apart), its own JOSDK {@link Operator} with the production leader
 * election ({@link LeaderElection#configuration}), status write path (JSON patch, no SSA) and retry
 * (the reconciler's annotations), and its own reconciler, probe state, engine and metrics registry,
 * wired by hand the way CDI wires them in the application. Quarkus runs one application per JVM; this is
 * how two replicas share one mock API server in a surefire test.
 *
 * <p>{@link #kill()} is the test's kill -9: the client is closed first (no request leaves this replica
 * after it, in-flight ones fail), then JOSDK is stopped without releasing the Lease, as a dead process
 * leaves it. Losing the Lease otherwise stops the replica too, as the production callback makes the
 * process exit.
 */
final class InProcessOperator implements AutoCloseable {
    final String identity;
    final KubernetesClient client;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Probe rounds this replica started. */
    final AtomicInteger rounds = new AtomicInteger();

    final List<String> leadership = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Operator operator;
    private final Engine engine = new Engine();
    private final DeletedProbeSweeper sweeper = new DeletedProbeSweeper();
    private volatile boolean killed;
    volatile Instant killedAt;

    private InProcessOperator(
            MockApiServer api, LeaderElection.Settings settings, Runnable onStartLeading, Runnable onLostLeadership) {
        this.identity = settings.identity();
        this.client = api.client("dnsprobe-" + identity);
        DnsprobeConfig config = config();
        // The reconciler's own class: JOSDK reads its @ControllerConfiguration and @GradualRetry from it.
        DnsProbeReconciler reconciler = new DnsProbeReconciler();
        ProbeRunner runner = new ProbeRunner() {
            @Override
            public java.util.concurrent.CompletionStage<ProbeRound> run(long generation, ProbePlan plan) {
                rounds.incrementAndGet();
                return super.run(generation, plan);
            }
        };
        ProbeMetrics metrics = new ProbeMetrics();
        EventRecorder events = new EventRecorder();
        inject(List.of(
                reconciler,
                runner,
                new ProbeRounds(),
                metrics,
                events,
                sweeper,
                engine,
                new ClusterDnsEndpoints(),
                config,
                client,
                registry));
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false) // quarkus.operator-sdk.enable-ssa=false
                .withStopOnInformerErrorDuringStartup(false)
                .withCloseClientOnStop(false)
                .withLeaderElectionConfiguration(LeaderElection.configuration(
                        settings,
                        onStartLeading != null ? onStartLeading : () -> leadership.add("leads " + Instant.now()),
                        onLostLeadership != null ? onLostLeadership : this::lostLeadership)));
        operator.register(reconciler);
    }

    static InProcessOperator start(MockApiServer api, LeaderElection.Settings settings) {
        InProcessOperator replica = create(api, settings, null, null);
        replica.operator.start();
        return replica;
    }

    /**
     * Wired, registered, not started; the callbacks replace the test's own (recording the start, a kill on
     * losing the Lease), e.g. with {@link OperatorLifecycle}'s.
     */
    static InProcessOperator create(
            MockApiServer api, LeaderElection.Settings settings, Runnable onStartLeading, Runnable onLostLeadership) {
        return new InProcessOperator(api, settings, onStartLeading, onLostLeadership);
    }

    private void lostLeadership() {
        leadership.add("lost " + Instant.now());
        if (!killed) {
            // What the production callback does (exit): this replica must not reconcile any more.
            CompletableFuture.runAsync(this::kill);
        }
    }

    /** The replica dies: no request leaves it after this returns, and it never releases the Lease. */
    synchronized void kill() {
        if (killed) {
            return;
        }
        killed = true;
        killedAt = Instant.now();
        client.close();
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
            try {
                operator.stop();
            } catch (RuntimeException e) {
                // a dead process does not stop cleanly either
            }
        });
        try {
            stop.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // bounded: the test goes on, the JVM ends it
        }
        sweeper.stop(null);
        engine.prober().close();
    }

    boolean killed() {
        return killed;
    }

    /** How many dnsprobe_* series this replica's metrics hold: only a replica that probed has any. */
    long probeSeries() {
        return registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("dnsprobe."))
                .count();
    }

    @Override
    public void close() {
        kill();
    }

    /** The application's DnsprobeConfig with the test profile's figures, read the way Quarkus reads it. */
    static DnsprobeConfig config() {
        return new SmallRyeConfigBuilder()
                .withMapping(DnsprobeConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(
                        Map.of("dnsprobe.jitter", "0", "dnsprobe.sweep-interval", "500ms"), "in-process-operator", 100))
                .build()
                .getConfigMapping(DnsprobeConfig.class);
    }

    /** Sets every {@code @Inject} field of each object to the one object of the field's type in {@code beans}. */
    static void inject(List<Object> beans) {
        for (Object bean : beans) {
            for (Class<?> c = bean.getClass(); c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!f.isAnnotationPresent(Inject.class)) {
                        continue;
                    }
                    List<Object> candidates = new ArrayList<>();
                    for (Object b : beans) {
                        if (f.getType().isInstance(b)) {
                            candidates.add(b);
                        }
                    }
                    if (candidates.size() != 1) {
                        throw new IllegalStateException(c.getSimpleName() + "." + f.getName() + ": " + candidates.size()
                                + " candidates of type " + f.getType().getSimpleName());
                    }
                    try {
                        f.setAccessible(true);
                        f.set(bean, candidates.get(0));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }
}
