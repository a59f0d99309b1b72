package io.dnsprobe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for test servers: free ones to listen on, and a closed one to send to. */
public final class Ports {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Ports() {}

    /** A TCP port free on loopback a moment ago (another process may take it before the caller binds it). */
    public static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free for both UDP and TCP on loopback, as a DNS server listens. */
    public static int freeUdpAndTcpPort() {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                    ServerSocket t = new ServerSocket(u.getLocalPort(), 1, LOOPBACK)) {
                return u.getLocalPort();
            } catch (IOException taken) {
                // TCP side busy: pick another
            }
        }
        throw new UncheckedIOException(new IOException("no loopback port free for both UDP and TCP"));
    }

    /** A UDP port nothing listens on: a datagram sent there gets ICMP port unreachable. */
    public static int closedUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
