package io.dnsprobe.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.testing.MockApiResource;
import io.dnsprobe.testing.MockApiResource.InjectMockApi;
import io.dnsprobe.testing.MockApiServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application as Quarkus wires it, with leader election on (as in the prod profile) against a mock API
 * server that answers JOSDK's SelfSubjectRulesReview: the LeaderElectionConfiguration bean is the one QOSDK
 * uses, with the production timings, the Lease is taken in the configured namespace before any status is
 * written, and the stop (at the end of the test) cancels the election without the exit that losing the
 * Lease would cause. The Leading event, which starts the audit, fires once, after the Lease was taken.
 * The mock answers the SelfSubjectRulesReview with the lease verbs of the committed
 * Role and refuses (403) Lease requests that need another verb, as kube-apiserver does: renewals are JSON
 * merge PATCHes. Two replicas and failover: {@link LeaderElectionIT}.
 */
@QuarkusTest
@TestProfile(LeaderElectionWiringIT.LeaderElectionOn.class)
// The mock grants and enforces on leases what the committed Role grants (config/rbac/namespaced_role.yaml).
@QuarkusTestResource(
        value = MockApiResource.class,
        restrictToAnnotatedClass = true,
        initArgs = @io.quarkus.test.common.ResourceArg(name = MockApiResource.LEASE_VERBS, value = "committed-rbac"))
class LeaderElectionWiringIT {

    public static class LeaderElectionOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.operator-sdk.activate-leader-election-for-profiles", "prod,test",
                    "dnsprobe.lease-namespace", "dnsprobe-system");
        }
    }

    @InjectMockApi
    MockApiServer api;

    @InjectMockApi
    LoopbackDnsServer dns;

    @jakarta.inject.Inject
    LeadingRecorder leading;

    @Test
    void theApplicationTakesTheLeaseBeforeItWritesAnyStatus() {
        try (KubernetesClient admin = api.client("test-admin")) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> admin.leases()
                                    .inNamespace("dnsprobe-system")
                                    .withName("dnsprobe-operator")
                                    .get()
                            != null);
            Lease lease = admin.leases()
                    .inNamespace("dnsprobe-system")
                    .withName("dnsprobe-operator")
                    .get();
            // The pod name (HOSTNAME, or "dnsprobe") and a random suffix: two processes never share an identity.
            assertThat(lease.getSpec().getHolderIdentity()).matches(".+_[0-9a-f]{8}");
            assertThat(lease.getSpec().getLeaseDurationSeconds())
                    .as("production lease duration")
                    .isEqualTo(15);

            admin.resource(new DnsProbe(
                            "elected",
                            "probe",
                            DnsProbeSpec.of(List.of("small", "big"))
                                    .withServers(List.of(dns.address().toString()))
                                    .withSearch(List.of("test.example"), 5)
                                    .withTiming("10m", "2s")))
                    .create();
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            api.statusWrites().stream().anyMatch(w -> w.name().equals("probe")));

            MockApiServer.Request review = api.requests().stream()
                    .filter(r -> r.path().contains("selfsubjectrulesreviews"))
                    .findFirst()
                    .orElseThrow();
            Instant acquired = api.leaseWrites().get(0).at();
            assertThat(review.at()).isBeforeOrEqualTo(acquired);
            assertThat(api.statusWrites()).allMatch(w -> !w.at().isBefore(acquired));
            assertThat(api.leaseWrites())
                    .extracting(MockApiServer.LeaseWrite::holder)
                    .containsOnly(lease.getSpec().getHolderIdentity());
            // The cluster-wide work (the audit) starts on the Leading event: once, after the Lease was taken.
            assertThat(leading.seen()).singleElement().satisfies(l -> {
                assertThat(l.leading().identity()).isEqualTo(lease.getSpec().getHolderIdentity());
                assertThat(l.at()).isAfterOrEqualTo(acquired);
            });
            given().get("/q/health/ready").then().statusCode(200);

            // Renewals go through: the leader renews every retry period (2 s) with a JSON merge PATCH of the
            // Lease (fabric8's LeaseLock), which needs the "patch" verb besides get, create and update.
            int renewed = api.leaseWrites().size();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.leaseWrites().size() >= renewed + 2
                            || api.requests().stream().anyMatch(r -> r.path().contains("/leases") && r.code() == 403));
            assertThat(api.requests())
                    .filteredOn(r -> r.path().contains("/leases"))
                    .as("Lease requests refused by the committed RBAC (%s)", MockApiServer.leaseVerbsOfCommittedRbac())
                    .noneMatch(r -> r.code() == 403);
        }
    }
}
