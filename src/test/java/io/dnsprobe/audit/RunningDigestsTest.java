package io.dnsprobe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.workload.PodDns;
import io.dnsprobe.workload.Workload;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RunningDigestsTest {
    private static final String OLD = "sha256:" + "a".repeat(64);
    private static final String NEW = "sha256:" + "b".repeat(64);

    private static Map<String, String> app(String imageId) {
        Map<String, String> m = new HashMap<>();
        m.put("app", imageId);
        return m;
    }

    @Test
    void podsCountForTheWorkloadTheirControllerChainLeadsTo() {
        RunningDigests r = new RunningDigests();
        r.owner("rs-1", "deploy-1");
        r.owner("job-1", "cron-1");
        assertThat(r.pod("p1", "rs-1", app("docker-pullable://registry.example/acme/orders@" + OLD)))
                .isTrue();
        assertThat(r.pod("p2", "job-1", app("registry.example/acme/nightly@" + NEW)))
                .isTrue();
        assertThat(r.pod("bare", null, app("registry.example/acme/debug@" + NEW)))
                .isTrue();

        assertThat(r.of("deploy-1")).isEqualTo(Map.of("app", Set.of(OLD)));
        assertThat(r.of("cron-1")).isEqualTo(Map.of("app", Set.of(NEW)));
        assertThat(r.of("bare")).isEqualTo(Map.of("app", Set.of(NEW)));
        assertThat(r.of("rs-1"))
                .as("a ReplicaSet a controller owns is not the workload")
                .isEmpty();
    }

    @Test
    void aRolloutRunsBothDigestsUntilTheLastOldPodGoes() {
        RunningDigests r = new RunningDigests();
        r.owner("rs-old", "deploy");
        r.owner("rs-new", "deploy");
        r.pod("old-1", "rs-old", app("registry.example/acme/orders@" + OLD));
        r.pod("new-1", "rs-new", app("registry.example/acme/orders@" + NEW));
        assertThat(r.of("deploy")).isEqualTo(Map.of("app", Set.of(OLD, NEW)));

        assertThat(r.pod("new-1", "rs-new", app("registry.example/acme/orders@" + NEW)))
                .as("no change")
                .isFalse();
        assertThat(r.podGone("old-1")).isTrue();
        assertThat(r.of("deploy")).isEqualTo(Map.of("app", Set.of(NEW)));
        assertThat(r.podGone("old-1")).as("already gone").isFalse();
    }

    @Test
    void onlyPullableDigestsCount() {
        RunningDigests r = new RunningDigests();
        Map<String, String> ids = new HashMap<>();
        ids.put("app", "sha256:" + "c".repeat(64)); // a bare image ID: the config's digest, not a manifest
        ids.put("init", null); // not started yet
        ids.put("side", "registry.example/acme/x@sha256:short");
        assertThat(r.pod("p", null, ids)).isTrue();
        assertThat(r.of("p")).isEmpty();
        assertThat(RunningDigests.digest("docker-pullable://r.example/a@" + OLD))
                .contains(OLD);
    }

    @Test
    void pinningKeepsTheSpecsRepositoryAndTagAndAddsEachRunningDigest() {
        Workload.Container app = new Workload.Container(
                "app", "registry.example/acme/orders:1.4", false, List.of(), List.of(), List.of(), List.of());
        Workload.Container pinned = new Workload.Container(
                "sidecar", "registry.example/acme/proxy@" + OLD, false, List.of(), List.of(), List.of(), List.of());
        Workload.Container unseen = new Workload.Container(
                "init", "registry.example/acme/migrate:2", true, List.of(), List.of(), List.of(), List.of());
        Workload w = new Workload(
                "Deployment", "shop", "orders", Map.of(), List.of(unseen, app, pinned), PodDns.CLUSTER_FIRST);

        Workload judged = RunningDigests.pin(w, Map.of("app", new TreeSet<>(Set.of(NEW, OLD)), "sidecar", Set.of(NEW)));

        assertThat(judged.containers())
                .extracting(Workload.Container::image)
                .containsExactly(
                        "registry.example/acme/migrate:2",
                        "registry.example/acme/orders:1.4@" + OLD,
                        "registry.example/acme/orders:1.4@" + NEW,
                        "registry.example/acme/proxy@" + OLD);
        assertThat(RunningDigests.pin(w, Map.of())).isSameAs(w);
    }
}
