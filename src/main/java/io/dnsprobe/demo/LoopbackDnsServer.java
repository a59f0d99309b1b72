package io.dnsprobe.demo;

import io.dnsprobe.demo.ZoneResponder.Fault;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.resolver.ServerAddress;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative DNS server in process, on loopback only, for the demo and for faults no real
 * server produces on demand. It truncates UDP replies the two ways real servers do: keeping the
 * records that fit (BIND, CoreDNS answering itself) or keeping none (Unbound, NSD, CoreDNS forward).
 */
public final class LoopbackDnsServer implements AutoCloseable {
    private final ZoneResponder responder;
    private final Fault fault;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-dns");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> stalled = new ArrayList<>();
    private final List<byte[]> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private volatile boolean closed;

    private LoopbackDnsServer(Zone zone, Truncation truncation, Fault fault) throws IOException {
        this.responder = new ZoneResponder(zone, truncation, fault);
        this.fault = fault;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatagramSocket u = null;
        ServerSocket t = null;
        // UDP and TCP must share a port, as a real server's do; retry when the port is taken for TCP.
        for (int i = 0; i < 20; i++) {
            u = new DatagramSocket(new InetSocketAddress(loopback, 0));
            if (fault == Fault.TCP_REFUSED) {
                break; // no TCP listener: connections are refused
            }
            try {
                t = new ServerSocket(u.getLocalPort(), 50, loopback);
                break;
            } catch (IOException taken) {
                u.close();
                u = null;
            }
        }
        if (u == null) {
            throw new IOException("no free loopback port for both UDP and TCP");
        }
        this.udp = u;
        this.tcp = t;
        threads.execute(this::serveUdp);
        if (tcp != null) {
            threads.execute(this::serveTcp);
        }
    }

    public static LoopbackDnsServer start(Zone zone, Truncation truncation) throws IOException {
        return new LoopbackDnsServer(zone, truncation, Fault.NONE);
    }

    public static LoopbackDnsServer start(Zone zone, Truncation truncation, Fault fault) throws IOException {
        return new LoopbackDnsServer(zone, truncation, fault);
    }

    public ServerAddress address() {
        return new ServerAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    public int udpQueries() {
        return udpQueries.get();
    }

    public int tcpQueries() {
        return tcpQueries.get();
    }

    /** The first queries received over UDP, as bytes (kept for tests; at most 1,000). */
    public List<byte[]> receivedQueries() {
        return List.copyOf(received);
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(packet);
                udpQueries.incrementAndGet();
                byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                if (received.size() < 1000) {
                    received.add(query);
                }
                if (fault == Fault.SILENT_UDP) {
                    continue;
                }
                byte[] reply = responder.respond(query, true);
                if (reply != null) {
                    udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket socket = tcp.accept();
                if (fault == Fault.TCP_STALL) {
                    synchronized (stalled) {
                        stalled.add(socket); // held open, never answered
                    }
                    continue;
                }
                threads.execute(() -> serveConnection(socket));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveConnection(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                tcpQueries.incrementAndGet();
                byte[] reply = responder.respond(query, false);
                if (reply == null) {
                    return;
                }
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (IOException e) {
            // client went away or idled out: nothing to record
        }
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            if (tcp != null) {
                tcp.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (stalled) {
            for (Socket s : stalled) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
