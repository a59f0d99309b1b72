package io.dnsprobe.testing;

import io.dnsprobe.demo.Zone;
import io.dnsprobe.resolver.ServerAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.Record;

/**
 * A real DNS server from Debian, run by the tests on a free loopback port, serving one zone. Tests
 * that use it fail (never skip) when the server is not installed: .ci/run installs it.
 */
public abstract class RealDnsServer implements AutoCloseable {
    public static final String ORIGIN = "test.example";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    protected final Path dir;
    protected final int port;
    /** Zone origin (no trailing dot; "" for the root) to the file name it is served from. */
    protected final Map<String, String> zoneFiles = new LinkedHashMap<>();

    private final Process process;

    protected RealDnsServer(String binary, String apt, Zone zone) throws IOException {
        this(binary, apt, Map.of(ORIGIN, zoneFile(zone)), null);
    }

    /**
     * @param zones origin to zone-file text
     * @param netns a network namespace to run in, on 127.0.0.1:53; null for the host's loopback on a free port
     */
    protected RealDnsServer(String binary, String apt, Map<String, String> zones, String netns) throws IOException {
        Path exe = Stream.of("/usr/sbin/", "/usr/bin/")
                .map(p -> Path.of(p + binary))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        binary + " is not installed: apt-get install " + apt + " (.ci/run does this)"));
        dir = Files.createTempDirectory("dnsprobe-" + binary);
        for (Map.Entry<String, String> z : zones.entrySet()) {
            String file = (z.getKey().isEmpty() ? "root" : z.getKey()) + ".zone";
            Files.writeString(dir.resolve(file), z.getValue());
            zoneFiles.put(z.getKey(), file);
        }
        Process started = null;
        int chosen = -1;
        // A free port can be taken between choosing and binding; try a few.
        for (int attempt = 0; attempt < 5 && started == null; attempt++) {
            chosen = netns == null ? Ports.freeUdpAndTcpPort() : 53;
            Path conf = writeConfig(chosen);
            List<String> cmd = new ArrayList<>();
            if (netns != null) {
                cmd.addAll(List.of("ip", "netns", "exec", netns));
            }
            cmd.addAll(command(exe.toString(), conf));
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile())
                    .start();
            if (netns == null ? waitUntilServing(p, chosen) : waitUntilServingIn(p, netns)) {
                started = p;
            } else {
                kill(p);
            }
        }
        if (started == null) {
            throw new IllegalStateException(
                    binary + " did not start; log: " + Files.readString(dir.resolve("server.log")));
        }
        this.port = chosen;
        this.process = started;
    }

    protected abstract Path writeConfig(int port) throws IOException;

    /** One configuration clause per zone, from a format taking the origin and the file name. */
    protected String zoneClauses(String format) {
        StringBuilder s = new StringBuilder();
        zoneFiles.forEach((origin, file) -> s.append(format.formatted(origin.isEmpty() ? "." : origin, file)));
        return s.toString();
    }

    protected abstract List<String> command(String exe, Path conf);

    public ServerAddress address() {
        return new ServerAddress(LOOPBACK, port);
    }

    static String zoneFile(Zone zone) {
        return zoneFile(ORIGIN, zone.records());
    }

    /** A zone file for {@code origin} ("" for the root) holding {@code records}, with SOA and NS. */
    public static String zoneFile(String origin, List<Record> records) {
        String apex = origin.isEmpty() ? "." : origin + ".";
        StringBuilder s = new StringBuilder("$TTL 30\n$ORIGIN ")
                .append(apex)
                .append('\n')
                .append("@ IN SOA ns.")
                .append(ORIGIN)
                .append(". admin.")
                .append(ORIGIN)
                .append(". 1 3600 600 86400 30\n")
                .append("@ IN NS ns.")
                .append(ORIGIN)
                .append(".\n");
        if (origin.equals(ORIGIN)) {
            s.append("ns IN A 127.0.0.1\n");
        } else if (origin.isEmpty()) {
            // BIND refuses to load a zone whose NS target lies inside it without an address.
            s.append("ns.").append(ORIGIN).append(". IN A 127.0.0.1\n");
        }
        for (Record r : records) {
            s.append(r).append('\n');
        }
        return s.toString();
    }

    /** Polls inside the namespace with dig until the server answers, for at most 10 s (each dig 5 s at most). */
    private static boolean waitUntilServingIn(Process p, String netns) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                BoundedProcess.Result dig = BoundedProcess.run(
                        List.of(
                                "ip",
                                "netns",
                                "exec",
                                netns,
                                "dig",
                                "+short",
                                "+time=1",
                                "+tries=1",
                                "@127.0.0.1",
                                ORIGIN,
                                "SOA"),
                        java.time.Duration.ofSeconds(5));
                if (dig.exit() == 0 && dig.out().contains("admin." + ORIGIN)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep();
        }
        return false;
    }

    /** Polls with a SOA query until the server answers, for at most 10 s. */
    private static boolean waitUntilServing(Process p, int port) throws IOException {
        byte[] query = io.dnsprobe.probe.QueryEncoder.encode(4242, ORIGIN, 6);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(200);
            while (System.nanoTime() < deadline && p.isAlive()) {
                s.send(new DatagramPacket(query, query.length, LOOPBACK, port));
                try {
                    DatagramPacket reply = new DatagramPacket(new byte[512], 512);
                    s.receive(reply);
                    if (reply.getLength() > 12 && (reply.getData()[3] & 15) == 0) {
                        return true;
                    }
                } catch (SocketTimeoutException | java.net.PortUnreachableException notYet) {
                    sleep();
                }
            }
        }
        return false;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Its output goes to server.log (never a pipe), so a server that hangs cannot block a read here. */
    private static void kill(Process p) {
        try {
            BoundedProcess.kill(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        BoundedProcess.stop(process, Duration.ofSeconds(5));
        Cleanup.deleteTree(dir);
    }

    /** BIND 9: truncates by keeping as many whole records as fit. */
    public static final class Bind extends RealDnsServer {
        public Bind(Zone zone) throws IOException {
            super("named", "bind9", zone);
        }

        public Bind(Map<String, String> zones, String netns) throws IOException {
            super("named", "bind9", zones, netns);
        }

        @Override
        protected Path writeConfig(int port) throws IOException {
            Path conf = dir.resolve("named.conf");
            Files.writeString(
                    conf,
                    """
                    options {
                      directory "%1$s";
                      listen-on port %2$d { 127.0.0.1; };
                      listen-on-v6 { none; };
                      pid-file "%1$s/named.pid";
                      session-keyfile "%1$s/session.key";
                      recursion no;
                      minimal-responses yes;
                      max-records-per-type 0;
                      dnssec-validation no;
                    };
                    controls { };
                    """.formatted(dir, port)
                            + zoneClauses("zone \"%s\" { type primary; file \"" + dir + "/%s\"; };\n"));
            return conf;
        }

        @Override
        protected List<String> command(String exe, Path conf) {
            return List.of(exe, "-g", "-n", "1", "-c", conf.toString());
        }
    }

    /** NSD: truncates to an empty answer section, as Unbound and forwarders do. */
    public static final class Nsd extends RealDnsServer {
        public Nsd(Zone zone) throws IOException {
            super("nsd", "nsd", zone);
        }

        public Nsd(Map<String, String> zones, String netns) throws IOException {
            super("nsd", "nsd", zones, netns);
        }

        @Override
        protected Path writeConfig(int port) throws IOException {
            Path conf = dir.resolve("nsd.conf");
            Files.writeString(
                    conf, """
                    server:
                      ip-address: 127.0.0.1@%2$d
                      port: %2$d
                      do-ip6: no
                      database: ""
                      zonesdir: "%1$s"
                      zonelistfile: "%1$s/zone.list"
                      xfrdfile: "%1$s/xfrd.state"
                      xfrdir: "%1$s"
                      pidfile: "%1$s/nsd.pid"
                      logfile: "%1$s/nsd.log"
                      username: ""
                      chroot: ""
                      server-count: 1
                      minimal-responses: yes
                      # Response rate limiting would drop or truncate (TC) replies to a burst from one address.
                      rrl-ratelimit: 0
                      rrl-whitelist-ratelimit: 0
                    remote-control:
                      control-enable: no
                    """.formatted(dir, port) + zoneClauses("zone:\n  name: \"%s\"\n  zonefile: \"%s\"\n"));
            return conf;
        }

        @Override
        protected List<String> command(String exe, Path conf) {
            return List.of(exe, "-d", "-c", conf.toString());
        }
    }
}
