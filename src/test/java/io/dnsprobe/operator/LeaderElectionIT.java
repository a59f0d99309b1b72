package io.dnsprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.testing.MockApiServer;
import io.dnsprobe.testing.MockApiServer.LeaseWrite;
import io.dnsprobe.testing.MockApiServer.StatusWrite;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leader election with two replicas on one API server (the fabric8 mock in CRUD mode, answering JOSDK's
 * SelfSubjectRulesReview), each a full operator in this JVM ({@link InProcessOperator}): only the Lease
 * holder probes and writes statuses, a follower takes over once a killed leader's Lease has expired (never
 * before), and no round's status or event is written twice. Short timings (lease 6 s, renew deadline 5 s,
 * retry 500 ms) keep it quick; production uses 15 s / 10 s / 2 s. The renew deadline is 10 retries wide so that
 * a stall of a loaded CI machine does not cost a live leader its Lease (4 s / 3 s did not leave that room).
 * Failover times are printed, not asserted.
 */
class LeaderElectionIT {
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration RENEW = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final String NS = "dnsprobe-system";
    private static final List<String> PROBES = List.of("edge", "shop", "data", "search");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private MockApiServer api;
    private LoopbackDnsServer dns;
    private KubernetesClient admin;
    private final List<InProcessOperator> replicas = new ArrayList<>();

    @BeforeEach
    void cluster() throws Exception {
        api = MockApiServer.start();
        admin = api.client("test-admin");
        api.loadCrd(admin);
        dns = LoopbackDnsServer.start(
                new Zone()
                        .a("small.test.example", "192.0.2.1")
                        .manyA("big.test.example", 40)
                        .manyA("pods.test.example", 64)
                        .a("db.test.example", "192.0.2.9"),
                Truncation.EMPTY);
        DnsProbeSpec spec = DnsProbeSpec.of(List.of("small", "big", "pods", "db"))
                .withServers(List.of(dns.address().toString()))
                .withSearch(List.of("test.example"), 5)
                .withTiming("10m", "2s");
        for (String name : PROBES) {
            admin.resource(new DnsProbe("team", name, spec)).create();
        }
    }

    @AfterEach
    void tearDown() {
        replicas.forEach(InProcessOperator::kill);
        admin.close();
        api.close();
        dns.close();
    }

    private InProcessOperator replica(String identity) {
        InProcessOperator r = InProcessOperator.start(
                api, new LeaderElection.Settings("dnsprobe-operator", NS, identity, LEASE, RENEW, RETRY));
        replicas.add(r);
        return r;
    }

    private Lease lease() {
        return admin.leases().inNamespace(NS).withName("dnsprobe-operator").get();
    }

    private static String agent(InProcessOperator r) {
        return "dnsprobe-" + r.identity;
    }

    /** Waits until {@code r} has written the status of every DnsProbe after {@code since}; returns its writes. */
    private List<StatusWrite> awaitStatusesBy(InProcessOperator r, Instant since) {
        await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> writesBy(r, since).stream()
                        .map(StatusWrite::name)
                        .collect(Collectors.toSet())
                        .containsAll(PROBES));
        return writesBy(r, since);
    }

    private List<StatusWrite> writesBy(InProcessOperator r, Instant since) {
        return api.statusWrites().stream()
                .filter(w -> w.userAgent().equals(agent(r)) && !w.at().isBefore(since))
                .toList();
    }

    @Test
    void onlyTheLeaderProbesAndAFollowerTakesOverOnceTheLeaseHasExpired() throws Exception {
        InProcessOperator a = replica("a");
        await().atMost(PATIENCE)
                .until(() -> lease() != null && "a".equals(lease().getSpec().getHolderIdentity()));
        InProcessOperator b = replica("b");
        awaitStatusesBy(a, Instant.EPOCH);

        // Steady state: the leader renews, the follower waits. Watched for two lease durations' worth of renewals
        // (counted, not timed: on a busy machine it takes longer) while the follower keeps reading the Lease.
        long renewed = leaseWritesBy(a);
        long asked = leaseRequestsBy(b);
        long renewals = 2 * LEASE.toMillis() / RETRY.toMillis();
        await().atMost(PATIENCE)
                .until(() -> leaseWritesBy(a) >= renewed + renewals && leaseRequestsBy(b) >= asked + renewals / 2);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("a");
        assertThat(b.rounds.get()).as("probe rounds started by the follower").isZero();
        assertThat(b.probeSeries()).as("the follower's dnsprobe_* series").isZero();
        assertThat(a.probeSeries()).isPositive();
        assertThat(api.statusWrites()).extracting(StatusWrite::userAgent).containsOnly("dnsprobe-a");
        assertThat(api.leaseWrites()).extracting(LeaseWrite::holder).containsOnly("a");

        // Three failovers: kill the leader, the follower takes over; a fresh replica becomes the next follower.
        List<String> figures = new ArrayList<>();
        InProcessOperator leader = a;
        InProcessOperator follower = b;
        String[] next = {"c", "d", "e"};
        for (String n : next) {
            InProcessOperator heir = follower;
            Instant lastRenewal = lastRenewalBy(leader.identity);
            leader.kill();
            Instant killed = leader.killedAt;
            List<StatusWrite> takeover = awaitStatusesBy(heir, killed);
            Instant firstWrite = takeover.stream()
                    .map(StatusWrite::at)
                    .min(Instant::compareTo)
                    .orElseThrow();
            LeaseWrite acquired = api.leaseWrites().stream()
                    .filter(w -> heir.identity.equals(w.holder()))
                    .findFirst()
                    .orElseThrow();

            assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(follower.identity);
            // Never before the dead leader's Lease expired: its last renewal plus the lease duration. Compared
            // with the moment the API server received the takeover, not with the record's acquireTime: fabric8's
            // LeaderElector stamps acquireTime before its GET of the Lease and checks expiry after it, so the
            // stamp can precede the expiry by the GET's latency (a CI run saw 4 ms) while the decision does not.
            assertThat(acquired.at()).as("takeover by " + follower.identity).isAfterOrEqualTo(lastRenewal.plus(LEASE));
            // The dead leader wrote nothing once the follower led.
            InProcessOperator dead = leader;
            assertThat(api.statusWrites())
                    .filteredOn(w -> w.userAgent().equals(agent(dead)))
                    .allMatch(w -> w.at().isBefore(acquired.at()));
            figures.add(String.format(
                    "%s -> %s: Lease taken %.2f s after the kill (last renewal %.2f s before it), "
                            + "first status %.2f s after the kill",
                    leader.identity,
                    follower.identity,
                    seconds(killed, acquired.at()),
                    seconds(lastRenewal, killed),
                    seconds(killed, firstWrite)));

            InProcessOperator fresh = replica(n);
            leader = follower;
            follower = fresh;
            await().atMost(PATIENCE)
                    .until(() -> api.requests().stream()
                            .anyMatch(r -> r.userAgent().equals(agent(fresh))
                                    && r.path().contains("/leases/")));
        }
        assertThat(follower.rounds.get()).as("rounds of the last follower").isZero();

        // Every round's status was written once: one write per DnsProbe, generation and round start.
        Map<String, Long> writesPerRound = api.statusWrites().stream()
                .collect(Collectors.groupingBy(
                        w -> w.probe() + " gen " + w.observedGeneration() + " @" + w.lastProbeTime(),
                        Collectors.counting()));
        assertThat(writesPerRound).hasSize(PROBES.size() * (1 + next.length));
        assertThat(writesPerRound.values()).containsOnly(1L);
        // The first leader's events, once each; the leaders after it found the same verdicts and posted none.
        Map<String, Long> events = api.events().stream()
                .collect(Collectors.groupingBy(
                        e -> e.object() + " " + e.reason() + " " + e.message(), Collectors.counting()));
        assertThat(events).isNotEmpty();
        assertThat(events.values()).containsOnly(1L);
        assertThat(api.events()).extracting(MockApiServer.EventPost::userAgent).containsOnly("dnsprobe-a");
        assertThat(replicas.stream()
                        .filter(r -> r.leadership.stream().anyMatch(l -> l.startsWith("lost")) && !r.killed()))
                .as("replicas that lost the Lease while alive")
                .isEmpty();

        System.out.println("Leader failover (lease " + LEASE.toSeconds() + " s, renew deadline " + RENEW.toSeconds()
                + " s, retry " + RETRY.toMillis() + " ms):\n  " + String.join("\n  ", figures));
    }

    private long leaseWritesBy(InProcessOperator r) {
        return api.leaseWrites().stream()
                .filter(w -> w.userAgent().equals(agent(r)))
                .count();
    }

    private long leaseRequestsBy(InProcessOperator r) {
        return api.requests().stream()
                .filter(q -> q.userAgent().equals(agent(r)) && q.path().contains("/leases/"))
                .count();
    }

    private Instant lastRenewalBy(String identity) {
        return api.leaseWrites().stream()
                .filter(w -> identity.equals(w.holder()))
                .map(LeaseWrite::renewTime)
                .max(Instant::compareTo)
                .orElseThrow();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
