package io.dnsprobe.resolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/**
 * A nameserver as resolv.conf names it: an IP literal and a port. Host names are refused on
 * purpose: a resolver cannot look up its own nameserver.
 */
public record ServerAddress(InetAddress address, int port) {
    public static final int DNS_PORT = 53;

    public ServerAddress {
        if (address == null) {
            throw new IllegalArgumentException("server address is missing");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server port " + port + " is outside 1-65535");
        }
    }

    /** Parses {@code 10.96.0.10}, {@code 10.96.0.10:5353}, {@code ::1}, {@code [::1]:5353}. */
    public static ServerAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("server is empty");
        }
        String s = text.trim();
        String host = s;
        int port = DNS_PORT;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("server '" + text + "': missing ']' after the IPv6 address");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("server '" + text + "': expected ':PORT' after ']'");
                }
                port = parsePort(text, rest.substring(1));
            }
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(text, s.substring(s.indexOf(':') + 1));
        }
        InetAddress address = literal(host);
        if (address == null) {
            throw new IllegalArgumentException(
                    "server '" + text + "': not an IP address (nameservers are given as addresses, as in resolv.conf)");
        }
        return new ServerAddress(address, port);
    }

    static InetAddress literal(String host) {
        for (int family : new int[] {Address.IPv4, Address.IPv6}) {
            byte[] bytes = Address.toByteArray(host, family);
            if (bytes != null) {
                try {
                    return InetAddress.getByAddress(bytes);
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
        return null;
    }

    private static int parsePort(String text, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("server '" + text + "': port " + p + " is outside 1-65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server '" + text + "': port '" + port + "' is not a number");
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    @Override
    public String toString() {
        String host = address.getHostAddress();
        if (host.indexOf(':') >= 0) {
            return port == DNS_PORT ? host : "[" + host + "]:" + port;
        }
        return port == DNS_PORT ? host : host + ":" + port;
    }
}
