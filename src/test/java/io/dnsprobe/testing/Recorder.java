package io.dnsprobe.testing;

import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder;
import io.dnsprobe.demo.ZoneResponder.Fault;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.probe.Classifier;
import io.dnsprobe.probe.DnsTransport;
import io.dnsprobe.probe.Exchange;
import io.dnsprobe.probe.NameProbe;
import io.dnsprobe.probe.Outcome;
import io.dnsprobe.probe.Prober;
import io.dnsprobe.probe.Transport;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Records probes without a network: the engine's real query path, with a transport that hands each
 * query to a {@link ZoneResponder} and wraps the bytes it returns. Deterministic, so model tests can
 * assert exact counts.
 */
public final class Recorder implements DnsTransport {
    /** A pod's search list as in domain-notes, ending in the test zone. */
    public static final List<String> POD_SEARCH =
            List.of("ns1.svc.cluster.local", "svc.cluster.local", "cluster.local", "test.example");

    public static final ServerAddress SERVER = ServerAddress.parse("192.0.2.53");

    private final ZoneResponder responder;

    public Recorder(ZoneResponder responder) {
        this.responder = responder;
    }

    public static NameProbe probe(Zone zone, Truncation truncation, String name) {
        return probe(new ZoneResponder(zone, truncation, Fault.NONE), name, POD_SEARCH, 5);
    }

    public static NameProbe probe(ZoneResponder responder, String name, List<String> search, int ndots) {
        Recorder recorder = new Recorder(responder);
        try (Prober prober = Prober.builder().transport(recorder).build()) {
            ResolverConfig config =
                    ResolverConfig.of(List.of(SERVER)).withSearch(search).withNdots(ndots);
            return prober.probe(name, SERVER, config).toCompletableFuture().join();
        }
    }

    @Override
    public CompletionStage<Exchange> exchange(
            ServerAddress server, Transport transport, byte[] query, Duration timeout, int attempts) {
        byte[] reply = responder.respond(query, transport == Transport.UDP);
        if (reply == null) {
            return CompletableFuture.completedFuture(Exchange.failure(transport, Outcome.TIMEOUT, 0, "silent"));
        }
        if (reply[0] != query[0] || reply[1] != query[1]) {
            return CompletableFuture.completedFuture(Exchange.failure(transport, Outcome.ID_MISMATCH, 0, "foreign id"));
        }
        return CompletableFuture.completedFuture(Classifier.classify(transport, query, reply));
    }

    @Override
    public void close() {}
}
