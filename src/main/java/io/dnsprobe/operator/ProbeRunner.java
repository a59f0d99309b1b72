package io.dnsprobe.operator;

import io.dnsprobe.probe.InFlightLimiter;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.report.ProbeReport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Runs probe rounds on the shared engine: one bounded pool of queries in flight for every DnsProbe,
 * on the engine's I/O thread, so the reconciler threads never wait on DNS.
 */
@ApplicationScoped
public class ProbeRunner {
    private static final Logger LOG = Logger.getLogger(ProbeRunner.class);

    @Inject
    DnsprobeConfig config;

    @Inject
    ClusterDnsEndpoints clusterDns;

    @Inject
    Engine engine;

    Clock clock = Clock.systemUTC();

    private volatile InFlightLimiter rounds;

    /** Never fails: every problem ends up in the round. Runs when one of the rounds under way is done, if many are. */
    public CompletionStage<ProbeRound> run(long generation, ProbePlan plan) {
        InFlightLimiter limiter = rounds;
        if (limiter == null) {
            synchronized (this) {
                if (rounds == null) {
                    rounds = new InFlightLimiter(config.maxRoundsInFlight());
                }
                limiter = rounds;
            }
        }
        return limiter.submit(() -> runNow(generation, plan));
    }

    private CompletionStage<ProbeRound> runNow(long generation, ProbePlan plan) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>(plan.problems());
        List<ServerAddress> servers = new ArrayList<>(plan.config().servers());
        if (plan.eachReplica()) {
            try {
                List<ServerAddress> replicas = clusterDns.ready();
                if (replicas.isEmpty()) {
                    problems.add(
                            "the cluster DNS Service " + config.clusterDns().namespace() + "/"
                                    + config.clusterDns().service() + " has no ready endpoints");
                }
                replicas.stream().filter(r -> !servers.contains(r)).forEach(servers::add);
            } catch (RuntimeException e) {
                problems.add("cannot list the cluster DNS endpoints: " + e.getMessage());
            }
        }
        List<ProbeRound.Outcome> failed = new ArrayList<>();
        plan.invalidNames()
                .forEach((name, why) -> failed.add(ProbeRound.Outcome.failed(name, "", "invalid name: " + why)));
        ResolverConfig resolver = plan.config().withServers(servers);
        List<CompletableFuture<ProbeRound.Outcome>> pending = new ArrayList<>();
        for (String name : plan.names()) {
            for (ServerAddress server : servers) {
                pending.add(probe(name, server, resolver));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    List<ProbeRound.Outcome> outcomes = new ArrayList<>(
                            pending.stream().map(CompletableFuture::join).toList());
                    outcomes.addAll(failed);
                    return new ProbeRound(
                            generation, started, Duration.ofNanos(System.nanoTime() - t0), outcomes, problems);
                });
    }

    private CompletableFuture<ProbeRound.Outcome> probe(String name, ServerAddress server, ResolverConfig resolver) {
        try {
            return engine.prober()
                    .probe(name, server, resolver)
                    .toCompletableFuture()
                    .thenApply(
                            (NameProbe p) -> new ProbeRound.Outcome(name, server.toString(), ProbeReport.of(p), null))
                    .exceptionally(e -> {
                        LOG.warnf(e, "probe of %s on %s failed", name, server);
                        return ProbeRound.Outcome.failed(name, server.toString(), "probe failed: " + e.getMessage());
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    ProbeRound.Outcome.failed(name, server.toString(), e.getMessage()));
        }
    }
}
