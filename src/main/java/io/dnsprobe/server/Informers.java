package io.dnsprobe.server;

import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starting the webhook's informers so they outlive an API server that is away at start or later: they
 * keep retrying (with fabric8's backoff) instead of stopping for good after the first failed list, as
 * JOSDK's own informers do. Only a response that cannot be read as the expected kind stops one.
 */
public final class Informers {
    private static final Logger LOG = Logger.getLogger(Informers.class);

    private Informers() {
    }

    public static void start(String what, List<SharedIndexInformer<?>> informers) {
        for (SharedIndexInformer<?> informer : informers) {
            informer.exceptionHandler((started, t) -> !ExceptionHandler.isDeserializationException(t));
            informer.start().whenComplete((v, e) -> {
                if (e != null) {
                    // Stopped before it ever listed: the app is shutting down, or the start gave up for good.
                    LOG.debugf("%s informer did not start: %s", what, e.getMessage());
                }
            });
        }
    }
}
