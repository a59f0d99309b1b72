package io.dnsprobe.cli;

import static io.dnsprobe.cli.Run.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.dnsprobe.testing.registry.DockerRegistry;
import io.dnsprobe.testing.registry.ImagePusher;
import io.dnsprobe.testing.registry.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dnsprobe image} and {@code dnsprobe check} against a real registry with basic auth. */
class ImageCommandIT {
    private static final String USER = "ci";
    private static final String PASSWORD = "p:a:s:s";
    private static DockerRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        registry = DockerRegistry.builder().htpasswd(USER, PASSWORD).start();
        ImagePusher pusher = new ImagePusher(registry);
        pusher.push("acme/orders", "1.4", TestImages.image("acme/orders:1.4"));
        pusher.push("acme/gateway", "2.0", TestImages.image("acme/gateway:2.0"));
        pusher.push("multi/app", "1", TestImages.index("multi/app:1"));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static Path dockerConfig(Path dir, String password) throws Exception {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("config.json");
        Files.writeString(
                file,
                "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}},\"credsStore\":\"desktop\"}");
        return file;
    }

    private static Run image(Path config, String... refs) {
        String[] args = new String[refs.length + 5];
        args[0] = "image";
        args[1] = "--insecure-registry";
        args[2] = registry.host();
        args[3] = "--registry-config";
        args[4] = config.toString();
        System.arraycopy(refs, 0, args, 5, refs.length);
        return run(args);
    }

    @Test
    void printsTheLibcAndTheFileAndLayerThatSaySo(@TempDir Path dir) throws Exception {
        String orders = registry.host() + "/acme/orders:1.4";
        Run r = image(dockerConfig(dir, PASSWORD), orders, registry.host() + "/acme/gateway:2.0");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out().lines())
                .contains(
                        orders + "  musl 1.2.3 (Alpine 3.16.2)  lib/apk/db/installed, layer 1/2",
                        "  program /app/orders.sh is a script (/bin/sh): judged by the image's libc");
        assertThat(r.out())
                .contains("program /usr/local/bin/gateway is Go (go1.")
                .contains("Go's own resolver retries over TCP");
        assertThat(r.err())
                .as("credential helpers are said to be unsupported, once")
                .contains("credential helpers");

        Run json = run(
                "image",
                "--json",
                "--insecure-registry",
                registry.host(),
                "--registry-config",
                dockerConfig(dir, PASSWORD).toString(),
                "--platform",
                "linux/arm64",
                registry.host() + "/multi/app:1");
        JsonNode first = new ObjectMapper().readTree(json.out()).get(0);
        assertThat(first.at("/libc/label").asText()).isEqualTo("musl 1.2.5");
        assertThat(first.at("/libc/model").asText()).isEqualTo("musl-1.2.5");
        assertThat(first.at("/platform").asText()).isEqualTo("linux/arm64/v8");
        assertThat(first.at("/evidence/file").asText()).isEqualTo("lib/apk/db/installed");
    }

    @Test
    void imagesThatCannotBeReadExitTwoWithTheReason(@TempDir Path dir) throws Exception {
        Run missing = image(dockerConfig(dir, PASSWORD), registry.host() + "/acme/nope:1");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(missing.out().strip()).isEqualTo(registry.host() + "/acme/nope:1  unknown  not found");
        assertThat(missing.err())
                .contains(
                        "dnsprobe: " + registry.host() + "/acme/nope:1: registry " + registry.host() + " answered 404")
                .doesNotContain("Exception");

        Run wrong = image(dockerConfig(dir, "wrong"), registry.host() + "/acme/orders:1.4");
        assertThat(wrong.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(wrong.err()).contains("refused the credentials of user ci").doesNotContain("wrong");

        Run unreachable = image(dockerConfig(dir, PASSWORD), "127.0.0.1:9/acme/orders:1.4");
        assertThat(unreachable.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(unreachable.err())
                .contains("dnsprobe: 127.0.0.1:9/acme/orders:1.4: cannot connect to registry "
                        + "127.0.0.1:9: connection refused");

        Run noConfig =
                run("image", "--registry-config", dir.resolve("absent.json").toString(), "x/y:1");
        assertThat(noConfig.exit()).isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
        assertThat(noConfig.err().strip())
                .isEqualTo("dnsprobe: --registry-config " + dir.resolve("absent.json") + ": no such file");
        Run badPlatform = run("image", "--platform", "amd64", "x/y:1");
        assertThat(badPlatform.err().strip()).startsWith("dnsprobe: --platform: 'amd64' is not a platform");
    }

    @Test
    void checkJudgesACustomNamedImageByItsFiles(@TempDir Path dir) throws Exception {
        Path manifests = dir.resolve("app.yaml");
        Files.writeString(manifests, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: %1$s/acme/orders:1.4
                          env: [{name: DB_URL, value: "jdbc:postgresql://big.test.example:5432/orders"}]
                        - name: gateway
                          image: %1$s/acme/gateway:2.0
                          env: [{name: UPSTREAM_URL, value: "http://big.test.example"}]
                """.formatted(registry.host()));
        Zone zone = new Zone().manyA("big.test.example", 40);
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zone, Truncation.EMPTY)) {
            String[] common = {
                "check",
                "-f",
                manifests.toString(),
                "--server",
                dns.address().toString(),
                "--no-search",
                "--insecure-registry",
                registry.host(),
                "--registry-config",
                dockerConfig(dir, PASSWORD).toString()
            };
            Run r = run(common);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FAILS);
            assertThat(r.out().lines())
                    .containsExactly(
                            "Warning: container app (" + registry.host()
                                    + "/acme/orders:1.4, musl 1.2.3): big.test.example fails, "
                                    + "UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)",
                            "deployment/orders (" + manifests + "): 1 DNS warning",
                            "  container gateway: program /usr/local/bin/gateway is Go (" + goVersion(r.out())
                                    + "): Go's own resolver retries over TCP",
                            "checked 1 workload, 2 containers: 1 warning",
                            "  images: 2 read",
                            "  libc: 2 known",
                            "  names: 1 judged",
                            "  unjudged: nothing");

            String[] noPull = CliTest.with(common, "--no-pull");
            Run names = run(noPull);
            assertThat(names.exit())
                    .as("by its name alone acme/orders is not known to be musl: not judged")
                    .isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(names.err()).contains("2 containers with names have an unknown libc");
            assertThat(run(CliTest.with(noPull, "--allow-unjudged=libc")).exit())
                    .isEqualTo(ExitCodes.OK);

            String[] wrong = common.clone();
            wrong[wrong.length - 1] = dockerConfig(dir, "wrong").toString();
            Run unreadable = run(wrong);
            assertThat(unreadable.exit())
                    .as("an unread image of a container with names")
                    .isEqualTo(ExitCodes.USAGE_OR_PROBE_ERROR);
            assertThat(unreadable.out())
                    .contains("  images: 0 read, 2 not read" + System.lineSeparator()
                            + "    1 not read: registry " + registry.host()
                            + " refused the credentials of user ci for acme/orders ("
                            + registry.host() + "/acme/orders:1.4)");
            assertThat(unreadable.err()).contains("dnsprobe: 2 images of containers with names not read (");
        }
    }

    private static String goVersion(String out) {
        int at = out.indexOf("(go1.");
        return out.substring(at + 1, out.indexOf(')', at));
    }
}
