package io.dnsprobe.server;

import io.dnsprobe.text.ErrorText;
import io.dnsprobe.text.Printable;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Starting the webhook's and the audit's informers so they outlive an API server that is away at start or later:
 * they keep retrying (with fabric8's backoff, 1 s doubling to 32 s) instead of stopping for good after the first
 * failed list, as JOSDK's own informers do. Only a response that cannot be read as the expected kind stops one.
 *
 * <p>What they say while they retry: nothing when the API server cannot be reached at all (connection refused,
 * DNS, timeouts, TLS): {@code ApiServerCheck} says that once a minute for everyone. A failure with an answer
 * (403 from missing RBAC, 404 from a missing CRD) is said in one line per informer per minute. fabric8's own
 * warning of every retry, with its stack trace, is silenced in application.properties.
 */
public final class Informers {
    private static final Logger LOG = Logger.getLogger(Informers.class);
    static final Duration REPEAT = Duration.ofMinutes(1);
    private static final LogThrottle THROTTLE = new LogThrottle(REPEAT, System::nanoTime);
    private static final AtomicLong FAILURES = new AtomicLong();

    private Informers() {}

    public static void start(String what, List<SharedIndexInformer<?>> informers) {
        for (SharedIndexInformer<?> informer : informers) {
            String kind = informer.getApiTypeClass().getSimpleName();
            informer.exceptionHandler((started, t) -> {
                FAILURES.incrementAndGet();
                String line = line(what, kind, t);
                if (line != null && THROTTLE.due(what + "/" + kind)) {
                    LOG.warn(line);
                }
                return !ExceptionHandler.isDeserializationException(t);
            });
            informer.start().whenComplete((v, e) -> {
                if (e != null) {
                    // Stopped before it ever listed: the app is shutting down, or the start gave up for good.
                    LOG.debugf("%s informer did not start: %s", what, ErrorText.reason(e));
                }
            });
        }
    }

    /** Failures the informers' handlers have seen since the process started (tests wait on it). */
    public static long failuresSeen() {
        return FAILURES.get();
    }

    /**
     * The line for a failed list or watch, or null when the API server did not answer at all: that is the API
     * server check's to say, once for every informer.
     */
    static String line(String what, String kind, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getCode() > 0) {
                String message = k.getStatus() != null && k.getStatus().getMessage() != null
                        ? k.getStatus().getMessage()
                        : ErrorText.reason(k);
                return Printable.line(what + ": cannot list or watch " + kind + "s: HTTP " + k.getCode() + ": "
                        + message + "; retrying");
            }
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            // The HTTP clients' own timeouts are not all IOExceptions (Vert.x's is a RuntimeException).
            if (c instanceof IOException
                    || c instanceof TimeoutException
                    || c.getClass().getSimpleName().contains("Timeout")) {
                return null;
            }
        }
        return Printable.line(what + ": cannot list or watch " + kind + "s: " + ErrorText.reason(t) + "; retrying");
    }
}
