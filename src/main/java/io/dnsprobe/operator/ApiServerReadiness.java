package io.dnsprobe.operator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN while the API server does not answer, and after it answers again until the operator's
 * informers watch again: meanwhile the caches (the webhook's verdicts, the operator's DnsProbes) are stale
 * and nothing can be written. QOSDK's own check stays UP through an outage (an informer that synced once
 * counts as healthy while it reconnects), so this one says it. Liveness never depends on the API server:
 * restarting the pod would not bring it back.
 */
@Readiness
@ApplicationScoped
public class ApiServerReadiness implements HealthCheck {
    public static final String NAME = "Kubernetes API server";

    @Inject
    ApiServerCheck check;

    @Inject
    OperatorLifecycle operator;

    @Override
    public HealthCheckResponse call() {
        ApiServerCheck.State state = check.state();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .withData("url", check.url())
                .withData("detail", state.detail())
                .withData("since", state.since().toString());
        boolean reachable = Boolean.TRUE.equals(state.reachable());
        if (!reachable) {
            return response.down().build();
        }
        List<String> reconnecting = operator.informersNotWatching();
        if (!reconnecting.isEmpty()) {
            return response.withData("informers not watching", String.join(", ", reconnecting))
                    .down()
                    .build();
        }
        return response.up().build();
    }
}
