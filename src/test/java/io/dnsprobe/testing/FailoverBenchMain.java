package io.dnsprobe.testing;

import io.dnsprobe.api.DnsProbe;
import io.dnsprobe.api.DnsProbeSpec;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Leader failover of the packaged operator: two replicas ({@code java -jar quarkus-run.jar}, prod profile,
 * leader election on) against one {@link MockApiServer} with COUNT DnsProbes answered by an in-process DNS
 * server. Each run kills the leader (SIGKILL, or SIGTERM with {@code --graceful}) and measures the time to
 * the Lease changing hands and to the first status written by the new leader, then starts a replacement
 * follower. Every child is killed at the end; every wait is bounded.
 *
 * <p>Usage: FailoverBenchMain JAR RUNS COUNT LEASE RENEW RETRY [--graceful] (durations as 15s, 500ms).
 * Replica logs go to target/failover-bench/.
 *
 * <p>With {@code --outage SECONDS} instead of {@code --graceful}: no kills; the API server is stopped for
 * SECONDS with two replicas running, replicas that exit are started again at once (as kubelet restarts a
 * container; their restarts are counted), then every DnsProbe's spec is changed and the time until all
 * statuses have the new generation is measured.
 */
public final class FailoverBenchMain {
    private static final String NS = "dnsprobe-system";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path LOGS = Path.of("target/failover-bench");

    private FailoverBenchMain() {}

    /** A replica process: its identity is also its User-Agent ("dnsprobe-" + identity). */
    private record Replica(String identity, Process process, Path log) {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        String lease = args[3];
        String renew = args[4];
        String retry = args[5];
        boolean graceful = args.length > 6 && args[6].equals("--graceful");
        long outage = args.length > 7 && args[6].equals("--outage") ? Long.parseLong(args[7]) : -1;
        Files.createDirectories(LOGS);
        List<Replica> all = new ArrayList<>();
        Zone zone = new Zone()
                .a("small.test.example", "192.0.2.1")
                .manyA("big.test.example", 40)
                .manyA("pods.test.example", 64)
                .a("db.test.example", "192.0.2.9");
        try (MockApiServer api = MockApiServer.start();
                LoopbackDnsServer dns = LoopbackDnsServer.start(zone, Truncation.EMPTY);
                KubernetesClient admin = api.client("bench-admin")) {
            api.loadCrd(admin);
            DnsProbeSpec spec = DnsProbeSpec.of(List.of("small", "big", "pods", "db"))
                    .withServers(List.of(dns.address().toString()))
                    .withSearch(List.of("test.example"), 5)
                    .withTiming("10m", "2s");
            for (int i = 0; i < count; i++) {
                admin.resource(new DnsProbe("team-" + (i % 5), "probe-" + i, spec))
                        .create();
            }
            int[] next = {0};
            java.util.function.Supplier<Replica> start = () -> {
                Replica r = launch(jar, api, "r" + (++next[0]), lease, renew, retry);
                all.add(r);
                return r;
            };
            Replica leader = start.get();
            waitFor(
                    "the first replica to take the Lease",
                    () -> leader.identity().equals(holder(admin)));
            Replica follower = start.get();
            waitFor(
                    "every DnsProbe to have a status",
                    () -> api.statusWrites().stream()
                                    .map(StatusWriteKey::of)
                                    .distinct()
                                    .count()
                            >= count);
            waitFor("the follower to watch the Lease", () -> asksForLease(api, follower));
            if (outage >= 0) {
                outage(api, admin, all, start, outage, count);
                return;
            }
            List<String> lines = new ArrayList<>();
            Map<String, List<Double>> figures = new LinkedHashMap<>();
            Replica current = leader;
            Replica waiting = follower;
            for (int run = 1; run <= runs; run++) {
                Thread.sleep(3000); // some renewals first, as a leader that has run a while
                Replica dying = current;
                Replica heir = waiting;
                Instant lastRenewal = api.leaseWrites().stream()
                        .filter(w -> dying.identity().equals(w.holder()))
                        .map(MockApiServer.LeaseWrite::renewTime)
                        .max(Instant::compareTo)
                        .orElseThrow();
                Instant killed = Instant.now();
                if (graceful) {
                    dying.process().destroy();
                } else {
                    dying.process().destroyForcibly();
                }
                boolean exited = dying.process().waitFor(60, TimeUnit.SECONDS);
                Instant gone = Instant.now();
                waitFor("the follower to take the Lease", () -> heir.identity().equals(holder(admin)));
                Instant acquired = api.leaseWrites().stream()
                        .filter(w -> heir.identity().equals(w.holder()))
                        .map(MockApiServer.LeaseWrite::at)
                        .min(Instant::compareTo)
                        .orElseThrow();
                waitFor(
                        "the new leader's first status",
                        () -> api.statusWrites().stream()
                                .anyMatch(w ->
                                        w.userAgent().equals("dnsprobe-" + heir.identity()) && w.at().isAfter(killed)));
                Instant firstStatus = api.statusWrites().stream()
                        .filter(w -> w.userAgent().equals("dnsprobe-" + heir.identity()) && w.at().isAfter(killed))
                        .map(MockApiServer.StatusWrite::at)
                        .min(Instant::compareTo)
                        .orElseThrow();
                waitFor(
                        "the new leader to write every status",
                        () -> api.statusWrites().stream()
                                        .filter(w -> w.userAgent().equals("dnsprobe-" + heir.identity())
                                                && w.at().isAfter(killed))
                                        .map(StatusWriteKey::of)
                                        .distinct()
                                        .count()
                                >= count);
                Instant allStatuses = api.statusWrites().stream()
                        .filter(w -> w.userAgent().equals("dnsprobe-" + heir.identity()) && w.at().isAfter(killed))
                        .map(MockApiServer.StatusWrite::at)
                        .max(Instant::compareTo)
                        .orElseThrow();
                long lateWrites = api.statusWrites().stream()
                        .filter(w -> w.userAgent().equals("dnsprobe-" + dying.identity()) && w.at().isAfter(acquired))
                        .count();
                String line = String.format(
                        "run %d: %s %s (%s, exit %s after %.2f s), last renewal %.2f s before; Lease to %s "
                                + "after %.2f s; first status %.2f s, all %d statuses %.2f s after the kill; writes by the old leader "
                                + "after the takeover: %d",
                        run,
                        graceful ? "SIGTERM" : "SIGKILL",
                        dying.identity(),
                        exited ? "exited" : "STILL RUNNING",
                        exited ? dying.process().exitValue() : "-",
                        seconds(killed, gone),
                        seconds(lastRenewal, killed),
                        heir.identity(),
                        seconds(killed, acquired),
                        seconds(killed, firstStatus),
                        count,
                        seconds(killed, allStatuses),
                        lateWrites);
                System.out.println(line);
                lines.add(line);
                figures.computeIfAbsent("Lease taken", k -> new ArrayList<>()).add(seconds(killed, acquired));
                figures.computeIfAbsent("first status", k -> new ArrayList<>()).add(seconds(killed, firstStatus));
                figures.computeIfAbsent("all statuses", k -> new ArrayList<>()).add(seconds(killed, allStatuses));
                figures.computeIfAbsent("stop", k -> new ArrayList<>()).add(seconds(killed, gone));
                Replica fresh = start.get();
                waitFor("the replacement to watch the Lease", () -> asksForLease(api, fresh));
                current = heir;
                waiting = fresh;
            }
            Map<String, Long> perRound = new LinkedHashMap<>();
            api.statusWrites().forEach(w -> perRound.merge(w.probe() + "@" + w.lastProbeTime(), 1L, Long::sum));
            long twice = perRound.values().stream().filter(n -> n > 1).count();
            System.out.printf(
                    "%d runs, lease %s / renew %s / retry %s, %d DnsProbes; rounds written more than once: %d%n",
                    runs, lease, renew, retry, count, twice);
            figures.forEach((k, v) -> System.out.printf(
                    "  %-13s min %.2f s, max %.2f s (after the kill)%n",
                    k,
                    v.stream().mapToDouble(d -> d).min().orElse(0),
                    v.stream().mapToDouble(d -> d).max().orElse(0)));
            for (Replica r : all) {
                long loud = Files.readAllLines(r.log()).stream()
                        .filter(l -> l.contains(" ERROR ") || l.contains(" WARN  "))
                        .count();
                System.out.printf("  %s: %d WARN/ERROR lines (%s)%n", r.identity(), loud, r.log());
            }
        } finally {
            for (Replica r : all) {
                r.process().destroyForcibly();
            }
            for (Replica r : all) {
                r.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.exit(0); // the mock server's Vert.x threads would keep the JVM
    }

    private static void outage(
            MockApiServer api,
            KubernetesClient admin,
            List<Replica> all,
            java.util.function.Supplier<Replica> start,
            long seconds,
            int count)
            throws Exception {
        Thread.sleep(3000);
        Instant down = Instant.now();
        api.stop();
        System.out.printf("API server stopped for %d s%n", seconds);
        List<String> restarts = new ArrayList<>();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < until) {
            for (Replica r : List.copyOf(all)) {
                if (!r.process().isAlive() && restarts.stream().noneMatch(x -> x.startsWith(r.identity() + " "))) {
                    restarts.add(r.identity() + " exited " + r.process().exitValue() + " after "
                            + String.format("%.1f s", seconds(down, Instant.now())) + " of outage");
                    start.get();
                }
            }
            Thread.sleep(100);
        }
        api.restart();
        Instant up = Instant.now();
        System.out.println("API server back; replicas that exited (restarted at once): " + restarts);
        waitFor(
                "a Lease holder that is alive",
                () -> all.stream()
                        .anyMatch(r -> r.process().isAlive() && r.identity().equals(holder(admin))));
        Instant led = Instant.now();
        // The mock API server does not replay events from a watch's resourceVersion as kube-apiserver does:
        // changes made before the leader watches again would be missed here (not in a cluster).
        String leaderAgent = "dnsprobe-" + holder(admin);
        waitFor(
                "the leader to watch DnsProbes again",
                () -> api.requests().stream()
                        .anyMatch(r -> r.at().isAfter(up)
                                && r.userAgent().equals(leaderAgent)
                                && r.path().startsWith("/apis/dnsprobe.io/v1alpha1/dnsprobes?")
                                && r.path().contains("watch=true")));
        Instant watching = Instant.now();
        Thread.sleep(2000); // and the mock registers a watch's listener a little after its request
        for (DnsProbe p :
                admin.resources(DnsProbe.class).inAnyNamespace().list().getItems()) {
            for (int attempt = 1; ; attempt++) {
                try {
                    // Fetched again each time: the new leader's status writes change the resourceVersion.
                    admin.resources(DnsProbe.class)
                            .inNamespace(p.getMetadata().getNamespace())
                            .withName(p.getMetadata().getName())
                            .edit(x -> {
                                x.setSpec(x.getSpec().withTiming("11m", "2s"));
                                return x;
                            });
                    break;
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt == 5) {
                        throw e;
                    }
                }
            }
        }
        try {
            waitFor(
                    "every status at generation 2",
                    () -> admin.resources(DnsProbe.class).inAnyNamespace().list().getItems().stream()
                                    .filter(p -> p.getStatus() != null
                                            && Long.valueOf(2)
                                                    .equals(p.getStatus().observedGeneration()))
                                    .count()
                            >= count);
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage() + "; the replicas' requests since the API server came back:");
            api.requests().stream()
                    .filter(r -> r.at().isAfter(up)
                            && r.userAgent().startsWith("dnsprobe-")
                            && !r.path().contains("/leases/")
                            && !r.path().equals("/version"))
                    .limit(80)
                    .forEach(r -> System.out.println("  " + r));
            throw e;
        }
        Instant done = Instant.now();
        System.out.printf(
                "after the outage: a live leader %.1f s after the API server came back (%s), watching DnsProbes "
                        + "%.1f s after it; every status at the new generation %.1f s after it%n",
                seconds(up, led), holder(admin), seconds(up, watching), seconds(up, done));
        for (Replica r : all) {
            List<String> lines = Files.readAllLines(r.log());
            Map<String, Long> loud = new LinkedHashMap<>();
            lines.stream()
                    .filter(l -> l.contains(" ERROR ") || l.contains(" WARN  "))
                    .map(l -> l.substring(Math.min(l.length(), 9), Math.min(l.length(), 90)))
                    .forEach(l -> loud.merge(l, 1L, Long::sum));
            System.out.printf(
                    "  %s (%s): %s%n",
                    r.identity(),
                    r.process().isAlive() ? "alive" : "exited " + r.process().exitValue(),
                    loud);
        }
    }

    /** One key per DnsProbe, for counting DnsProbes that have a status. */
    private record StatusWriteKey(String probe) {
        static StatusWriteKey of(MockApiServer.StatusWrite w) {
            return new StatusWriteKey(w.probe());
        }
    }

    private static Replica launch(
            Path jar, MockApiServer api, String identity, String lease, String renew, String retry) {
        Path log = LOGS.resolve(identity + ".log");
        ProcessBuilder pb = new ProcessBuilder(
                "java",
                "-Xmx256m",
                "-Dquarkus.http.port=0",
                "-Ddnsprobe.lease-namespace=" + NS,
                "-Ddnsprobe.lease.identity=" + identity,
                "-Ddnsprobe.lease.duration=" + lease,
                "-Ddnsprobe.lease.renew-deadline=" + renew,
                "-Ddnsprobe.lease.retry-period=" + retry,
                "-jar",
                jar.toString());
        pb.environment().put("KUBERNETES_MASTER", api.url());
        pb.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        pb.environment().put("KUBERNETES_USER_AGENT", "dnsprobe-" + identity);
        pb.redirectErrorStream(true).redirectOutput(log.toFile()); // to a file: nothing to drain, nothing to block on
        try {
            return new Replica(identity, pb.start(), log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String holder(KubernetesClient admin) {
        Lease l = admin.leases().inNamespace(NS).withName("dnsprobe-operator").get();
        return l == null ? null : l.getSpec().getHolderIdentity();
    }

    private static boolean asksForLease(MockApiServer api, Replica r) {
        return api.requests().stream()
                .anyMatch(q -> q.userAgent().equals("dnsprobe-" + r.identity())
                        && q.path().contains("/leases/"));
    }

    private static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
