package io.dnsprobe.testing;

import io.dnsprobe.resolver.ServerAddress;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server that misbehaves by name, on loopback: the first label of the question picks what it
 * does, so one probe run can hold every kind of hostility at once and show that each name keeps its
 * own outcome. Every behaviour is bounded: stalled connections are closed when the server closes.
 *
 * <ul>
 *   <li>{@code ok}: one A record. {@code silent}: nothing. {@code garbage}: random bytes with the query's ID.</li>
 *   <li>{@code wrongid}: a good reply with another ID. {@code wrongq}: the ID right, another question.</li>
 *   <li>{@code loop}: an answer whose owner name is a compression pointer to itself.</li>
 *   <li>{@code counts}: a header announcing 50 answers, carrying 1.</li>
 *   <li>{@code big}: 250 A records over UDP without TC (about 4,000 bytes), the same over TCP.</li>
 *   <li>{@code flood}: 200 replies with foreign IDs, then 50 copies of the right one.</li>
 *   <li>{@code servfail}, {@code refused}: those rcodes.</li>
 *   <li>{@code tcstall}, {@code tctrickle}, {@code tcreset}, {@code tcshort}: an empty UDP reply with TC, then
 *       over TCP: silence; one byte every 300 ms; a reset; a length of 500 and 10 bytes, then close.</li>
 * </ul>
 */
public final class HostileDnsServer implements AutoCloseable {
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-dns");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> udpQueries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tcpQueries = new ConcurrentHashMap<>();
    private final AtomicInteger trickled = new AtomicInteger();
    private volatile boolean closed;

    public HostileDnsServer() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int i = 0; i < 20 && t == null; i++) {
            u = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                t = new ServerSocket(u.getLocalPort(), 50, loopback);
            } catch (IOException taken) {
                u.close();
            }
        }
        if (t == null) {
            throw new IOException("no free loopback port for UDP and TCP");
        }
        udp = u;
        tcp = t;
        threads.execute(this::serveUdp);
        threads.execute(this::serveTcp);
    }

    public ServerAddress address() {
        return new ServerAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    /** UDP queries received for a behaviour (the first label), counted before they are answered. */
    public int udpQueries(String behaviour) {
        return udpQueries.getOrDefault(behaviour, new AtomicInteger()).get();
    }

    /** TCP queries read for a behaviour, counted before they are answered. */
    public int tcpQueries(String behaviour) {
        return tcpQueries.getOrDefault(behaviour, new AtomicInteger()).get();
    }

    /** Bytes written so far by {@code tctrickle}, over all its connections. */
    public int trickled() {
        return trickled.get();
    }

    private static void count(Map<String, AtomicInteger> counts, Message query) {
        counts.computeIfAbsent(behaviour(query), b -> new AtomicInteger()).incrementAndGet();
    }

    private static String behaviour(Message query) {
        Record q = query.getQuestion();
        return q == null ? "" : q.getName().getLabelString(0).toLowerCase(Locale.ROOT);
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                byte[] q = Arrays.copyOf(p.getData(), p.getLength());
                Message query = new Message(q);
                count(udpQueries, query);
                for (byte[] reply : udpReplies(query, q)) {
                    udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private List<byte[]> udpReplies(Message query, byte[] raw) {
        int id = query.getHeader().getID();
        switch (behaviour(query)) {
            case "silent":
                return List.of();
            case "garbage": {
                byte[] g = new byte[40];
                new java.util.Random(7).nextBytes(g);
                g[0] = raw[0];
                g[1] = raw[1];
                return List.of(g);
            }
            case "wrongid": {
                byte[] r = answer(query, 1).toWire();
                r[0] ^= 0x55;
                return List.of(r);
            }
            case "wrongq": {
                Message other = new Message(id);
                other.getHeader().setFlag(Flags.QR);
                other.addRecord(Record.newRecord(name("elsewhere.test.example."), Type.A, DClass.IN), Section.QUESTION);
                return List.of(other.toWire());
            }
            case "loop":
                return List.of(pointerLoop(raw));
            case "counts": {
                byte[] r = answer(query, 1).toWire();
                r[7] = 50; // ANCOUNT 50, one record present
                return List.of(r);
            }
            case "big":
                return List.of(answer(query, 250).toWire());
            case "flood": {
                List<byte[]> out = new java.util.ArrayList<>();
                byte[] good = answer(query, 1).toWire();
                for (int i = 0; i < 200; i++) {
                    byte[] bad = good.clone();
                    bad[0] = (byte) (raw[0] ^ 0x5a);
                    bad[1] = (byte) i;
                    out.add(bad);
                }
                for (int i = 0; i < 50; i++) {
                    out.add(good);
                }
                return out;
            }
            case "servfail":
                return List.of(rcode(query, Rcode.SERVFAIL));
            case "refused":
                return List.of(rcode(query, Rcode.REFUSED));
            case "tcstall", "tctrickle", "tcreset", "tcshort": {
                Message m = answer(query, 0);
                m.getHeader().setFlag(Flags.TC);
                return List.of(m.toWire());
            }
            default:
                return List.of(answer(query, 1).toWire());
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                open.add(s);
                threads.execute(() -> serveTcp(s));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveTcp(Socket s) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] q = new byte[in.readUnsignedShort()];
            in.readFully(q);
            Message query = new Message(q);
            count(tcpQueries, query);
            OutputStream out = s.getOutputStream();
            byte[] reply =
                    answer(query, behaviour(query).equals("big") ? 250 : 40).toWire();
            byte[] framed = new byte[reply.length + 2];
            framed[0] = (byte) (reply.length >> 8);
            framed[1] = (byte) reply.length;
            System.arraycopy(reply, 0, framed, 2, reply.length);
            switch (behaviour(query)) {
                case "tcstall":
                    return; // keeps the connection open, says nothing
                case "tctrickle":
                    for (byte b : framed) {
                        out.write(b);
                        out.flush();
                        trickled.incrementAndGet();
                        Thread.sleep(300);
                    }
                    return;
                case "tcreset":
                    s.setSoLinger(true, 0);
                    s.close();
                    return;
                case "tcshort":
                    out.write(new byte[] {0x01, (byte) 0xf4});
                    out.write(Arrays.copyOf(reply, 10));
                    out.flush();
                    s.close();
                    return;
                default:
                    out.write(framed);
                    out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the probe gave up, or the server is closing
        }
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A reply with {@code count} A records for the question (A queries; AAAA gets none). */
    private static Message answer(Message query, int count) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setFlag(Flags.RD);
        Record q = query.getQuestion();
        m.addRecord(q, Section.QUESTION);
        if (q.getType() == Type.A) {
            for (int i = 0; i < count; i++) {
                try {
                    m.addRecord(
                            new ARecord(q.getName(), DClass.IN, 60, InetAddress.getByAddress(new byte[] {
                                10, 0, (byte) (i >> 8), (byte) i
                            })),
                            Section.ANSWER);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
    }

    private static byte[] rcode(Message query, int rcode) {
        Message m = answer(query, 0);
        m.getHeader().setRcode(rcode);
        return m.toWire();
    }

    /** The query echoed as a reply with one answer whose owner name is a pointer to itself. */
    private static byte[] pointerLoop(byte[] query) {
        int at = query.length;
        byte[] r = Arrays.copyOf(query, query.length + 16);
        r[2] = (byte) 0x81;
        r[3] = (byte) 0x80;
        r[7] = 1; // ANCOUNT 1
        r[at] = (byte) (0xc0 | (at >> 8));
        r[at + 1] = (byte) at; // points at itself
        r[at + 3] = 1; // TYPE A
        r[at + 5] = 1; // CLASS IN
        r[at + 9] = 60; // TTL
        r[at + 11] = 4; // RDLENGTH
        r[at + 12] = 10;
        r[at + 15] = 1;
        return r;
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        threads.shutdownNow();
    }
}
