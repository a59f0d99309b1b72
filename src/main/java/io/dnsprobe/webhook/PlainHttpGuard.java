package io.dnsprobe.webhook;

import io.dnsprobe.server.DnsprobeConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Keeps AdmissionReviews off the plain HTTP port. In production (unless
 * {@code dnsprobe.webhook.allow-plain-http}) a request that did not arrive over TLS is served only when
 * it is for health or metrics ({@code /q/health...}, {@code /q/metrics...}: the kubelet's probes and
 * Prometheus speak plain HTTP to port 8080); anything else, {@code /validate} first of all, gets 404 as
 * if the path did not exist there, and the connection is closed without reading the body. One filter
 * ahead of every route (and of the body-size check), on the request's own connection, not a header.
 */
@ApplicationScoped
public class PlainHttpGuard {
    /** Filters run in descending priority; Quarkus's body-size check sits at 2, routes at 0 and later. */
    static final int PRIORITY = 1_000;

    private static final String[] PLAIN_HTTP_PATHS = {"/q/health", "/q/metrics"};

    @Inject
    DnsprobeConfig config;

    void register(@Observes Filters filters) {
        if (!config.webhook().allowPlainHttp()) {
            filters.register(PlainHttpGuard::handle, PRIORITY);
        }
    }

    static void handle(RoutingContext rc) {
        if (rc.request().isSSL() || servedOverPlainHttp(rc.normalizedPath())) {
            rc.next();
            return;
        }
        HttpServerResponse response = rc.response();
        response.setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(v -> rc.request().connection().close())
                .end("not served over plain HTTP: use the HTTPS port\n");
    }

    /** Health and metrics, and the paths below them; {@code path} is already normalised (no dot segments). */
    static boolean servedOverPlainHttp(String path) {
        for (String allowed : PLAIN_HTTP_PATHS) {
            if (path.equals(allowed) || path.startsWith(allowed + "/")) {
                return true;
            }
        }
        return false;
    }
}
