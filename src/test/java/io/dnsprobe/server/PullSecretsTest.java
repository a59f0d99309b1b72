package io.dnsprobe.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.image.Credential;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.testing.ApiServerDispatcher;
import io.dnsprobe.workload.Workload;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which pull secrets are read, from where, and only when opted in; against the fabric8 mock API server. */
class PullSecretsTest {
    private static final ImageRef IMAGE = ImageRef.parse("registry.corp/team/app:1");
    private KubernetesMockServer server;
    private NamespacedKubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new ApiServerDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        client = server.createClient();
        secret("dnsprobe-system", "dnsprobe-registry-credentials", "operator", "kubernetes.io/dockerconfigjson");
        secret("shop", "team-pull", "team", "kubernetes.io/dockerconfigjson");
        secret("shop", "sa-pull", "account", "kubernetes.io/dockercfg");
        secret("shop", "not-a-pull-secret", "x", "Opaque");
        client.resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withName("builder")
                        .withNamespace("shop")
                        .endMetadata()
                        .addNewImagePullSecret("sa-pull")
                        .build())
                .create();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private void secret(String ns, String name, String user, String type) {
        String auth = Base64.getEncoder().encodeToString((user + ":pw:" + user).getBytes(StandardCharsets.UTF_8));
        String auths = "{\"registry.corp\":{\"auth\":\"" + auth + "\"}}";
        boolean legacy = type.equals("kubernetes.io/dockercfg");
        String doc = legacy ? auths : "{\"auths\":" + auths + "}";
        String key = legacy ? ".dockercfg" : type.equals("Opaque") ? "password" : ".dockerconfigjson";
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .endMetadata()
                        .withType(type)
                        .withData(Map.of(key, Base64.getEncoder().encodeToString(doc.getBytes(StandardCharsets.UTF_8))))
                        .build())
                .create();
    }

    private static List<String> users(RegistryAuths auths) {
        return auths.forImage(IMAGE).stream().map(Credential::username).toList();
    }

    @Test
    void theOperatorsOwnSecretAlwaysTheWorkloadsOnlyWhenOptedIn() {
        Workload.Pull pull =
                new Workload.Pull(List.of("team-pull", "not-a-pull-secret", "missing"), "builder", Map.of());
        PullSecrets off = new PullSecrets(client, "dnsprobe-system", List.of("dnsprobe-registry-credentials"), false);
        assertThat(users(off.forWorkload("shop", pull))).containsExactly("operator");

        PullSecrets on = new PullSecrets(client, "dnsprobe-system", List.of("dnsprobe-registry-credentials"), true);
        RegistryAuths auths = on.forWorkload("shop", pull);
        assertThat(users(auths))
                .as("the workload's, its service account's (legacy dockercfg), then the operator's")
                .containsExactly("team", "account", "operator");
        assertThat(auths.forImage(IMAGE).get(0).password()).isEqualTo("pw:team");
        assertThat(users(on.forWorkload("other", new Workload.Pull(List.of("team-pull"), "", Map.of()))))
                .as("a Secret of another namespace is not the workload's")
                .containsExactly("operator");
    }
}
