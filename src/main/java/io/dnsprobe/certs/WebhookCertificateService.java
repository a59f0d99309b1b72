package io.dnsprobe.certs;

import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.Schedulers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs {@link WebhookCertificates} in server mode when {@code dnsprobe.webhook.tls.managed} is on: at
 * start (retrying while the API server is unreachable), then every check interval; when the files change
 * the HTTPS listener reloads them without a restart.
 */
@ApplicationScoped
public class WebhookCertificateService {
    private static final Logger LOG = Logger.getLogger(WebhookCertificateService.class);
    private static final long RETRY_SECONDS = 10;

    @Inject
    DnsprobeConfig config;

    @Inject
    KubernetesClient client;

    @Inject
    TlsConfigurationRegistry tls;

    @Inject
    Event<CertificateUpdatedEvent> updated;

    private ScheduledExecutorService timer;
    private WebhookCertificates certificates;
    /**
     * The HTTPS server registers for certificate updates only as it starts listening; an update fired
     * before that is lost and the listener keeps the bootstrap certificate. So updates wait for it.
     */
    private boolean listening;

    private boolean pending;

    void start(@Observes StartupEvent event) {
        DnsprobeConfig.Tls cfg = config.webhook().tls();
        if (!cfg.managed()) {
            return;
        }
        String namespace =
                cfg.namespace().orElseGet(() -> client.getNamespace() != null ? client.getNamespace() : "default");
        certificates = new WebhookCertificates(
                client,
                new WebhookCertificates.Settings(
                        namespace,
                        cfg.secretName(),
                        cfg.serviceName(),
                        cfg.webhookConfiguration(),
                        Path.of(cfg.dir()),
                        cfg.validity(),
                        cfg.renewBefore()),
                Clock.systemUTC());
        timer = Schedulers.daemon("dnsprobe-certificates");
        timer.execute(this::check);
    }

    synchronized void listening(@ObservesAsync HttpsServerStart event) { // Quarkus fires it with fireAsync
        listening = true;
        if (pending) {
            pending = false;
            reload();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private synchronized void filesChanged() {
        if (listening) {
            reload();
        } else {
            pending = true;
        }
    }

    private void reload() {
        tls.getDefault().ifPresent(c -> {
            if (c.reload()) {
                updated.fire(new CertificateUpdatedEvent("<default>", c));
                LOG.info("the webhook's HTTPS listener now serves the issued certificate");
            }
        });
    }

    private void check() {
        try {
            if (certificates.ensure()) {
                filesChanged();
            }
            timer.schedule(this::check, config.webhook().tls().checkInterval().toSeconds(), TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.warnf("webhook certificate not in place yet (%s); retrying in %ds", e.getMessage(), RETRY_SECONDS);
            timer.schedule(this::check, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }
}
