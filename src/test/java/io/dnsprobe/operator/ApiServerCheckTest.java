package io.dnsprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.dnsprobe.testing.MockApiServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link ApiServerCheck} makes of the API server's {@code /version} answer, served by a plain HTTP server
 * on loopback: a version document gives the version; a 5xx is unreachable; any other answer is reachable; an
 * answer far larger than any version document (a proxy's page, the fabric8 mock's CRUD mode listing everything
 * it holds) is reachable, and is not read past 64 KiB.
 */
class ApiServerCheckTest {
    /** The server here always answers: a hang guard's length, so that no check times out on a busy machine. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private HttpServer server;
    private final AtomicReference<Integer> code = new AtomicReference<>(200);
    private final AtomicReference<byte[]> body = new AtomicReference<>();
    private KubernetesClient client;
    private ApiServerCheck check;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/version", exchange -> {
            byte[] b = body.get();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(code.get(), b.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            } catch (java.io.IOException e) {
                // the check stopped reading: expected for the oversized answer
            }
        });
        server.start();
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
                        .withAutoConfigure(false)
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        if (check != null) {
            check.onStop(null);
        }
        client.close();
        server.stop(0);
    }

    /** A check as CDI would build it, for {@code client}, outside Quarkus. */
    static ApiServerCheck configured(KubernetesClient client, Duration interval, Duration timeout) {
        ApiServerCheck check = new ApiServerCheck();
        check.client = client;
        check.config = new OperatorAvailabilityConfig.ApiServer() {
            @Override
            public Duration checkInterval() {
                return interval;
            }

            @Override
            public Duration checkTimeout() {
                return timeout;
            }
        };
        return check;
    }

    private static long checks(MockApiServer api) {
        return api.requests().stream().filter(r -> r.path().equals("/version")).count();
    }

    private ApiServerCheck.State checkOnce() {
        check = configured(client, Duration.ofHours(1), CHECK_TIMEOUT);
        check.onStart(null);
        await().atMost(Duration.ofSeconds(60)).until(() -> check.state().reachable() != null);
        return check.state();
    }

    @Test
    void aVersionDocumentGivesTheVersion() {
        body.set("{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}".getBytes(StandardCharsets.UTF_8));
        ApiServerCheck.State state = checkOnce();
        assertThat(state.reachable()).isTrue();
        assertThat(state.detail()).isEqualTo("1.31");
    }

    @Test
    void anAnswerFarLargerThanAVersionDocumentIsReachableAndNotParsed() {
        // Valid JSON of 4 MB whose first bytes look like a version: parsed whole, it would say 1.31.
        byte[] padding = new byte[4 * 1024 * 1024];
        Arrays.fill(padding, (byte) ' ');
        String head = "{\"major\":\"1\",\"minor\":\"31\",\"items\":[";
        byte[] big = new byte[head.length() + padding.length + 2];
        System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, big, 0, head.length());
        System.arraycopy(padding, 0, big, head.length(), padding.length);
        big[big.length - 2] = ']';
        big[big.length - 1] = '}';
        body.set(big);
        ApiServerCheck.State state = checkOnce();
        assertThat(state.reachable()).isTrue();
        assertThat(state.detail()).isEqualTo("version not readable (over 64 KiB)");
    }

    /**
     * The check shares the operator's connection pool. It once read a bounded head of the body and closed it; the
     * Vert.x client resets a closed body's request by closing its connection, which by then could be serving
     * another request: "Connection was closed" on random operator requests, every check interval. Checks every
     * 20 ms here while the same client reads the API server in a loop, until the server has answered 100 checks
     * (a count, not a time: on a busy machine it takes longer): none of those reads may fail.
     */
    @Test
    void checksNeverCloseAConnectionAnotherRequestUses() throws Exception {
        MockApiServer api = MockApiServer.start();
        try (KubernetesClient shared = api.client("dnsprobe-check")) {
            ApiServerCheck frequent = configured(shared, Duration.ofMillis(20), CHECK_TIMEOUT);
            frequent.onStart(null);
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicInteger reads = new AtomicInteger();
            try {
                await().atMost(Duration.ofSeconds(120))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            for (int i = 0; i < 20; i++) {
                                try {
                                    shared.namespaces().withName("default").get();
                                    reads.incrementAndGet();
                                } catch (RuntimeException e) {
                                    failures.add(String.valueOf(e.getMessage()));
                                }
                            }
                            return checks(api) >= 100;
                        });
            } finally {
                frequent.onStop(null);
            }
            assertThat(frequent.state().reachable()).isTrue();
            assertThat(reads.get()).isPositive();
            assertThat(failures).as("reads that failed beside the checks").isEmpty();
        } finally {
            api.close();
        }
    }

    @Test
    void aServerErrorIsUnreachableAndAnotherAnswerIsReachable() {
        code.set(503);
        body.set("unavailable".getBytes(StandardCharsets.UTF_8));
        ApiServerCheck.State down = checkOnce();
        assertThat(down.reachable()).isFalse();
        assertThat(down.detail()).contains("HTTP 503");
        check.onStop(null);

        code.set(403);
        body.set("{\"kind\":\"Status\",\"code\":403}".getBytes(StandardCharsets.UTF_8));
        ApiServerCheck.State forbidden = checkOnce();
        assertThat(forbidden.reachable()).isTrue();
        assertThat(forbidden.detail()).isEqualTo("HTTP 403");
    }
}
