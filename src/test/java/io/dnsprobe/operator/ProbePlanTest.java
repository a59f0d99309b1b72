package io.dnsprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.SearchPath;
import io.dnsprobe.resolver.ServerAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbePlanTest {
    private static final List<ServerAddress> CLUSTER_DNS = List.of(ServerAddress.parse("10.96.0.10"));

    private static ResolverConfig operatorPod(String... search) {
        return ResolverConfig.of(CLUSTER_DNS).withSearch(List.of(search)).withNdots(5);
    }

    @Test
    void theDefaultSearchListIsAPodsOfTheNamespaceNodeDomainsIncluded() {
        DnsProbe probe = new DnsProbe("shop", "watch", DnsProbeSpec.of(List.of("db")));
        ResolverConfig own = operatorPod(
                "dnsprobe-system.svc.cluster.local",
                "svc.cluster.local",
                "cluster.local",
                "c.my-project.internal",
                "google.internal");
        ProbePlan plan = ProbePlan.of(probe, own, "cluster.local");
        assertThat(plan.config().search())
                .containsExactly(
                        "shop.svc.cluster.local",
                        "svc.cluster.local",
                        "cluster.local",
                        "c.my-project.internal",
                        "google.internal");
        assertThat(plan.config().ndots()).isEqualTo(5);
        assertThat(plan.config().servers()).isEqualTo(CLUSTER_DNS);
        assertThat(plan.problems()).isEmpty();
    }

    @Test
    void outsideAClusterOrWithAnExplicitListNoNodeDomainsAreGuessed() {
        DnsProbe probe = new DnsProbe("shop", "watch", DnsProbeSpec.of(List.of("db")));
        assertThat(ProbePlan.of(probe, operatorPod("corp.example"), "cluster.local")
                        .config()
                        .search())
                .containsExactly("shop.svc.cluster.local", "svc.cluster.local", "cluster.local");
        DnsProbe explicit =
                new DnsProbe("shop", "watch", DnsProbeSpec.of(List.of("db")).withSearch(List.of("a.example"), 1));
        ProbePlan plan = ProbePlan.of(
                explicit,
                operatorPod("x.svc.cluster.local", "svc.cluster.local", "cluster.local", "node.example"),
                "cluster.local");
        assertThat(plan.config().search()).containsExactly("a.example");
        assertThat(plan.config().ndots()).isEqualTo(1);
    }

    @Test
    void nodeDomainsAreWhatFollowsTheClusterDomainsInAPodsOwnList() {
        assertThat(SearchPath.nodeDomains(List.of("ns.svc.k8s.corp", "svc.k8s.corp", "k8s.corp", "corp"), "k8s.corp"))
                .containsExactly("corp");
        assertThat(SearchPath.nodeDomains(
                        List.of("ns.svc.cluster.local", "svc.cluster.local", "cluster.local"), "cluster.local"))
                .isEmpty();
        assertThat(SearchPath.nodeDomains(List.of("svc.cluster.local", "cluster.local", "x"), "cluster.local"))
                .isEmpty();
        assertThat(SearchPath.nodeDomains(List.of(), "cluster.local")).isEmpty();
    }
}
