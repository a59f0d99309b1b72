package io.dnsprobe.webhook;

import io.dnsprobe.operator.Engine;
import io.dnsprobe.operator.OperatorConfig;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verdicts for names no DnsProbe covers: probed on the spot as a pod of the namespace would ask,
 * and remembered for a while, failures too, so a burst of reviews costs one probe per name. A probe
 * that outlasts a review still fills the cache for the next one.
 */
@ApplicationScoped
public class InlineVerdicts implements WorkloadChecker.Verdicts {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_ENTRIES = 10_000;

    @Inject
    Engine engine;

    @Inject
    OperatorConfig config;

    @Inject
    ClusterState cluster;

    private record Entry(CompletableFuture<Optional<NameVerdicts>> verdicts, long expires) {
    }

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Optional<NameVerdicts>> lookup(String namespace, String name) {
        Optional<NameVerdicts> fromStatus = cluster.fromStatuses(namespace, name);
        if (fromStatus.isPresent()) {
            return CompletableFuture.completedFuture(fromStatus);
        }
        long now = System.nanoTime();
        String key = namespace + "/" + name;
        Entry e = cache.get(key);
        if (e == null || e.expires() - now < 0) {
            if (cache.size() >= MAX_ENTRIES) {
                cache.entrySet().removeIf(x -> x.getValue().expires() - now < 0);
            }
            e = new Entry(probe(namespace, name), now + config.webhook().cacheTtl().toNanos());
            cache.put(key, e);
        }
        return e.verdicts();
    }

    private CompletableFuture<Optional<NameVerdicts>> probe(String namespace, String name) {
        String domain = config.clusterDomain();
        List<ServerAddress> servers = config.webhook().servers()
                .map(list -> list.stream().map(ServerAddress::parse).toList())
                .orElse(engine.podResolver().servers());
        ResolverConfig pod = new ResolverConfig(servers,
                List.of(namespace + ".svc." + domain, "svc." + domain, domain), 5, PROBE_TIMEOUT, 2);
        return NameVerdicts.probe(engine.prober(), name, pod);
    }
}
