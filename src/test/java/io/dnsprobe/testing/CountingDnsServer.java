package io.dnsprobe.testing;

import io.dnsprobe.resolver.ServerAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A UDP DNS server on loopback that notes when each query arrives (System.nanoTime) and answers A with
 * 192.0.2.1 and anything else with no records: for measuring how fast a client asks, not what it gets.
 */
public final class CountingDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    public CountingDnsServer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "counting-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public ServerAddress address() {
        return ServerAddress.parse("127.0.0.1:" + socket.getLocalPort());
    }

    /** When each query arrived, in order. */
    public List<Long> arrivals() {
        synchronized (arrivals) {
            return new ArrayList<>(arrivals);
        }
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                arrivals.add(System.nanoTime());
                byte[] reply = answer(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    /** The query with QR, RD and RA set; for A, one answer pointing at the question's name. */
    static byte[] answer(byte[] q) {
        if (q.length < 12) {
            return null;
        }
        int end = 12;
        while (end < q.length && q[end] != 0) {
            end += (q[end] & 0xff) + 1;
        }
        end += 5; // the root label, then QTYPE and QCLASS
        if (end > q.length) {
            return null;
        }
        boolean a = q[end - 4] == 0 && q[end - 3] == 1;
        byte[] r = java.util.Arrays.copyOf(q, end + (a ? 16 : 0));
        r[2] = (byte) (0x80 | (q[2] & 0x01));
        r[3] = (byte) 0x80;
        r[6] = 0;
        r[7] = (byte) (a ? 1 : 0);
        r[8] = r[9] = r[10] = r[11] = 0;
        if (a) {
            byte[] rr = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, 0, 2, 1};
            System.arraycopy(rr, 0, r, end, rr.length);
        }
        return r;
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
