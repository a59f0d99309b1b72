package io.dnsprobe.webhook;

import io.dnsprobe.workload.PodDns;
import io.dnsprobe.workload.PodResolvConf;
import io.dnsprobe.workload.WorkloadChecker;
import io.dnsprobe.workload.NameVerdicts;

import io.dnsprobe.server.Engine;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.SearchPath;
import io.dnsprobe.resolver.ServerAddress;
import jakarta.annotation.PostConstruct;
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
    /** kubelet's options for ClusterFirst pods. */
    private static final int CLUSTER_NDOTS = 5;

    @Inject
    Engine engine;

    @Inject
    DnsprobeConfig config;

    @Inject
    ClusterState cluster;

    /** The resolv.conf is part of the key: the same name under another search list or ndots is another probe. */
    private record Key(String name, ResolverConfig config) {
    }

    private TtlCache<Key, CompletableFuture<Optional<NameVerdicts>>> cache;

    private record PodKey(String namespace, PodDns dns) {
    }

    /** A review asks for ~100 names of one pod: its resolv.conf is worked out once, not per name. */
    private final Map<PodKey, ResolverConfig> resolvConfs = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        cache = new TtlCache<>(MAX_ENTRIES, config.webhook().cacheTtl(), System::nanoTime);
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
        ResolverConfig pod = resolvConfs.computeIfAbsent(new PodKey(namespace, dns), k -> resolvConf(k.namespace(), k.dns()));
        return cache.get(new Key(name, pod), () -> NameVerdicts.probe(engine.prober(), name, pod));
    }

    /** The pod's resolv.conf as kubelet would write it, with the webhook's short probe timeout. */
    ResolverConfig resolvConf(String namespace, PodDns dns) {
        String domain = config.clusterDomain();
        List<ServerAddress> servers = config.webhook().servers()
                .map(list -> list.stream().map(ServerAddress::parse).toList())
                .orElse(engine.podResolver().servers());
        List<String> nodeSearch = config.webhook().nodeSearch()
                .orElseGet(() -> SearchPath.nodeDomains(engine.podResolver().search(), domain));
        ResolverConfig cluster = new ResolverConfig(servers, SearchPath.clusterFirst(namespace, domain, nodeSearch), CLUSTER_NDOTS, PROBE_TIMEOUT, 2);
        // A Default pod uses the node's resolv.conf; its nameservers are not visible from here, and the
        // cluster DNS forwards to them anyway, so only the node's search list is taken.
        ResolverConfig host = new ResolverConfig(servers, nodeSearch, ResolverConfig.DEFAULT_NDOTS, PROBE_TIMEOUT, 2);
        return PodResolvConf.of(dns, cluster, host);
    }
}
