package io.dnsprobe.testing.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry that is not there, below HTTP, on 127.0.0.1: it accepts connections and, by its {@link Mode}, holds
 * them without sending a byte (a hung registry), closes them at once, or passes them through to a real registry
 * (the registry came back). {@link #connections()} counts what it accepted, so a test sees how often a dead
 * registry was asked. Held connections are released by {@link #close()}.
 */
public final class SilentRegistry implements AutoCloseable {
    /** What an accepted connection gets. */
    public enum Mode {
        /** Held open, nothing sent: the client waits for an answer that never comes. */
        HANG,
        /** Closed as soon as accepted. */
        CLOSE,
        /** Passed through to {@link #forwardTo}'s registry. */
        FORWARD
    }

    private final ServerSocket server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "silent-registry");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Mode mode;
    private volatile InetSocketAddress target;

    public SilentRegistry(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        executor.execute(this::acceptLoop);
    }

    /** "127.0.0.1:PORT", to use as an image's registry (listed as insecure: it speaks plain HTTP when it speaks). */
    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public void mode(Mode m) {
        this.mode = m;
    }

    /** From now on, connections are passed through to {@code hostPort} ("127.0.0.1:PORT"). */
    public void forwardTo(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        this.target =
                new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        this.mode = Mode.FORWARD;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            held.add(s);
            switch (mode) {
                case HANG -> {
                    // Kept until close(): the client's own timeouts must end its wait.
                }
                case CLOSE -> closeQuietly(s);
                case FORWARD -> executor.execute(() -> forward(s));
            }
        }
    }

    private void forward(Socket client) {
        try (Socket upstream = new Socket()) {
            upstream.connect(target, 5_000);
            held.add(upstream);
            executor.execute(() -> pipe(upstream, client));
            pipe(client, upstream);
        } catch (IOException e) {
            // The upstream refused: the client sees a closed connection.
        } finally {
            closeQuietly(client);
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // One side went away.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Being dropped anyway.
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        held.forEach(SilentRegistry::closeQuietly);
        executor.shutdownNow();
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Being dropped anyway.
        }
    }
}
