package io.dnsprobe.probe;

import io.dnsprobe.resolver.ServerAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xbill.DNS.Message;

/**
 * UDP and TCP on one selector thread: thousands of queries in flight cost sockets, not threads.
 * Each UDP query gets its own connected socket, so an ICMP port-unreachable comes back as an error on
 * that query instead of a silent timeout. Futures complete on the I/O thread; callers must not block
 * in their continuations.
 */
public final class NioDnsTransport implements DnsTransport {
    private static final Logger LOG = Logger.getLogger(NioDnsTransport.class.getName());
    /** A UDP datagram is at most this large; reading the whole of it shows servers that ignore the 512 limit. */
    private static final int MAX_DATAGRAM = 65535;

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Deadlines; an entry whose {@code at} is no longer its transaction's deadline was re-armed and is skipped. */
    private final PriorityQueue<Timer> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    /** Runs after every select, before anything is read: tests play a starved I/O thread here. */
    private final Runnable afterSelect;
    /** {@link System#nanoTime()} in production; a test's own, so that no deadline depends on the machine's speed. */
    private final LongSupplier nanoClock;

    private final ByteBuffer datagram = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private volatile boolean closed;

    private record Timer(Txn txn, long at) {
        boolean live() {
            return !txn.done && txn.deadline == at;
        }
    }

    public NioDnsTransport() {
        this(() -> {});
    }

    NioDnsTransport(Runnable afterSelect) {
        this(afterSelect, System::nanoTime);
    }

    /** @param nanoClock read for every deadline and elapsed time, as {@link System#nanoTime()} counts */
    NioDnsTransport(Runnable afterSelect, LongSupplier nanoClock) {
        this.afterSelect = afterSelect;
        this.nanoClock = nanoClock;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector: " + e.getMessage(), e);
        }
        thread = new Thread(this::loop, "dnsprobe-io");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public CompletionStage<Exchange> exchange(
            ServerAddress server, Transport transport, byte[] query, Duration timeout, int attempts) {
        CompletableFuture<Exchange> result = new CompletableFuture<>();
        if (closed) {
            result.complete(Exchange.failure(transport, Outcome.NETWORK_ERROR, 0, "transport closed"));
            return result;
        }
        byte[] q = query.clone();
        long timeoutNanos = timeout.toNanos();
        tasks.add(() -> {
            Txn txn = transport == Transport.UDP
                    ? new UdpTxn(server, q, timeoutNanos, Math.max(1, attempts), result)
                    : new TcpTxn(server, q, timeoutNanos, result);
            txn.start();
        });
        selector.wakeup();
        return result;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (!closed) {
                long waitMillis = 0;
                Timer next = nextLive();
                if (next != null) {
                    waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.at - nanoClock.getAsLong()) + 1);
                }
                // selectNow() below clears a wakeup() that announced a task: never block while one waits.
                if (tasks.isEmpty()) {
                    selector.select(waitMillis);
                } else {
                    selector.selectNow();
                }
                afterSelect.run();
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                processReady();
                next = nextLive();
                if (next != null && next.at - nanoClock.getAsLong() <= 0) {
                    // The thread may have been off the CPU since the select: read what arrived meanwhile before
                    // any transaction is charged with a timeout or sent again.
                    selector.selectNow();
                    processReady();
                    long now = nanoClock.getAsLong();
                    while ((next = nextLive()) != null && next.at - now <= 0) {
                        deadlines.poll();
                        next.txn.onDeadline(now);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "DNS I/O loop stopped", e);
        } finally {
            closed = true;
            shutDown();
        }
    }

    private Timer nextLive() {
        Timer t;
        while ((t = deadlines.peek()) != null && !t.live()) {
            deadlines.poll();
        }
        return t;
    }

    private void processReady() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            Txn txn = (Txn) key.attachment();
            if (key.isValid() && !txn.done) {
                txn.onReady(key);
            }
        }
    }

    private void shutDown() {
        List<Txn> pending = new ArrayList<>();
        for (Timer t : deadlines) {
            if (t.live()) {
                pending.add(t.txn);
            }
        }
        deadlines.clear();
        for (Txn txn : pending) {
            txn.finish(
                    Exchange.failure(txn.transport(), Outcome.NETWORK_ERROR, txn.elapsedMicros(), "transport closed"));
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run(); // starts and immediately fails: the selector is gone
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** Classifies a reply whose ID matched. */
    static Exchange classify(Transport transport, byte[] query, byte[] reply, long micros) {
        if (reply.length < 12) {
            return new Exchange(
                    transport,
                    Outcome.MALFORMED,
                    reply,
                    micros,
                    "reply of " + reply.length + " bytes is shorter than a DNS header");
        }
        boolean parses;
        String error = null;
        try {
            new Message(reply);
            parses = true;
        } catch (IOException | RuntimeException e) {
            parses = false;
            error = e.getMessage();
        }
        if (!parses) {
            return new Exchange(transport, Outcome.MALFORMED, reply, micros, "unparseable reply: " + error);
        }
        if (!QueryEncoder.sameQuestion(query, reply)) {
            return new Exchange(
                    transport,
                    Outcome.QUESTION_MISMATCH,
                    reply,
                    micros,
                    "reply carries another question than the one asked");
        }
        return Exchange.reply(transport, Outcome.REPLY, reply, micros);
    }

    private abstract class Txn {
        final ServerAddress server;
        final byte[] query;
        final long timeoutNanos;
        final CompletableFuture<Exchange> result;
        final long started = nanoClock.getAsLong();
        long deadline;
        boolean done;
        SelectableChannel channel;

        Txn(ServerAddress server, byte[] query, long timeoutNanos, CompletableFuture<Exchange> result) {
            this.server = server;
            this.query = query;
            this.timeoutNanos = timeoutNanos;
            this.result = result;
        }

        abstract Transport transport();

        abstract void start();

        abstract void onReady(SelectionKey key);

        abstract void onDeadline(long now);

        long elapsedMicros() {
            return TimeUnit.NANOSECONDS.toMicros(nanoClock.getAsLong() - started);
        }

        void armDeadline(long at) {
            deadline = at;
            deadlines.add(new Timer(this, at));
        }

        void finish(Exchange exchange) {
            if (done) {
                return;
            }
            done = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the exchange is recorded; a close error changes nothing
                }
            }
            result.complete(exchange);
        }

        void fail(Outcome outcome, String detail) {
            finish(Exchange.failure(transport(), outcome, elapsedMicros(), detail));
        }

        void failOn(IOException e) {
            if (e instanceof PortUnreachableException) {
                fail(Outcome.UNREACHABLE, "ICMP port unreachable from " + server);
            } else if (e instanceof ConnectException) {
                fail(Outcome.UNREACHABLE, "connection refused by " + server);
            } else if (e.getMessage() != null && e.getMessage().contains("reset")) {
                fail(Outcome.UNREACHABLE, "connection reset by " + server);
            } else {
                fail(Outcome.NETWORK_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    /**
     * One UDP query, timed as musl times it ({@code res_msend}): the whole exchange has {@code timeout}
     * from the first send, and the query is sent again every {@code timeout / attempts} until then.
     */
    private final class UdpTxn extends Txn {
        final int attempts;
        final long interval;
        long finalDeadline;
        long nextSend;
        int sent;
        int otherIds;

        UdpTxn(ServerAddress server, byte[] query, long timeoutNanos, int attempts, CompletableFuture<Exchange> r) {
            super(server, query, timeoutNanos, r);
            this.attempts = attempts;
            this.interval = Math.max(1, timeoutNanos / attempts);
        }

        @Override
        Transport transport() {
            return Transport.UDP;
        }

        @Override
        void start() {
            try {
                DatagramChannel ch = DatagramChannel.open(
                        server.address() instanceof Inet6Address
                                ? StandardProtocolFamily.INET6
                                : StandardProtocolFamily.INET);
                channel = ch;
                ch.configureBlocking(false);
                ch.connect(server.socketAddress());
                ch.register(selector, SelectionKey.OP_READ, this);
                long now = nanoClock.getAsLong();
                finalDeadline = now + timeoutNanos;
                nextSend = now;
                send(now);
            } catch (IOException e) {
                failOn(e);
            } catch (RuntimeException e) {
                fail(Outcome.NETWORK_ERROR, String.valueOf(e.getMessage()));
            }
        }

        private void send(long now) throws IOException {
            ((DatagramChannel) channel).write(ByteBuffer.wrap(query));
            sent++;
            nextSend += interval;
            armDeadline(sent < attempts ? Math.min(nextSend, finalDeadline) : finalDeadline);
        }

        @Override
        void onReady(SelectionKey key) {
            drain();
        }

        /** Reads every datagram waiting; finishes on the first with the query's ID. */
        private void drain() {
            DatagramChannel ch = (DatagramChannel) channel;
            try {
                while (!done) {
                    datagram.clear();
                    int n = ch.read(datagram);
                    if (n <= 0) {
                        return;
                    }
                    datagram.flip();
                    byte[] reply = new byte[datagram.remaining()];
                    datagram.get(reply);
                    // musl and glibc both drop a reply whose ID is not theirs and keep waiting: so do we.
                    if (reply.length < 2 || reply[0] != query[0] || reply[1] != query[1]) {
                        otherIds++;
                        continue;
                    }
                    finish(classify(Transport.UDP, query, reply, elapsedMicros()));
                }
            } catch (IOException e) {
                failOn(e);
            }
        }

        @Override
        void onDeadline(long now) {
            drain(); // a reply that came while this thread was busy is a reply, not a timeout
            if (done) {
                return;
            }
            if (now - finalDeadline < 0) {
                try {
                    send(now);
                } catch (IOException e) {
                    failOn(e);
                }
                return;
            }
            String waited = TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + "ms (" + sent
                    + (sent == 1 ? " send" : " sends") + ")";
            if (otherIds > 0) {
                fail(
                        Outcome.ID_MISMATCH,
                        "only replies with another ID (" + otherIds + ") from " + server + " in " + waited);
            } else {
                fail(Outcome.TIMEOUT, "no reply from " + server + " in " + waited);
            }
        }
    }

    /**
     * One TCP query. The server has {@code timeout} to accept the connection, and {@code timeout} to reply
     * from the moment the query is written: time this process took to write it is not the server's.
     */
    private final class TcpTxn extends Txn {
        final ByteBuffer out;
        final ByteBuffer lengthPrefix = ByteBuffer.allocate(2);
        ByteBuffer body;
        SelectionKey key;
        long writtenAt;

        TcpTxn(ServerAddress server, byte[] query, long timeoutNanos, CompletableFuture<Exchange> r) {
            super(server, query, timeoutNanos, r);
            out = ByteBuffer.allocate(query.length + 2);
            out.putShort((short) query.length).put(query).flip();
        }

        @Override
        Transport transport() {
            return Transport.TCP;
        }

        @Override
        void start() {
            try {
                SocketChannel ch = SocketChannel.open();
                channel = ch;
                ch.configureBlocking(false);
                boolean connected = ch.connect(server.socketAddress());
                key = ch.register(selector, SelectionKey.OP_CONNECT, this);
                armDeadline(nanoClock.getAsLong() + timeoutNanos);
                if (connected) {
                    advance();
                }
            } catch (IOException e) {
                failOn(e);
            } catch (RuntimeException e) {
                fail(Outcome.NETWORK_ERROR, String.valueOf(e.getMessage()));
            }
        }

        @Override
        void onReady(SelectionKey k) {
            try {
                advance();
            } catch (IOException e) {
                failOn(e);
            }
        }

        /** Connects, writes, reads as far as the socket allows now, without waiting for another select. */
        private void advance() throws IOException {
            SocketChannel ch = (SocketChannel) channel;
            if (ch.isConnectionPending() && !ch.finishConnect()) {
                return;
            }
            if (out.hasRemaining()) {
                ch.write(out);
                if (out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                writtenAt = nanoClock.getAsLong();
                key.interestOps(SelectionKey.OP_READ);
                armDeadline(writtenAt + timeoutNanos);
            }
            read(ch);
        }

        private void read(SocketChannel ch) throws IOException {
            if (body == null) {
                if (ch.read(lengthPrefix) < 0) {
                    fail(Outcome.NETWORK_ERROR, "server closed the connection before replying");
                    return;
                }
                if (lengthPrefix.hasRemaining()) {
                    return;
                }
                lengthPrefix.flip();
                body = ByteBuffer.allocate(lengthPrefix.getShort() & 0xffff);
            }
            if (ch.read(body) < 0 && body.hasRemaining()) {
                fail(
                        Outcome.NETWORK_ERROR,
                        "server closed the connection after " + body.position() + " of " + body.capacity() + " bytes");
                return;
            }
            if (body.hasRemaining()) {
                return;
            }
            byte[] reply = Arrays.copyOf(body.array(), body.capacity());
            if (reply.length < 2 || reply[0] != query[0] || reply[1] != query[1]) {
                finish(new Exchange(
                        Transport.TCP, Outcome.ID_MISMATCH, null, elapsedMicros(), "TCP reply carries another ID"));
                return;
            }
            finish(classify(Transport.TCP, query, reply, elapsedMicros()));
        }

        @Override
        void onDeadline(long now) {
            SocketChannel ch = (SocketChannel) channel;
            boolean wasWritten = !out.hasRemaining();
            try {
                advance(); // whatever the socket has now counts: this thread may have been busy
            } catch (IOException e) {
                failOn(e);
                return;
            }
            if (done) {
                return;
            }
            if (!wasWritten && !out.hasRemaining()) {
                return; // written only now: the reply deadline was armed from now on
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
            String stage = !ch.isConnected()
                    ? "no connection within " + ms + "ms"
                    : out.hasRemaining()
                            ? "the query could not be written within " + ms + "ms"
                            : body != null
                                    ? "received " + body.position() + " of " + body.capacity() + " bytes in " + ms
                                            + "ms after the query was sent"
                                    : "no reply within " + ms + "ms after the query was sent";
            fail(Outcome.TIMEOUT, "TCP to " + server + ": " + stage);
        }
    }
}
