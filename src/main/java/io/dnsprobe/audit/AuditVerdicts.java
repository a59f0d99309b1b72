package io.dnsprobe.audit;

import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodDns;
import io.dnsprobe.workload.WorkloadChecker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * Verdicts for the audit: each distinct (name, resolv.conf) is probed at most once per interval, however
 * many workloads refer to it, on the shared engine and under the audit's query cap (a paced prober).
 * A probe under way is shared by every workload that asks meanwhile.
 */
final class AuditVerdicts implements WorkloadChecker.Verdicts {
    /** The same name under another search list or ndots is another probe. */
    private record Key(String name, ResolverConfig config) {}

    private record Entry(CompletableFuture<Optional<NameVerdicts>> verdicts, long probedAt) {}

    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();
    private final BiFunction<String, PodDns, ResolverConfig> resolvConf;
    private final BiFunction<String, ResolverConfig, CompletableFuture<Optional<NameVerdicts>>> probe;
    private final long intervalNanos;
    private final LongSupplier clock;

    /** @param resolvConf a namespace and pod DNS settings to the pod's resolv.conf */
    AuditVerdicts(BiFunction<String, PodDns, ResolverConfig> resolvConf, Prober paced, Duration interval) {
        this(resolvConf, (name, config) -> NameVerdicts.probe(paced, name, config), interval, System::nanoTime);
    }

    AuditVerdicts(
            BiFunction<String, PodDns, ResolverConfig> resolvConf,
            BiFunction<String, ResolverConfig, CompletableFuture<Optional<NameVerdicts>>> probe,
            Duration interval,
            LongSupplier clock) {
        this.resolvConf = resolvConf;
        this.probe = probe;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
    }

    @Override
    public CompletionStage<Optional<NameVerdicts>> lookup(String namespace, String name, PodDns dns) {
        Key key = new Key(name, resolvConf.apply(namespace, dns));
        long now = clock.getAsLong();
        return cache.compute(
                        key,
                        (k, e) -> e != null && now - e.probedAt() < intervalNanos
                                ? e
                                : new Entry(probe.apply(k.name(), k.config()), now))
                .verdicts();
    }

    /** Forgets verdicts no workload asked for in two intervals (names gone from every workload). */
    void prune() {
        long now = clock.getAsLong();
        cache.values().removeIf(e -> now - e.probedAt() > 2 * intervalNanos);
    }

    int size() {
        return cache.size();
    }
}
