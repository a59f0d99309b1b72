package io.dnsprobe.testing;

import static org.awaitility.Awaitility.await;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.Predicate;

/** Reading a DnsProbe's status in tests: its conditions, and waiting for the status a test expects. */
public final class Statuses {
    private Statuses() {}

    /** The condition of {@code type}; fails when the status has none. */
    public static Condition condition(DnsProbeStatus s, String type) {
        return s.conditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition in " + s.conditions()));
    }

    public static Condition ready(DnsProbeStatus s) {
        return condition(s, "Ready");
    }

    /** Polls the DnsProbe until its status satisfies {@code done} (90 s hang guard); returns that status. */
    public static DnsProbeStatus awaitStatus(
            KubernetesClient client, String namespace, String name, Predicate<DnsProbeStatus> done) {
        DnsProbeStatus[] last = new DnsProbeStatus[1];
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    DnsProbe p = client.resources(DnsProbe.class)
                            .inNamespace(namespace)
                            .withName(name)
                            .get();
                    last[0] = p == null ? null : p.getStatus();
                    return last[0] != null && done.test(last[0]);
                });
        return last[0];
    }
}
