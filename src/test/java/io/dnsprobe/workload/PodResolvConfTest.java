package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PodResolvConfTest {
    private static final ServerAddress CLUSTER_DNS = ServerAddress.parse("10.96.0.10");
    private static final List<String> NODE_SEARCH = List.of("c.shop-prod.internal", "google.internal");
    private static final ResolverConfig CLUSTER = new ResolverConfig(
            List.of(CLUSTER_DNS),
            List.of(
                    "shop.svc.cluster.local",
                    "svc.cluster.local",
                    "cluster.local",
                    "c.shop-prod.internal",
                    "google.internal"),
            5,
            Duration.ofSeconds(1),
            2);
    private static final ResolverConfig HOST =
            new ResolverConfig(List.of(CLUSTER_DNS), NODE_SEARCH, 1, Duration.ofSeconds(1), 2);

    private static PodDns dns(
            String policy,
            boolean hostNetwork,
            List<String> nameservers,
            List<String> searches,
            Map<String, String> options) {
        return new PodDns(policy, hostNetwork, nameservers, searches, options);
    }

    @Test
    void aPodWithoutDnsSettingsGetsTheNamespacesResolvConf() {
        assertThat(PodResolvConf.of(PodDns.CLUSTER_FIRST, CLUSTER, HOST)).isEqualTo(CLUSTER);
        assertThat(PodDns.CLUSTER_FIRST.isClusterDefault()).isTrue();
        assertThat(dns("ClusterFirst", false, List.of(), List.of(), Map.of()).isClusterDefault())
                .isTrue();
    }

    @Test
    void dnsConfigIsAppendedWithoutDuplicatesAndItsOptionsWin() {
        PodDns pod = dns(
                "ClusterFirst",
                false,
                List.of("10.96.0.10", "192.0.2.53"),
                List.of("cluster.local", "corp.example"),
                Map.of("ndots", "2", "single-request", ""));
        ResolverConfig conf = PodResolvConf.of(pod, CLUSTER, HOST);
        assertThat(conf.servers()).containsExactly(CLUSTER_DNS, ServerAddress.parse("192.0.2.53"));
        assertThat(conf.search())
                .containsExactly(
                        "shop.svc.cluster.local",
                        "svc.cluster.local",
                        "cluster.local",
                        "c.shop-prod.internal",
                        "google.internal",
                        "corp.example");
        assertThat(conf.ndots()).isEqualTo(2);
        assertThat(pod.isClusterDefault())
                .as("a DnsProbe of the namespace does not speak for this pod")
                .isFalse();
    }

    @Test
    void thePolicyPicksTheBaseAsKubeletDoes() {
        assertThat(PodResolvConf.of(dns("Default", false, List.of(), List.of(), Map.of()), CLUSTER, HOST))
                .isEqualTo(HOST);
        assertThat(PodResolvConf.of(dns("ClusterFirst", true, List.of(), List.of(), Map.of()), CLUSTER, HOST))
                .as("host network falls back to the node's")
                .isEqualTo(HOST);
        assertThat(PodResolvConf.of(
                        dns("ClusterFirstWithHostNet", true, List.of(), List.of(), Map.of()), CLUSTER, HOST))
                .isEqualTo(CLUSTER);
        ResolverConfig none = PodResolvConf.of(
                dns("None", false, List.of("192.0.2.1"), List.of("corp.example"), Map.of("ndots", "3")), CLUSTER, HOST);
        assertThat(none.servers()).containsExactly(ServerAddress.parse("192.0.2.1"));
        assertThat(none.search()).containsExactly("corp.example");
        assertThat(none.ndots()).isEqualTo(3);
        ResolverConfig noneBare = PodResolvConf.of(dns("None", false, List.of(), List.of(), Map.of()), CLUSTER, HOST);
        assertThat(noneBare.servers()).containsExactly(CLUSTER_DNS);
        assertThat(noneBare.search()).isEmpty();
        assertThat(noneBare.ndots()).as("resolv.conf's own default").isEqualTo(1);
    }

    @Test
    void kubeletLimitsAndHowLibcsReadNdots() {
        List<String> many =
                IntStream.range(0, 40).mapToObj(i -> "d" + i + ".example").toList();
        ResolverConfig none = PodResolvConf.of(dns("None", false, List.of("192.0.2.1"), many, Map.of()), CLUSTER, HOST);
        assertThat(none.search()).hasSize(32).startsWith("d0.example").endsWith("d31.example");
        List<String> long60 = IntStream.range(0, 32)
                .mapToObj(i -> "x".repeat(55) + i + ".example")
                .toList();
        List<String> kept = PodResolvConf.withinKubeletLimits(long60);
        assertThat(String.join(" ", kept).length()).isLessThanOrEqualTo(2048);
        assertThat(kept).hasSizeLessThan(32).isEqualTo(long60.subList(0, kept.size()));
        assertThat(PodResolvConf.ndots("1", 5)).isEqualTo(1);
        assertThat(PodResolvConf.ndots("20", 5)).isEqualTo(15);
        assertThat(PodResolvConf.ndots("3x", 5)).isEqualTo(3);
        assertThat(PodResolvConf.ndots("x", 5)).isEqualTo(5);
        assertThat(PodResolvConf.ndots(null, 5)).isEqualTo(5);
        assertThat(PodResolvConf.ndots("99999999999999999999", 5)).isEqualTo(15);
    }

    @Test
    void theParserReadsDnsSettingsFromThePodTemplate() throws Exception {
        String deployment = """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w", "namespace": "shop"},
                 "spec": {"template": {"spec": {"hostNetwork": true, "dnsPolicy": "ClusterFirstWithHostNet",
                   "dnsConfig": {"nameservers": ["192.0.2.1"], "searches": ["corp.example"],
                                 "options": [{"name": "ndots", "value": "1"}, {"name": "edns0"}]},
                   "containers": [{"name": "app", "image": "alpine:3.14"}]}}}}""";
        PodDns dns = WorkloadParser.parse(new ObjectMapper().readTree(deployment))
                .orElseThrow()
                .dns();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("ndots", "1");
        options.put("edns0", null);
        assertThat(dns)
                .isEqualTo(new PodDns(
                        "ClusterFirstWithHostNet", true, List.of("192.0.2.1"), List.of("corp.example"), options));
        PodDns bare = WorkloadParser.parse(
                        new ObjectMapper().readTree("{\"kind\": \"Pod\", \"spec\": {\"containers\": []}}"))
                .orElseThrow()
                .dns();
        assertThat(bare).isEqualTo(PodDns.CLUSTER_FIRST);
    }
}
