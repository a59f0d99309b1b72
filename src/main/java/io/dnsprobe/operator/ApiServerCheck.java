package io.dnsprobe.operator;

import io.dnsprobe.server.Schedulers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Says in the log, in one line, whether the API server is reachable. The HTTP side (health, metrics)
 * comes up either way; without this a missing API server shows only as informer retries.
 */
@ApplicationScoped
public class ApiServerCheck {
    private static final Logger LOG = Logger.getLogger(ApiServerCheck.class);
    private static final long RETRY_SECONDS = 15;

    @Inject
    KubernetesClient client;

    private ScheduledExecutorService timer;
    private volatile boolean warned;

    void onStart(@Observes StartupEvent event) {
        timer = Schedulers.daemon("dnsprobe-api-check");
        timer.execute(this::check);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void check() {
        java.net.URL master = client.getMasterUrl();
        String url = String.valueOf(master);
        try {
            // A plain connect first: the client itself retries with backoff for minutes before it gives up.
            int port = master.getPort() > 0 ? master.getPort() : master.getDefaultPort();
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(master.getHost(), port), 3000);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            var version = client.getKubernetesVersion();
            LOG.infof("Kubernetes API server %s reachable (%s.%s)", url, version.getMajor(), version.getMinor());
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warnf("Kubernetes API server %s is not reachable (%s). Health and metrics are served; DnsProbes "
                        + "are reconciled once it is; /q/health/ready reports DOWN meanwhile. In a pod, check the "
                        + "service account and KUBERNETES_SERVICE_HOST.", url, rootMessage(e));
            }
            timer.schedule(this::check, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
