package io.dnsprobe.webhook;

import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.server.ClusterState;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.Engine;
import io.dnsprobe.server.PodResolvers;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodDns;
import io.dnsprobe.workload.WorkloadChecker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * Verdicts for names no DnsProbe covers: probed on the spot as a pod of the namespace would ask,
 * and remembered for a while, failures too, so a burst of reviews costs one probe per name. A probe
 * that outlasts a review still fills the cache for the next one.
 *
 * <p>New probes are rate-limited across all reviews ({@code dnsprobe.webhook.max-lookups-per-second}, a
 * token bucket holding one second's worth): a name over the limit is unknown for that review, is not
 * cached, and counts in {@code dnsprobe_webhook_lookups_rate_limited_total}. Whoever may create workloads
 * cannot turn the operator into a DNS load generator by streaming reviews of fresh names.
 */
@ApplicationScoped
public class InlineVerdicts implements WorkloadChecker.Verdicts {
    private static final int MAX_ENTRIES = 10_000;

    @Inject
    Engine engine;

    @Inject
    DnsprobeConfig config;

    @Inject
    ClusterState cluster;

    @Inject
    PodResolvers podResolvers;

    @Inject
    MeterRegistry registry;

    /** The resolv.conf is part of the key: the same name under another search list or ndots is another probe. */
    private record Key(String name, ResolverConfig config) {}

    private TtlCache<Key, CompletableFuture<Optional<NameVerdicts>>> cache;
    private TokenBucket newProbes;
    private BiFunction<String, ResolverConfig, CompletableFuture<Optional<NameVerdicts>>> prober;
    private Runnable rateLimited;

    private record PodKey(String namespace, PodDns dns) {}

    /** A review asks for ~100 names of one pod: its resolv.conf is worked out once, not per name. */
    private final Map<PodKey, ResolverConfig> resolvConfs = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        Counter limited = Counter.builder("dnsprobe.webhook.lookups.rate.limited")
                .description("Names not probed inline because dnsprobe.webhook.max-lookups-per-second was reached; "
                        + "each is unknown for its review")
                .register(registry);
        start(
                System::nanoTime,
                config.webhook().cacheTtl(),
                config.webhook().maxLookupsPerSecond(),
                (name, pod) -> NameVerdicts.probe(engine.prober(), name, pod),
                limited::increment);
    }

    /** Wiring without CDI, for tests: the clock, the limit and the probe are theirs. */
    void start(
            LongSupplier nanoClock,
            Duration ttl,
            int maxPerSecond,
            BiFunction<String, ResolverConfig, CompletableFuture<Optional<NameVerdicts>>> probe,
            Runnable onRateLimited) {
        cache = new TtlCache<>(MAX_ENTRIES, ttl, nanoClock);
        newProbes = new TokenBucket(maxPerSecond, maxPerSecond, nanoClock);
        prober = probe;
        rateLimited = onRateLimited;
    }

    @Override
    public CompletionStage<Optional<NameVerdicts>> lookup(String namespace, String name, PodDns dns) {
        if (dns.isClusterDefault()) {
            Optional<NameVerdicts> fromStatus = cluster.fromStatuses(namespace, name);
            if (fromStatus.isPresent()) {
                return CompletableFuture.completedFuture(fromStatus);
            }
        }
        if (resolvConfs.size() > MAX_ENTRIES) {
            resolvConfs.clear();
        }
        ResolverConfig pod =
                resolvConfs.computeIfAbsent(new PodKey(namespace, dns), k -> resolvConf(k.namespace(), k.dns()));
        return probed(name, pod);
    }

    /**
     * The cached verdict (or the probe under way) for the name under this resolv.conf; else a new probe
     * if the rate limit allows one; else unknown, and nothing is cached, so a later review may probe it.
     */
    CompletableFuture<Optional<NameVerdicts>> probed(String name, ResolverConfig pod) {
        Key key = new Key(name, pod);
        CompletableFuture<Optional<NameVerdicts>> known = cache.getIfLive(key);
        if (known != null) {
            return known;
        }
        if (!newProbes.tryTake()) {
            rateLimited.run();
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return cache.get(key, () -> prober.apply(name, pod));
    }

    /** The pod's resolv.conf as kubelet would write it, with the webhook's short probe timeout. */
    ResolverConfig resolvConf(String namespace, PodDns dns) {
        return podResolvers.of(namespace, dns, config.webhook().probeTimeout());
    }
}
