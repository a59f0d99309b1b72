package io.dnsprobe.server;

/**
 * Fired (CDI event) once this replica does the cluster-wide work: when it wins the Lease, or when the
 * operator has started without leader election (dev, tests). A replica that stops leading exits, so
 * there is no event for the end; work started on this event stops on ShutdownEvent.
 *
 * @param identity the Lease holder identity, or "single" without leader election
 */
public record Leading(String identity) {}
