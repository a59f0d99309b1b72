package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The environment as the kubelet builds it: envFrom prefixes and order, and pod fields the spec tells. */
class ContainerEnvTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NameExtractor.ConfigMaps CONFIG_MAPS = (ns, name) -> switch (name) {
        case "db" -> Optional.of(Map.of("HOST", "pg.example.com"));
        case "db-override" -> Optional.of(Map.of("DB_HOST", "pg-replica.example.com"));
        default -> Optional.empty();
    };

    private static Workload.Container container(String kind, String containerJson) throws IOException {
        String template = """
                {"metadata": {"labels": {"app": "orders", "tier": "back"}},
                 "spec": {"serviceAccountName": "orders-sa", "containers": [%s]}}""".formatted(containerJson);
        String object = kind.equals("Pod") ? """
                  {"kind": "Pod", "metadata": {"name": "orders-debug", "labels": {"app": "orders"}},
                   "spec": {"serviceAccountName": "orders-sa", "containers": [%s]}}""".formatted(containerJson) : """
                  {"kind": "%s", "metadata": {"name": "orders"}, "spec": {"template": %s}}""".formatted(kind, template);
        return WorkloadParser.parse(JSON.readTree(object))
                .orElseThrow()
                .containers()
                .get(0);
    }

    @Test
    void envFromKeysTakeTheirPrefixAndALaterSourceWins() throws IOException {
        Workload.Container c = container("Deployment", """
                {"name": "app", "image": "alpine:3.17",
                 "envFrom": [{"prefix": "DB_", "configMapRef": {"name": "db"}},
                             {"secretRef": {"name": "credentials"}},
                             {"configMapRef": {"name": "db-override"}}],
                 "args": ["--db=$(DB_HOST)", "--raw=$(HOST).example.org"]}""");
        ContainerEnv env = ContainerEnv.of(c, "shop", CONFIG_MAPS);
        assertThat(env.vars())
                .containsEntry("DB_HOST", "pg-replica.example.com")
                .doesNotContainKey("HOST");
        assertThat(env.args()).containsExactly("--db=pg-replica.example.com", "--raw=$(HOST).example.org");
        assertThat(NameExtractor.names(c, "shop", Map.of(), CONFIG_MAPS)).containsExactly("pg-replica.example.com");
    }

    @Test
    void aStatefulSetsPodNameIsItsFirstReplicasAndLabelsAndAccountAreKnown() throws IOException {
        String peers = """
                {"name": "app", "image": "alpine:3.17",
                 "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                         {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                         {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                         {"name": "SA", "valueFrom": {"fieldRef": {"fieldPath": "spec.serviceAccountName"}}},
                         {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                         {"name": "PEER", "value": "$(POD_NAME).$(APP)-peers.$(NS).svc.cluster.local"},
                         {"name": "WHO", "value": "$(SA)@$(IP)"}]}""";
        Workload.Container set = container("StatefulSet", peers);
        ContainerEnv env = ContainerEnv.of(set, "shop", NameExtractor.ConfigMaps.NONE);
        assertThat(env.values())
                .containsExactly(
                        "orders-0",
                        "shop",
                        "orders",
                        "orders-sa",
                        null,
                        "orders-0.orders-peers.shop.svc.cluster.local",
                        "orders-sa@$(IP)");
        assertThat(NameExtractor.names(set, "shop", Map.of(), NameExtractor.ConfigMaps.NONE))
                .containsExactly("orders-0.orders-peers.shop.svc.cluster.local");

        assertThat(ContainerEnv.of(container("Pod", peers), "shop", NameExtractor.ConfigMaps.NONE)
                        .values()
                        .get(5))
                .isEqualTo("orders-debug.orders-peers.shop.svc.cluster.local");
        Workload.Container deployment = container("Deployment", peers);
        assertThat(ContainerEnv.of(deployment, "shop", NameExtractor.ConfigMaps.NONE)
                        .values()
                        .get(5))
                .as("a Deployment's pod names are random")
                .startsWith("$(POD_NAME).");
        assertThat(NameExtractor.names(deployment, "shop", Map.of(), NameExtractor.ConfigMaps.NONE))
                .isEmpty();
    }

    @Test
    void commandAndArgsAreExpandedAgainstTheWholeEnvironment() throws IOException {
        Workload.Container c = container("Deployment", """
                {"name": "app", "image": "alpine:3.17", "command": ["$(BIN)", "$$(BIN)"],
                 "args": ["$(LATER)"], "env": [{"name": "BIN", "value": "/usr/local/bin/app"},
                                              {"name": "LATER", "value": "x"}]}""");
        ContainerEnv env = ContainerEnv.of(c, "", NameExtractor.ConfigMaps.NONE);
        assertThat(env.command()).containsExactly("/usr/local/bin/app", "$(BIN)");
        assertThat(env.args()).containsExactly("x");
    }
}
