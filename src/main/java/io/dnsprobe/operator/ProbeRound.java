package io.dnsprobe.operator;

import io.dnsprobe.report.ProbeReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of probing every name of one DnsProbe generation once. Immutable; the status, the
 * events and the metrics are all computed from it.
 *
 * @param problems why names could not be probed at all (spec problems, cluster DNS endpoints unknown)
 */
public record ProbeRound(
        long generation, Instant startedAt, Duration elapsed, List<Outcome> outcomes, List<String> problems) {

    public ProbeRound {
        outcomes = List.copyOf(outcomes);
        problems = List.copyOf(problems);
    }

    /** The same round without its outcomes, once its status has been derived. */
    ProbeRound withoutOutcomes() {
        return new ProbeRound(generation, startedAt, elapsed, List.of(), problems);
    }

    /** One name on one server: a report, or why there is none. */
    public record Outcome(String name, String server, ProbeReport report, String error) {
        static Outcome failed(String name, String server, String error) {
            return new Outcome(name, server, null, error);
        }
    }
}
