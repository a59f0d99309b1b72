package io.dnsprobe.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's own DNS settings: {@code dnsPolicy}, {@code hostNetwork} and {@code dnsConfig}, as written in
 * the pod spec (not yet merged with the cluster's; see {@link PodResolvConf}).
 *
 * @param policy {@code dnsPolicy}, empty when unset (the API server defaults it to ClusterFirst)
 * @param options {@code dnsConfig.options} by name, in order; a value is null for a bare option
 */
public record PodDns(
        String policy,
        boolean hostNetwork,
        List<String> nameservers,
        List<String> searches,
        Map<String, String> options) {

    /** What a pod spec without any DNS fields gets. */
    public static final PodDns CLUSTER_FIRST = new PodDns("", false, List.of(), List.of(), Map.of());

    public PodDns {
        policy = policy == null ? "" : policy;
        nameservers = List.copyOf(nameservers);
        searches = List.copyOf(searches);
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * True when the pod's resolv.conf is the namespace's usual one, so a DnsProbe of that namespace
     * (probed with the default search list and ndots) speaks for it.
     */
    public boolean isClusterDefault() {
        return PodResolvConf.kind(this) == PodResolvConf.Kind.CLUSTER
                && nameservers.isEmpty()
                && searches.isEmpty()
                && options.isEmpty();
    }
}
