package io.dnsprobe.server;

import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.SearchPath;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.workload.PodDns;
import io.dnsprobe.workload.PodResolvConf;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * A pod's resolv.conf as kubelet would write it, for the webhook's inline probes and the audit: the
 * cluster DNS (the operator's own nameservers, or {@code dnsprobe.webhook.servers}), the namespace's
 * search list plus the node's domains ({@code dnsprobe.webhook.node-search}, or those after the operator's
 * own cluster domains), then the pod's dnsPolicy and dnsConfig on top.
 */
@ApplicationScoped
public class PodResolvers {
    /** kubelet's options for ClusterFirst pods. */
    private static final int CLUSTER_NDOTS = 5;
    /** musl's and glibc's default attempts. */
    private static final int ATTEMPTS = 2;

    @Inject
    Engine engine;

    @Inject
    DnsprobeConfig config;

    /** @param timeout per query: musl's 5 s for the audit, shorter for a review that must answer in time */
    public ResolverConfig of(String namespace, PodDns dns, Duration timeout) {
        String domain = config.clusterDomain();
        List<ServerAddress> servers = config.webhook()
                .servers()
                .map(list -> list.stream().map(ServerAddress::parse).toList())
                .orElse(engine.podResolver().servers());
        List<String> nodeSearch = config.webhook()
                .nodeSearch()
                .orElseGet(() -> SearchPath.nodeDomains(engine.podResolver().search(), domain));
        ResolverConfig cluster = new ResolverConfig(
                servers, SearchPath.clusterFirst(namespace, domain, nodeSearch), CLUSTER_NDOTS, timeout, ATTEMPTS);
        // A Default pod uses the node's resolv.conf; its nameservers are not visible from here, and the
        // cluster DNS forwards to them anyway, so only the node's search list is taken.
        ResolverConfig host = new ResolverConfig(servers, nodeSearch, ResolverConfig.DEFAULT_NDOTS, timeout, ATTEMPTS);
        return PodResolvConf.of(dns, cluster, host);
    }
}
