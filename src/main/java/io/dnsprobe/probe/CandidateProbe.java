package io.dnsprobe.probe;

/** The A and AAAA questions for one candidate name (a search-list expansion or the name itself). */
public record CandidateProbe(String name, QueryProbe a, QueryProbe aaaa) {
    public QueryProbe query(String type) {
        return "A".equals(type) ? a : aaaa;
    }
}
