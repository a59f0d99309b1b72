package io.dnsprobe.resolver;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The candidate names a stub resolver may ask for one name. The order of asking differs between
 * libcs, so this gives the candidates each libc could need, and each model walks them in its own order.
 */
public final class SearchPath {
    private SearchPath() {}

    /** True when the name ends with a dot: only the name itself is asked, by every libc. */
    public static boolean isAbsolute(String name) {
        return name.endsWith(".");
    }

    /** {@code name.domain} for each search domain that fits, in order; empty for an absolute name. */
    public static List<String> searchCandidates(String name, List<String> search) {
        if (isAbsolute(name)) {
            return List.of();
        }
        String base = DnsNames.normalize(name);
        List<String> out = new ArrayList<>();
        for (String domain : search) {
            String candidate = base + "." + domain;
            // musl skips a search domain that would not fit its 256-byte buffer; glibc fails the same query.
            if (candidate.length() <= DnsNames.MAX_NAME_LENGTH) {
                out.add(candidate);
            }
        }
        return out;
    }

    /** Longest {@code search} line musl reads, without its newline: it reads resolv.conf into 256 bytes. */
    public static final int MUSL_MAX_SEARCH_LINE = 254;

    /** {@code search a b c} as kubelet writes it (one space apart), without the newline. */
    public static String searchLine(List<String> search) {
        return "search " + String.join(" ", search);
    }

    /**
     * The search list musl actually uses. musl's __get_resolv_conf reads resolv.conf with
     * fgets(line, 256) and skips any line that did not fit, rather than misread it: a search line of
     * 255 characters or more is ignored whole, and every relative name is asked only as-is. glibc
     * (2.26+) reads lines of any length. Kubernetes allows 32 domains and 2048 characters, so a pod
     * with a long namespace and a few node or dnsConfig domains can cross this without knowing.
     */
    public static List<String> asMuslReadsIt(List<String> search) {
        return search.isEmpty() || searchLine(search).length() > MUSL_MAX_SEARCH_LINE ? List.of() : search;
    }

    /** The search list kubelet gives a ClusterFirst pod of {@code namespace}: the cluster's domains, then the node's. */
    public static List<String> clusterFirst(String namespace, String clusterDomain, List<String> nodeDomains) {
        List<String> search =
                new ArrayList<>(List.of(namespace + ".svc." + clusterDomain, "svc." + clusterDomain, clusterDomain));
        search.addAll(nodeDomains);
        return List.copyOf(search);
    }

    /**
     * The node's search domains, read off a ClusterFirst pod's own search list: kubelet writes
     * {@code <ns>.svc.<domain> svc.<domain> <domain>} and then the node's domains. Empty when
     * {@code own} does not start that way (say, the operator runs outside a cluster).
     */
    public static List<String> nodeDomains(List<String> own, String clusterDomain) {
        String domain = DnsNames.normalize(clusterDomain);
        if (own.size() >= 3
                && own.get(0).endsWith(".svc." + domain)
                && own.get(1).equals("svc." + domain)
                && own.get(2).equals(domain)) {
            return List.copyOf(own.subList(3, own.size()));
        }
        return List.of();
    }

    /** Every name that some libc may ask: search candidates, then the name itself. */
    public static List<String> allCandidates(String name, List<String> search) {
        Set<String> all = new LinkedHashSet<>(searchCandidates(name, search));
        all.add(DnsNames.normalize(name));
        return List.copyOf(all);
    }
}
