package io.dnsprobe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.PodDns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each distinct (name, resolv.conf) is probed once per interval, whatever the number of workloads asking. */
class AuditVerdictsTest {
    private final AtomicLong now = new AtomicLong();
    private final List<String> probed = new ArrayList<>();

    private AuditVerdicts verdicts() {
        return new AuditVerdicts(
                (ns, dns) -> ResolverConfig.of(List.of(ServerAddress.parse("127.0.0.1:53")))
                        .withSearch(List.of(ns + ".svc.cluster.local"))
                        .withNdots(dns.options().containsKey("ndots") ? 1 : 5),
                (name, config) -> {
                    probed.add(name + "@" + config.search().get(0) + "/" + config.ndots());
                    return CompletableFuture.completedFuture(Optional.<NameVerdicts>empty());
                },
                Duration.ofHours(1),
                now::get);
    }

    @Test
    void fiftyWorkloadsAskingForOneNameCostOneProbePerInterval() {
        AuditVerdicts v = verdicts();
        for (int i = 0; i < 50; i++) {
            v.lookup("team-a", "db", PodDns.CLUSTER_FIRST);
        }
        assertThat(probed).containsExactly("db@team-a.svc.cluster.local/5");

        now.addAndGet(Duration.ofMinutes(59).toNanos());
        v.lookup("team-a", "db", PodDns.CLUSTER_FIRST);
        assertThat(probed).hasSize(1);

        now.addAndGet(Duration.ofMinutes(1).toNanos());
        v.lookup("team-a", "db", PodDns.CLUSTER_FIRST);
        v.lookup("team-a", "db", PodDns.CLUSTER_FIRST);
        assertThat(probed).hasSize(2);
    }

    @Test
    void anotherResolvConfIsAnotherProbe() {
        AuditVerdicts v = verdicts();
        v.lookup("team-a", "db", PodDns.CLUSTER_FIRST);
        v.lookup("team-b", "db", PodDns.CLUSTER_FIRST);
        PodDns ndots1 = new PodDns("ClusterFirst", false, List.of(), List.of(), Map.of("ndots", "1"));
        v.lookup("team-a", "db", ndots1);
        v.lookup("team-a", "db", ndots1);
        assertThat(probed)
                .containsExactly(
                        "db@team-a.svc.cluster.local/5",
                        "db@team-b.svc.cluster.local/5",
                        "db@team-a.svc.cluster.local/1");
    }

    @Test
    void namesNobodyAskedForInTwoIntervalsAreForgotten() {
        AuditVerdicts v = verdicts();
        v.lookup("team-a", "db", PodDns.CLUSTER_FIRST);
        now.addAndGet(Duration.ofMinutes(90).toNanos());
        v.lookup("team-a", "cache", PodDns.CLUSTER_FIRST);
        now.addAndGet(Duration.ofMinutes(31).toNanos());
        v.prune();
        assertThat(v.size()).isEqualTo(1);
    }
}
