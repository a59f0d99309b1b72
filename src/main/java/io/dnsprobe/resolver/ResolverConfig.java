package io.dnsprobe.resolver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pod's resolver is told in its resolv.conf. Immutable; the {@code with*} methods return
 * copies so a base configuration (from /etc/resolv.conf) can be overridden flag by flag.
 *
 * <p>Defaults differ from musl's (timeout 5 s, attempts 2) on purpose: a probe is a diagnostic,
 * and ten seconds per silent server makes it unusable in loops. Both are overridable.
 */
public record ResolverConfig(
        List<ServerAddress> servers, List<String> search, int ndots, Duration timeout, int attempts) {
    public static final int DEFAULT_NDOTS = 1;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_ATTEMPTS = 2;
    /** resolv.conf caps ndots at 15 in both glibc and musl. */
    public static final int MAX_NDOTS = 15;

    public ResolverConfig {
        servers = List.copyOf(servers);
        search = search.stream().map(DnsNames::normalize).toList();
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    public static ResolverConfig of(List<ServerAddress> servers) {
        return new ResolverConfig(servers, List.of(), DEFAULT_NDOTS, DEFAULT_TIMEOUT, DEFAULT_ATTEMPTS);
    }

    public ResolverConfig withServers(List<ServerAddress> s) {
        return new ResolverConfig(s, search, ndots, timeout, attempts);
    }

    public ResolverConfig withSearch(List<String> s) {
        return new ResolverConfig(servers, s, ndots, timeout, attempts);
    }

    public ResolverConfig withNdots(int n) {
        return new ResolverConfig(servers, search, n, timeout, attempts);
    }

    public ResolverConfig withTimeout(Duration t) {
        return new ResolverConfig(servers, search, ndots, t, attempts);
    }

    public ResolverConfig withAttempts(int a) {
        return new ResolverConfig(servers, search, ndots, timeout, a);
    }

    /** Every problem with this configuration, for one clear error instead of a failure mid-probe. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (servers.isEmpty()) {
            problems.add("no nameserver: give --server or a nameserver line in resolv.conf");
        }
        if (ndots < 0 || ndots > MAX_NDOTS) {
            problems.add("ndots " + ndots + " is outside 0-" + MAX_NDOTS);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            problems.add("timeout " + timeout.toMillis() + "ms is outside 1ms-30s");
        }
        if (attempts < 1 || attempts > 5) {
            problems.add("attempts " + attempts + " is outside 1-5");
        }
        for (String domain : search) {
            for (String p : DnsNames.problems(domain)) {
                problems.add("search domain: " + p);
            }
        }
        return problems;
    }
}
