package io.dnsprobe.workload;

import io.dnsprobe.resolver.DnsNames;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The resolv.conf kubelet writes for a pod, from its dnsPolicy, hostNetwork and dnsConfig, following
 * kubelet's rules (pkg/kubelet/network/dns): the policy picks a base (the cluster's, the node's, or
 * nothing), dnsConfig's nameservers and searches are appended without duplicates, its options replace
 * the base's by name, then kubelet's limits apply (3 nameservers, 32 search domains, 2048 characters).
 * Pure: the bases come from the caller, since only it knows the cluster DNS and the node's settings.
 */
public final class PodResolvConf {
    static final int MAX_NAMESERVERS = 3;
    static final int MAX_SEARCH_DOMAINS = 32;
    static final int MAX_SEARCH_CHARS = 2048;

    /** Which base kubelet starts from. */
    public enum Kind {
        CLUSTER,
        HOST,
        NONE
    }

    private PodResolvConf() {}

    /**
     * ClusterFirst is the cluster's resolver unless the pod uses the host network (then it falls back
     * to the node's, as kubelet does); ClusterFirstWithHostNet is always the cluster's.
     */
    public static Kind kind(PodDns dns) {
        return switch (dns.policy()) {
            case "ClusterFirstWithHostNet" -> Kind.CLUSTER;
            case "Default" -> Kind.HOST;
            case "None" -> Kind.NONE;
            // "ClusterFirst", unset, and anything the API server would have refused.
            default -> dns.hostNetwork() ? Kind.HOST : Kind.CLUSTER;
        };
    }

    /**
     * @param cluster what a ClusterFirst pod of the namespace gets (cluster DNS, the namespace's search
     *     list, ndots 5)
     * @param host what the node gives a Default pod
     */
    public static ResolverConfig of(PodDns dns, ResolverConfig cluster, ResolverConfig host) {
        ResolverConfig base = switch (kind(dns)) {
            case CLUSTER -> cluster;
            case HOST -> host;
            case NONE ->
                new ResolverConfig(
                        List.of(), List.of(), ResolverConfig.DEFAULT_NDOTS, cluster.timeout(), cluster.attempts());
        };
        Set<ServerAddress> servers = new LinkedHashSet<>(base.servers());
        for (String ns : dns.nameservers()) {
            try {
                servers.add(ServerAddress.parse(ns));
            } catch (IllegalArgumentException e) {
                // The API server validates these; a bad one cannot be asked anyway.
            }
        }
        List<ServerAddress> chosen = servers.stream().limit(MAX_NAMESERVERS).toList();
        if (chosen.isEmpty()) {
            chosen = cluster.servers(); // None without nameservers: the API server refuses it; probe something.
        }
        Set<String> search = new LinkedHashSet<>(base.search());
        for (String s : dns.searches()) {
            if (DnsNames.isValid(s)) {
                search.add(DnsNames.normalize(s));
            }
        }
        int ndots = base.ndots();
        if (dns.options().containsKey("ndots")) {
            ndots = ndots(dns.options().get("ndots"), ndots);
        }
        return new ResolverConfig(
                chosen, withinKubeletLimits(new ArrayList<>(search)), ndots, base.timeout(), base.attempts());
    }

    /** kubelet keeps the first 32 domains, then drops domains from the end until the line fits 2048. */
    static List<String> withinKubeletLimits(List<String> search) {
        List<String> kept = new ArrayList<>(search.subList(0, Math.min(search.size(), MAX_SEARCH_DOMAINS)));
        while (!kept.isEmpty() && String.join(" ", kept).length() > MAX_SEARCH_CHARS) {
            kept.remove(kept.size() - 1);
        }
        return kept;
    }

    /** As musl and glibc read {@code ndots:N}: leading digits, at most 15; no digits keeps the old value. */
    static int ndots(String value, int otherwise) {
        if (value == null) {
            return otherwise;
        }
        int i = 0;
        long n = 0;
        while (i < value.length() && Character.isDigit(value.charAt(i)) && n <= ResolverConfig.MAX_NDOTS) {
            n = n * 10 + (value.charAt(i) - '0');
            i++;
        }
        return i == 0 ? otherwise : (int) Math.min(n, ResolverConfig.MAX_NDOTS);
    }
}
