package io.dnsprobe.probe;

import io.dnsprobe.resolver.ServerAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Sends one query and records what came back. Implementations never retry over TCP by themselves
 * and never touch the query bytes; every failure is an {@link Exchange} outcome, never an
 * exceptional completion, so a probe always ends with a full record.
 */
public interface DnsTransport extends AutoCloseable {

    /**
     * @param timeout how long to wait after each send
     * @param attempts sends over UDP (the same ID each time, as libc retransmits); TCP connects once
     */
    CompletionStage<Exchange> exchange(
            ServerAddress server, Transport transport, byte[] query, Duration timeout, int attempts);

    @Override
    void close();
}
