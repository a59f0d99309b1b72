package io.dnsprobe.demo;

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
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * An authoritative DNS server in process, on loopback only, for the demo and for faults no real
 * server produces on demand. It truncates UDP replies the two ways real servers do: keeping the
 * records that fit (BIND, CoreDNS answering itself) or keeping none (Unbound, NSD, CoreDNS forward).
 */
public final class LoopbackDnsServer implements AutoCloseable {
    /** What a UDP reply that does not fit keeps. */
    public enum Truncation { PARTIAL, EMPTY }

    /** Misbehaviour to serve instead of a correct answer. */
    public enum Fault { NONE, SILENT_UDP, GARBAGE, WRONG_ID, WRONG_QUESTION, TCP_STALL, TCP_REFUSED, SERVFAIL, REFUSED }

    private static final int UDP_LIMIT = 512;
    private final Zone zone;
    private final Truncation truncation;
    private final Fault fault;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-dns");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> stalled = new ArrayList<>();
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private volatile boolean closed;

    private LoopbackDnsServer(Zone zone, Truncation truncation, Fault fault) throws IOException {
        this.zone = zone;
        this.truncation = truncation;
        this.fault = fault;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatagramSocket u = null;
        ServerSocket t = null;
        // UDP and TCP must share a port, as a real server's do; retry when the port is taken for TCP.
        for (int i = 0; i < 20 && t == null; i++) {
            u = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                t = fault == Fault.TCP_REFUSED ? null : new ServerSocket(u.getLocalPort(), 50, loopback);
                if (t == null) {
                    break;
                }
            } catch (IOException e) {
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

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(packet);
                udpQueries.incrementAndGet();
                if (fault == Fault.SILENT_UDP) {
                    continue;
                }
                byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] reply = reply(query, true);
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
                byte[] reply = reply(query, false);
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

    /** The reply bytes for one query, or null to stay silent. */
    byte[] reply(byte[] queryBytes, boolean overUdp) {
        Message query;
        try {
            query = new Message(queryBytes);
        } catch (IOException e) {
            return null;
        }
        int id = query.getHeader().getID();
        if (fault == Fault.GARBAGE) {
            return new byte[] {(byte) (id >> 8), (byte) id, (byte) 0x81, 0x00, 0x00, 0x01, (byte) 0xff, 0x7f, 0x01};
        }
        Record question = query.getQuestion();
        Message response = new Message(id);
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (fault == Fault.WRONG_QUESTION) {
            response.addRecord(Record.newRecord(Zone.name("other.invalid"), question.getType(), question.getDClass()),
                    Section.QUESTION);
            return response.toWire();
        }
        response.addRecord(question, Section.QUESTION);
        if (fault == Fault.SERVFAIL || fault == Fault.REFUSED) {
            response.getHeader().setRcode(fault == Fault.SERVFAIL ? Rcode.SERVFAIL : Rcode.REFUSED);
            return response.toWire();
        }
        List<Record> answers = answer(question.getName(), question.getType(), response);
        byte[] wire = withAnswers(response, answers, answers.size());
        if (fault == Fault.WRONG_ID) {
            wire[0] ^= (byte) 0x5a;
        }
        OPTRecord opt = query.getOPT();
        int limit = opt == null ? UDP_LIMIT : Math.max(UDP_LIMIT, opt.getPayloadSize());
        if (!overUdp || wire.length <= limit) {
            return wire;
        }
        int keep = 0;
        if (truncation == Truncation.PARTIAL) {
            while (keep < answers.size() && withAnswers(response, answers, keep + 1).length <= limit) {
                keep++;
            }
        }
        byte[] cut = withAnswers(response, answers, keep);
        cut[2] |= 0x02; // TC
        return cut;
    }

    private List<Record> answer(Name qname, int qtype, Message response) {
        List<Record> out = new ArrayList<>();
        Name name = qname;
        for (int hops = 0; hops < 16; hops++) {
            Record cname = zone.cnameAt(name);
            if (cname == null || qtype == cname.getType()) {
                break;
            }
            out.add(cname);
            name = ((org.xbill.DNS.CNAMERecord) cname).getTarget();
        }
        if (!zone.exists(name)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return out;
        }
        out.addAll(zone.lookup(name, qtype));
        return out;
    }

    private static byte[] withAnswers(Message base, List<Record> answers, int count) {
        Message m = base.clone();
        m.removeAllRecords(Section.ANSWER);
        for (int i = 0; i < count; i++) {
            m.addRecord(answers.get(i), Section.ANSWER);
        }
        return m.toWire();
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
