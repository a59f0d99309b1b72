package io.dnsprobe.operator;

import io.dnsprobe.server.Schedulers;
import io.dnsprobe.text.ErrorText;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Asks the API server for its version every {@code dnsprobe.api-server.check-interval}, with one bounded
 * request (no client retries), and keeps the answer: readiness reports it ({@link ApiServerReadiness}) and
 * the operator starts once the API server has answered ({@link OperatorLifecycle}). While it cannot be
 * reached the log says so in one line a minute (what is wrong, that it is retried, what waits), never a stack
 * trace, and once more when it is back; the HTTP side (health, metrics) serves either way. The informers leave
 * this to it (see {@link io.dnsprobe.server.Informers}).
 */
@ApplicationScoped
public class ApiServerCheck {
    private static final Logger LOG = Logger.getLogger(ApiServerCheck.class);
    static final int MAX_VERSION_BYTES = 64 * 1024;
    /** How often an outage that lasts is said again. */
    static final Duration REPEAT = Duration.ofMinutes(1);

    /**
     * What the latest check found.
     *
     * @param reachable null before the first check
     * @param since when {@code reachable} last changed
     */
    public record State(Boolean reachable, Instant since, String detail) {
        static final State UNKNOWN = new State(null, Instant.now(), "not checked yet");
    }

    @Inject
    KubernetesClient client;

    @Inject
    OperatorAvailabilityConfig.ApiServer config;

    private ScheduledExecutorService timer;
    private HttpClient http;
    private volatile State state = State.UNKNOWN;
    private volatile boolean stopped;
    /** The time outages are counted in; tests move it by hand. */
    LongSupplier nanos = System::nanoTime;

    private long lastSaid;
    private long downSince;

    void onStart(@Observes StartupEvent event) {
        connect();
        timer = Schedulers.daemon("dnsprobe-api-check");
        timer.scheduleWithFixedDelay(this::check, 0, config.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /**
     * The client's own HTTP client (its TLS, token and headers), without its retries: a check must answer within
     * its timeout, not after the client's ~20 s of backoff.
     */
    void connect() {
        http = client.getHttpClient()
                .newBuilder()
                .tag(new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
    }

    public State state() {
        return state;
    }

    public String url() {
        return String.valueOf(client.getMasterUrl());
    }

    /**
     * Blocks until the API server has answered a check; false when the application stops first.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public synchronized boolean awaitReachable() throws InterruptedException {
        while (!stopped && !Boolean.TRUE.equals(state.reachable())) {
            wait();
        }
        return !stopped;
    }

    void check() {
        String version;
        try {
            version = askVersion();
        } catch (InterruptedException e) {
            // The check's thread is stopped (the application stops): the API server said nothing either way.
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            changed(false, reason(e));
            return;
        }
        changed(true, version);
    }

    private String askVersion() throws Exception {
        Duration timeout = config.checkTimeout();
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(URLUtils.join(url(), "version"))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        BoundedBody head = new BoundedBody(MAX_VERSION_BYTES + 1);
        HttpResponse<AsyncBody> response;
        try {
            response = http.consumeBytes(request, head).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            // The body is read to its end and only its head kept. Not cancelled: a cancelled body resets its
            // request, and the Vert.x client then closes the connection, which by then may serve another
            // request of the operator ("Connection was closed"), every check-interval.
            response.body().consume();
            response.body().done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + timeout.toMillis() + "ms");
        }
        int code = response.code();
        if (code >= 500) {
            throw new IllegalStateException("HTTP " + code);
        }
        if (code != 200) {
            // Reachable all the same: it answered (a 401/403 here is a credentials problem the operator's
            // own requests will report).
            return "HTTP " + code;
        }
        return version(head.bytes());
    }

    /** Keeps the first {@code limit} bytes of a body and lets the rest go by. */
    private static final class BoundedBody implements AsyncBody.Consumer<List<ByteBuffer>> {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int limit;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void consume(List<ByteBuffer> buffers, AsyncBody body) {
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), limit - kept.size());
                if (n > 0) {
                    byte[] chunk = new byte[n];
                    buffer.get(chunk);
                    kept.write(chunk, 0, n);
                }
            }
            body.consume();
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }
    }

    /**
     * The version document is a few hundred bytes; anything past {@link #MAX_VERSION_BYTES} is not one (a proxy's
     * page, or the fabric8 mock's CRUD mode, which answers {@code /version} with every object it holds: 21 MB
     * every 5 s in the soak) and is neither kept nor parsed.
     */
    private String version(byte[] bytes) {
        if (bytes.length > MAX_VERSION_BYTES) {
            return "version not readable (over " + MAX_VERSION_BYTES / 1024 + " KiB)";
        }
        try {
            VersionInfo info = client.getKubernetesSerialization()
                    .unmarshal(new String(bytes, StandardCharsets.UTF_8), VersionInfo.class);
            return info.getMajor() + "." + info.getMinor();
        } catch (RuntimeException e) {
            return "version not readable";
        }
    }

    private synchronized void changed(boolean reachable, String detail) {
        State previous = state;
        boolean flipped = previous.reachable() == null || previous.reachable() != reachable;
        Instant now = Instant.now();
        long t = nanos.getAsLong();
        if (reachable && previous.reachable() == null) {
            LOG.infof("Kubernetes API server %s reachable (%s)", url(), detail);
        } else if (reachable && flipped) {
            LOG.infof(
                    "Kubernetes API server %s reachable again after %ds (%s)",
                    url(), Duration.ofNanos(t - downSince).toSeconds(), detail);
        } else if (!reachable && flipped) {
            downSince = t;
            lastSaid = t;
            LOG.warnf(
                    "cannot reach the Kubernetes API at %s: %s; retrying every %ds; operator and audit idle, "
                            + "/q/health/ready DOWN, health and metrics served%s",
                    url(),
                    detail,
                    config.checkInterval().toSeconds(),
                    previous.reachable() == null
                            ? " (in a pod, check the service account and KUBERNETES_SERVICE_HOST)"
                            : "");
        } else if (!reachable && t - lastSaid >= REPEAT.toNanos()) {
            lastSaid = t;
            LOG.warnf(
                    "cannot reach the Kubernetes API at %s for %s: %s; retrying; operator and audit idle",
                    url(), minutes(t - downSince), detail);
        }
        state = new State(reachable, flipped ? now : previous.since(), detail);
        if (reachable) {
            notifyAll();
        }
    }

    private static String minutes(long nanos) {
        long m = TimeUnit.NANOSECONDS.toMinutes(nanos);
        return m < 60 ? m + "m" : m / 60 + "h" + (m % 60 == 0 ? "" : m % 60 + "m");
    }

    /**
     * Why the API server did not answer, in words: the root cause's message without class names ("connection
     * refused", "kubernetes.default.svc: no such host (DNS)"), for logs and the readiness check's detail.
     */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
            String host = t.getMessage() == null ? "" : t.getMessage().replaceFirst(":.*", "") + ": ";
            return host + "no such host (DNS)";
        }
        boolean refused = t.getMessage() == null || t.getMessage().startsWith("Connection refused");
        if (t instanceof ConnectException && refused) {
            return "connection refused";
        }
        return ErrorText.reason(t);
    }
}
