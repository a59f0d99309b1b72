package io.dnsprobe.probe;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything one server answered for one name, for every candidate any libc might ask. Immutable;
 * it serializes to JSON and back (see {@link ProbeJson}) so a probe can be saved and replayed.
 *
 * @param name the name as given (a trailing dot makes it absolute)
 * @param server the nameserver asked, as host[:port]
 */
public record NameProbe(
        String name,
        String server,
        List<String> search,
        int ndots,
        Instant startedAt,
        List<CandidateProbe> candidates) {

    public NameProbe {
        search = List.copyOf(search);
        candidates = List.copyOf(candidates);
    }

    public Optional<CandidateProbe> candidate(String fqdn) {
        return candidates.stream().filter(c -> c.name().equalsIgnoreCase(fqdn)).findFirst();
    }
}
