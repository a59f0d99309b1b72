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
    private SearchPath() {
    }

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

    /** Every name that some libc may ask: search candidates, then the name itself. */
    public static List<String> allCandidates(String name, List<String> search) {
        Set<String> all = new LinkedHashSet<>(searchCandidates(name, search));
        all.add(DnsNames.normalize(name));
        return List.copyOf(all);
    }
}
