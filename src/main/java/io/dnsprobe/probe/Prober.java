package io.dnsprobe.probe;

import io.dnsprobe.resolver.DnsNames;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.SearchPath;
import io.dnsprobe.resolver.ServerAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asks a server about a name as a pod's stub resolver would, for every candidate of the search
 * walk: A and AAAA over UDP without EDNS0, then TCP for each truncated reply. Immutable and
 * thread-safe once built; one instance serves any number of concurrent probes under one cap on
 * queries in flight.
 *
 * <pre>{@code
 * try (Prober prober = Prober.builder().maxInFlight(128).build()) {
 *     List<NameProbe> probes = prober.probe("db", config).toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class Prober implements AutoCloseable {
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /**
     * TCP connections open at once, across servers. Servers accept few at a time (BIND listens with a
     * backlog of 10): a burst past that loses SYNs and costs a one-second retransmit per connection.
     */
    public static final int DEFAULT_MAX_TCP_IN_FLIGHT = 8;
    /** A UDP reply without EDNS0 may be at most this large; anything bigger needs TCP too. */
    public static final int UDP_LIMIT = 512;

    private final DnsTransport transport;
    private final boolean ownsTransport;
    private final InFlightLimiter limiter;
    private final InFlightLimiter tcpLimiter;
    private final Clock clock;
    private final QueryPacer pacer;
    private final SecureRandom random = new SecureRandom();

    private Prober(Builder b) {
        this.ownsTransport = b.transport == null;
        this.transport = b.transport != null ? b.transport : new NioDnsTransport();
        this.limiter = new InFlightLimiter(b.maxInFlight);
        this.tcpLimiter = new InFlightLimiter(Math.min(b.maxInFlight, b.maxTcpInFlight));
        this.clock = b.clock;
        this.pacer = null;
    }

    private Prober(Prober shared, QueryPacer pacer) {
        this.ownsTransport = false;
        this.transport = shared.transport;
        this.limiter = shared.limiter;
        this.tcpLimiter = shared.tcpLimiter;
        this.clock = shared.clock;
        this.pacer = pacer;
    }

    /**
     * This prober's engine (socket, thread, caps on queries in flight), with every query of the returned
     * one also spaced by {@code pacer}. Closing the returned prober closes nothing.
     */
    public Prober paced(QueryPacer pacer) {
        return new Prober(this, pacer);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One probe per server of {@code config}, in the servers' order. */
    public CompletionStage<List<NameProbe>> probe(String name, ResolverConfig config) {
        List<CompletableFuture<NameProbe>> perServer = new ArrayList<>();
        for (ServerAddress server : config.servers()) {
            perServer.add(probe(name, server, config).toCompletableFuture());
        }
        return CompletableFuture.allOf(perServer.toArray(CompletableFuture[]::new))
                .thenApply(v -> perServer.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Probes {@code name} on one server.
     *
     * @throws InvalidNameException at once, before any query, when the name is not a valid DNS name
     */
    public CompletionStage<NameProbe> probe(String name, ServerAddress server, ResolverConfig config) {
        List<String> problems = DnsNames.problems(name);
        if (!problems.isEmpty()) {
            throw new InvalidNameException(name, problems);
        }
        Instant started = clock.instant();
        List<CompletableFuture<CandidateProbe>> candidates = new ArrayList<>();
        for (String candidate : SearchPath.allCandidates(name, config.search())) {
            CompletableFuture<QueryProbe> a =
                    query(candidate, "A", server, config).toCompletableFuture();
            CompletableFuture<QueryProbe> aaaa =
                    query(candidate, "AAAA", server, config).toCompletableFuture();
            candidates.add(a.thenCombine(aaaa, (qa, qaaaa) -> new CandidateProbe(candidate, qa, qaaaa)));
        }
        return CompletableFuture.allOf(candidates.toArray(CompletableFuture[]::new))
                .thenApply(v -> new NameProbe(
                        name,
                        server.toString(),
                        config.search(),
                        config.ndots(),
                        started,
                        candidates.stream().map(CompletableFuture::join).toList()));
    }

    private CompletionStage<QueryProbe> query(
            String candidate, String type, ServerAddress server, ResolverConfig config) {
        byte[] query = QueryEncoder.encode(random.nextInt(1 << 16), candidate, QueryEncoder.typeCode(type));
        return send(server, Transport.UDP, query, config).thenCompose(udp -> {
            if (!needsTcp(udp)) {
                return CompletableFuture.completedFuture(new QueryProbe(type, udp, null));
            }
            return send(server, Transport.TCP, query, config).thenApply(tcp -> new QueryProbe(type, udp, tcp));
        });
    }

    private CompletionStage<Exchange> send(ServerAddress server, Transport t, byte[] query, ResolverConfig config) {
        if (pacer == null) {
            return unpaced(server, t, query, config);
        }
        int sends = t == Transport.UDP ? Math.max(1, config.attempts()) : 1;
        QueryPacer.Reservation slots = pacer.reserve(sends, config.timeout().dividedBy(sends));
        CompletableFuture<Exchange> done = slots.ready().thenCompose(v -> unpaced(server, t, query, config));
        done.whenComplete((x, e) -> slots.release());
        return done;
    }

    private CompletionStage<Exchange> unpaced(ServerAddress server, Transport t, byte[] query, ResolverConfig config) {
        if (t == Transport.TCP) {
            return tcpLimiter.submit(() ->
                    limiter.submit(() -> transport.exchange(server, t, query, config.timeout(), config.attempts())));
        }
        return limiter.submit(() -> transport.exchange(server, t, query, config.timeout(), config.attempts()));
    }

    /** TC set, or a datagram over 512 bytes that a 512-byte buffer would cut. */
    static boolean needsTcp(Exchange udp) {
        return udp.outcome().hasReply() && (udp.truncated() || udp.size() > UDP_LIMIT);
    }

    @Override
    public void close() {
        if (ownsTransport) {
            transport.close();
        }
    }

    public static final class Builder {
        private DnsTransport transport;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int maxTcpInFlight = DEFAULT_MAX_TCP_IN_FLIGHT;
        private Clock clock = Clock.systemUTC();

        /** Replaces the network, for tests and replays; the caller keeps ownership. */
        public Builder transport(DnsTransport transport) {
            this.transport = transport;
            return this;
        }

        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** TCP connections open at once; also bounded by {@link #maxInFlight}. */
        public Builder maxTcpInFlight(int maxTcpInFlight) {
            this.maxTcpInFlight = maxTcpInFlight;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Prober build() {
            return new Prober(this);
        }
    }
}
