package io.dnsprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder;
import io.dnsprobe.demo.ZoneResponder.Fault;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The I/O thread off the CPU for longer than the timeout, every time it wakes (as on a node busy with
 * other work), while the server answers at once: replies that arrived meanwhile are replies, never
 * timeouts, and no UDP query is sent twice because of it.
 *
 * <p>Exact, not a race with the machine's speed: the server answers on the I/O thread itself, right after each
 * select ({@link InlineServer}: every query written before then is in its sockets, loopback delivers within the
 * send), and the transport's clock ({@link ManualIoClock}) then moves on 250 ms, past every 100 ms deadline. So at
 * every wake-up each pending exchange is both overdue and answered.
 */
class StarvedEngineTest {
    private static final Duration AWAY = Duration.ofMillis(250);

    @Test
    void repliesThatArrivedWhileTheThreadWasBusyAreNotTimeouts() throws Exception {
        Zone zone = new Zone().manyA("big.test.example", 40);
        for (int i = 0; i < 20; i++) {
            zone.a("n" + i + ".test.example", "192.0.2." + (i + 1));
        }
        ManualIoClock clock = new ManualIoClock();
        try (InlineServer server = InlineServer.start(new ZoneResponder(zone, Truncation.EMPTY, Fault.NONE));
                NioDnsTransport transport = clock.transport(() -> {
                    server.answerAll();
                    clock.advance(AWAY); // longer than the 100 ms timeout below
                });
                Prober prober = Prober.builder().transport(transport).build()) {
            ResolverConfig config = ResolverConfig.of(List.of(server.address()))
                    .withTimeout(Duration.ofMillis(100))
                    .withAttempts(2);
            List<CompletableFuture<NameProbe>> running = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                running.add(prober.probe("n" + i + ".test.example.", server.address(), config)
                        .toCompletableFuture());
            }
            running.add(
                    prober.probe("big.test.example.", server.address(), config).toCompletableFuture());
            List<Exchange> all = new ArrayList<>();
            for (CompletableFuture<NameProbe> f : running) {
                for (CandidateProbe c : f.get(60, TimeUnit.SECONDS).candidates()) {
                    for (QueryProbe q : List.of(c.a(), c.aaaa())) {
                        all.add(q.udp());
                        if (q.tcp() != null) {
                            all.add(q.tcp());
                        }
                    }
                }
            }
            assertThat(all).hasSize(20 * 2 + 3); // big: A over UDP and TCP, AAAA over UDP
            assertThat(all)
                    .allSatisfy(e -> assertThat(e.outcome()).as(e.toString()).isEqualTo(Outcome.REPLY));
            assertThat(all)
                    .as("every exchange was overdue when its reply was read")
                    .allSatisfy(e -> assertThat(e.rttMicros()).isGreaterThanOrEqualTo(AWAY.toNanos() / 1000));
            assertThat(server.udpQueries())
                    .as("each UDP query sent once: a late wake-up is not a retry")
                    .isEqualTo(42);
            assertThat(server.tcpQueries()).isEqualTo(1);
        }
    }

    /**
     * A DNS server on loopback (UDP and TCP on one port) with no thread of its own: {@link #answerAll} reads every
     * query waiting in its sockets and answers it, on the caller's thread.
     */
    static final class InlineServer implements AutoCloseable {
        private final ZoneResponder responder;
        private final DatagramChannel udp;
        private final ServerSocketChannel tcp;
        private final Map<SocketChannel, ByteBuffer> connections = new HashMap<>();
        private final ByteBuffer datagram = ByteBuffer.allocate(65535);
        private int udpQueries;
        private int tcpQueries;

        private InlineServer(ZoneResponder responder, DatagramChannel udp, ServerSocketChannel tcp) throws IOException {
            this.responder = responder;
            this.udp = udp;
            this.tcp = tcp;
            udp.configureBlocking(false);
            tcp.configureBlocking(false);
        }

        static InlineServer start(ZoneResponder responder) throws IOException {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            for (int i = 0; ; i++) {
                DatagramChannel u = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
                try {
                    int port = ((InetSocketAddress) u.getLocalAddress()).getPort();
                    ServerSocketChannel t = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, port));
                    return new InlineServer(responder, u, t);
                } catch (IOException taken) { // the port is someone's over TCP: another one
                    u.close();
                    if (i == 20) {
                        throw taken;
                    }
                }
            }
        }

        ServerAddress address() {
            try {
                InetSocketAddress a = (InetSocketAddress) udp.getLocalAddress();
                return new ServerAddress(a.getAddress(), a.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized int udpQueries() {
            return udpQueries;
        }

        synchronized int tcpQueries() {
            return tcpQueries;
        }

        /** Answers every query that has arrived, over UDP and over TCP. */
        synchronized void answerAll() {
            try {
                SocketAddress from;
                while ((from = udp.receive(datagram.clear())) != null) {
                    udpQueries++;
                    byte[] reply = responder.respond(Arrays.copyOf(datagram.array(), datagram.position()), true);
                    if (reply != null) {
                        udp.send(ByteBuffer.wrap(reply), from);
                    }
                }
                SocketChannel accepted;
                while ((accepted = tcp.accept()) != null) {
                    accepted.configureBlocking(false);
                    connections.put(accepted, ByteBuffer.allocate(2 + 65535));
                }
                for (Map.Entry<SocketChannel, ByteBuffer> c : connections.entrySet()) {
                    answerTcp(c.getKey(), c.getValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void answerTcp(SocketChannel ch, ByteBuffer in) throws IOException {
            if (!ch.isOpen() || ch.read(in) < 0) {
                ch.close();
                return;
            }
            while (in.position() >= 2 && in.position() >= 2 + (in.getShort(0) & 0xffff)) {
                int length = in.getShort(0) & 0xffff;
                byte[] query = Arrays.copyOfRange(in.array(), 2, 2 + length);
                in.flip().position(2 + length);
                in.compact();
                tcpQueries++;
                byte[] reply = responder.respond(query, false);
                if (reply == null) {
                    continue;
                }
                ByteBuffer out = ByteBuffer.allocate(2 + reply.length)
                        .putShort((short) reply.length)
                        .put(reply)
                        .flip();
                while (out.hasRemaining()) {
                    ch.write(out); // a few KB into an empty socket buffer: written at once
                }
            }
        }

        @Override
        public synchronized void close() throws IOException {
            for (SocketChannel c : connections.keySet()) {
                c.close();
            }
            tcp.close();
            udp.close();
        }
    }
}
