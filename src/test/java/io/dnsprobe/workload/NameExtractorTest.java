package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NameExtractorTest {

    private static Set<String> from(String key, String value) {
        Set<String> out = new LinkedHashSet<>();
        NameExtractor.fromValue(key, value, out);
        return out;
    }

    @Test
    void urlsOfAnySchemeAndHostPorts() {
        assertThat(from("DB_URL", "jdbc:postgresql://db.prod.example.com:5432/app?ssl=true"))
                .containsExactly("db.prod.example.com");
        assertThat(from("MONGO", "mongodb://user:pw@m1.example.com:27017,m2.example.com:27017/db"))
                .containsExactly("m1.example.com", "m2.example.com");
        assertThat(from("X", "https://api.example.com/v1")).containsExactly("api.example.com");
        assertThat(from("KAFKA", "kafka-0.kafka:9092,kafka-1.kafka:9092"))
                .containsExactly("kafka-0.kafka", "kafka-1.kafka");
        assertThat(from("X", "redis:6379"))
                .as("single label with a port is a host")
                .containsExactly("redis");
    }

    @Test
    void singleLabelsOnlyInHostPositions() {
        assertThat(from("DB_HOST", "postgres")).containsExactly("postgres");
        assertThat(from("LOG_LEVEL", "info")).isEmpty();
        assertThat(from("ENABLED", "true")).isEmpty();
        assertThat(from("", "--db-host=db.internal.example")).containsExactly("db.internal.example");
        assertThat(from("redis_addr", "cache")).as("host keys in any case").containsExactly("cache");
        assertThat(from("HOSTILE", "cache")).as("HOST must end the key").isEmpty();
        assertThat(from("KAFKA_BROKERS", "k0")).containsExactly("k0");
        assertThat(from("X", "https://api.example.com?x=1#frag")).containsExactly("api.example.com");
        assertThat(from("X", "db.example.com:5432#primary")).containsExactly("db.example.com");
    }

    @Test
    void noIpsFilesOrLocalhost() {
        assertThat(from("DB_HOST", "10.0.0.5")).isEmpty();
        assertThat(from("X", "http://10.0.0.5:8080/")).isEmpty();
        assertThat(from("X", "http://[fd00::1]:8080/")).isEmpty();
        assertThat(from("JAR", "app.jar config.yaml")).isEmpty();
        assertThat(from("X", "localhost:8080")).isEmpty();
        assertThat(from("X", "svc.ns.svc.cluster.local")).containsExactly("svc.ns.svc.cluster.local");
    }

    @Test
    void configMapsArgsAndTheAnnotationCount() {
        Workload.Container c = new Workload.Container(
                "app",
                "alpine:3.14",
                false,
                List.of(
                        new Workload.Env("DB_URL", null, "settings", "db-url"),
                        new Workload.Env("GONE", null, "missing", "x")),
                List.of(Workload.EnvFrom.configMap("more")),
                List.of("/bin/app"),
                List.of("--upstream", "api.example.com"));
        NameExtractor.ConfigMaps cms = (ns, name) -> switch (name) {
            case "settings" -> Optional.of(Map.of("db-url", "postgres://pg.example.com/app"));
            case "more" -> Optional.of(Map.of("CACHE_HOST", "memcached"));
            default -> Optional.empty();
        };
        assertThat(NameExtractor.names(
                        c, "shop", Map.of(NameExtractor.ANNOTATION, "extra.example.com, other.example.com"), cms))
                .containsExactly(
                        "pg.example.com", "memcached", "api.example.com", "extra.example.com", "other.example.com");
    }

    @Test
    void noEmptyPorts() {
        assertThat(from("JAVA_OPTS", "-Djava.security.egd=file:/dev/./urandom -Xmx512m"))
                .isEmpty();
        assertThat(from("MESSAGE", "Status code: 404")).isEmpty();
        assertThat(from("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"))
                .isEmpty();
        assertThat(from("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092")).containsExactly("kafka");
        assertThat(from("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093")).containsExactly("kafka");
        assertThat(from("X", "redis:")).isEmpty();
    }

    @Test
    void imageReferencesLocalesClassNamesAndFeatureGatesAreNotHosts() {
        assertThat(from("", "--image=quay.io/prometheus/node-exporter:v1.8.0")).isEmpty();
        assertThat(from(
                        "",
                        "--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.75.0"))
                .as("an image by its shape, whatever the flag")
                .isEmpty();
        assertThat(from("", "registry.example.com/team/app@sha256:" + "a".repeat(64)))
                .isEmpty();
        assertThat(from("SIDECAR_IMAGE", "registry.example.com/sidecar")).isEmpty();
        assertThat(from("LANG", "en_US.UTF-8")).isEmpty();
        assertThat(from("LC_ALL", "C.UTF-8")).isEmpty();
        assertThat(from("", "-Dfile.encoding=C.UTF-8 -Duser.locale=en_US.UTF-8"))
                .isEmpty();
        assertThat(from("CASSANDRA_SEED_PROVIDER", "io.k8s.cassandra.KubernetesSeedProvider"))
                .isEmpty();
        assertThat(from("", "org.apache.kafka.connect.cli.ConnectDistributed")).isEmpty();
        assertThat(from("JAVA_MAIN", "com.example.Main")).isEmpty();
        assertThat(from("", "-javaagent:/app/agent.jar -Dotel.javaagent.extensions=org.example.ext"))
                .isEmpty();
        assertThat(from("", "--feature-gates=Foo=true,Bar=false")).isEmpty();
        assertThat(from("", "--feature-gates=service.profilesSupport")).isEmpty();
        assertThat(from("", "--feature-gates=telemetry.disablehighcardinalitymetrics"))
                .as("by the flag")
                .isEmpty();
        assertThat(from("FEATURE_GATES", "component.UseLocalHostAsDefaultHost")).isEmpty();
        assertThat(from("", "vllm.entrypoints.openai.api_server")).isEmpty();
        // ... and what looks like them but is a host still counts.
        assertThat(from("", "--upstream=api.example.com --db=db.example.com:5432/app"))
                .containsExactly("api.example.com", "db.example.com");
        assertThat(from("", "_grpc._tcp.api.example.com")).containsExactly("_grpc._tcp.api.example.com");
        assertThat(from("DB_URL", "jdbc:sqlserver://DB.Example.com:1433")).containsExactly("db.example.com");
        assertThat(from("REGISTRY_HOST", "registry.example.com")).containsExactly("registry.example.com");
        assertThat(from("IMAGE_PROVIDER_HOST", "image-provider"))
                .as("the OpenTelemetry demo's")
                .containsExactly("image-provider");
    }

    private static Workload.Container container(List<Workload.Env> env, List<String> command, List<String> args) {
        return new Workload.Container("app", "alpine:3.19", false, env, List.of(), command, args);
    }

    private static Set<String> names(Workload.Container c) {
        return NameExtractor.names(c, "shop", Map.of(), (ns, n) -> Optional.empty());
    }

    @Test
    void referencesExpandAsTheKubeletExpandsThem() {
        Workload.Container c = container(
                List.of(
                        new Workload.Env("COLLECTOR", "otel-collector", null, null),
                        new Workload.Env("OTLP_ENDPOINT", "http://$(COLLECTOR):4318", null, null),
                        new Workload.Env("ZONE", "example.com", null, null),
                        new Workload.Env("API", "api.$(ZONE)", null, null),
                        new Workload.Env("API_URL", "https://$(API)/v1", null, null),
                        new Workload.Env("EARLY_URL", "http://$(LATE):80", null, null),
                        new Workload.Env("LATE", "later", null, null),
                        new Workload.Env("ESCAPED_URL", "http://$$(ZONE).x.example.org", null, null),
                        new Workload.Env("POD_NAMESPACE", null, null, null, "metadata.namespace"),
                        new Workload.Env("POD_IP", null, null, null, "status.podIP"),
                        new Workload.Env("KAFKA", "kafka.$(POD_NAMESPACE).svc.cluster.local:9092", null, null),
                        new Workload.Env("PEER", "http://$(POD_IP):8080", null, null)),
                List.of("/bin/app", "--cache=$(CACHE_HOST)"),
                List.of("--collector=$(COLLECTOR):4317"));
        assertThat(names(c))
                .as("env sees the vars before it only")
                .containsExactly("otel-collector", "example.com", "api.example.com", "kafka.shop.svc.cluster.local");
        Workload.Container args = container(c.env(), List.of(), List.of("--late=$(LATE):81"));
        assertThat(names(args)).as("args see them all").contains("later");
        assertThat(names(c))
                .as("undefined, escaped and unknown references stay as written, so name nothing")
                .noneMatch(n -> n.contains("$") || n.contains("("))
                .doesNotContain("zone.x.example.org");
    }

    @Test
    void configMapValuesFeedReferencesButAreNotExpandedThemselves() {
        Workload.Container c = new Workload.Container(
                "app",
                "alpine:3.19",
                false,
                List.of(
                        new Workload.Env("DB", null, "settings", "db"),
                        new Workload.Env("DB_URL", "postgres://$(DB):5432/app", null, null),
                        new Workload.Env("RAW", null, "settings", "raw")),
                List.of(Workload.EnvFrom.configMap("more")),
                List.of(),
                List.of("--search=$(SEARCH_HOST)"));
        NameExtractor.ConfigMaps cms = (ns, name) -> switch (name) {
            case "settings" -> Optional.of(Map.of("db", "pg.example.com", "raw", "http://$(DB).example.org"));
            case "more" -> Optional.of(Map.of("SEARCH_HOST", "search.example.com"));
            default -> Optional.empty();
        };
        assertThat(NameExtractor.names(c, "shop", Map.of(), cms))
                .containsExactly("pg.example.com", "search.example.com");
    }
}
