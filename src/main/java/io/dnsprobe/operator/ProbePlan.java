package io.dnsprobe.operator;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.resolver.DnsNames;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.SearchPath;
import io.dnsprobe.resolver.ServerAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one probe round of a DnsProbe asks, derived from its spec and the operator's defaults.
 * Pure: spec problems the schema cannot catch (an IP given as a name, a bad port) become
 * {@link #problems()} instead of exceptions.
 *
 * @param names the valid names, in spec order, without duplicates
 * @param invalidNames each invalid name with the rules it breaks
 * @param config servers, search list, ndots and timeouts for every name
 */
public record ProbePlan(
        List<String> names,
        Map<String, String> invalidNames,
        ResolverConfig config,
        boolean eachReplica,
        Duration interval,
        List<String> problems) {

    static final int DEFAULT_NDOTS = 5;
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * @param base the operator pod's own resolv.conf: its nameservers are the cluster DNS
     */
    public static ProbePlan of(DnsProbe resource, ResolverConfig base, String clusterDomain) {
        DnsProbeSpec spec = resource.getSpec();
        List<String> problems = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, String> invalid = new LinkedHashMap<>();
        for (String name : spec == null || spec.names() == null ? List.<String>of() : spec.names()) {
            List<String> p = DnsNames.problems(name);
            if (!p.isEmpty()) {
                invalid.put(name, String.join("; ", p));
            } else if (!names.contains(name)) {
                names.add(name);
            }
        }
        if (spec == null || spec.names() == null || spec.names().isEmpty()) {
            problems.add("spec.names is empty");
        }
        List<ServerAddress> servers = new ArrayList<>();
        if (spec != null && spec.servers() != null && !spec.servers().isEmpty()) {
            for (String s : spec.servers()) {
                try {
                    servers.add(ServerAddress.parse(s));
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        } else {
            servers.addAll(base.servers());
        }
        String ns = resource.getMetadata().getNamespace();
        List<String> search = new ArrayList<>();
        if (spec != null && spec.search() != null) {
            search.addAll(spec.search());
        } else {
            // What kubelet gives a ClusterFirst pod of the namespace, node domains included: they count
            // toward musl's search line limit.
            search.addAll(
                    SearchPath.clusterFirst(ns, clusterDomain, SearchPath.nodeDomains(base.search(), clusterDomain)));
        }
        int ndots = spec != null && spec.ndots() != null ? spec.ndots() : DEFAULT_NDOTS;
        Duration timeout = duration(spec == null ? null : spec.timeout(), DEFAULT_TIMEOUT, "timeout", problems);
        Duration interval = duration(spec == null ? null : spec.interval(), DEFAULT_INTERVAL, "interval", problems);
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            interval = MIN_INTERVAL;
        }
        ResolverConfig config = new ResolverConfig(servers, search, ndots, timeout, ResolverConfig.DEFAULT_ATTEMPTS);
        boolean eachReplica = spec != null && Boolean.TRUE.equals(spec.probeEachReplica());
        // With probeEachReplica the servers come from the cluster DNS endpoints at probe time.
        problems.addAll(config.problems().stream()
                .filter(p -> !(eachReplica && p.startsWith("no nameserver")))
                .toList());
        return new ProbePlan(List.copyOf(names), invalid, config, eachReplica, interval, List.copyOf(problems));
    }

    private static Duration duration(String text, Duration fallback, String field, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        try {
            return GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add("spec." + field + ": " + e.getMessage());
            return fallback;
        }
    }
}
