package io.dnsprobe.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.dnsprobe.certs.WebhookCertificates;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.testing.BoundedProcess;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl apply -k config/default} would create, rendered by the real kubectl (kustomize
 * built in) and checked for the fields an install depends on, and for names and namespaces that agree
 * across Service, Deployment, webhook configuration and RBAC.
 */
class KustomizeRenderIT {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<JsonNode> OBJECTS = new ArrayList<>();
    private static final List<JsonNode> CERT_MANAGER = new ArrayList<>();
    private static final List<JsonNode> PULL_SECRETS = new ArrayList<>();

    @BeforeAll
    static void render() throws Exception {
        OBJECTS.addAll(kustomize("config/default"));
        CERT_MANAGER.addAll(kustomize("config/certmanager"));
        PULL_SECRETS.addAll(kustomize("config/image-pull-secrets"));
    }

    private static List<JsonNode> kustomize(String dir) throws Exception {
        Path kubectl = Path.of("/usr/bin/kubectl");
        assertThat(kubectl)
                .as("kubectl renders config/ (it is on these machines)")
                .isExecutable();
        // Output to a file and a deadline over the whole run: a hung kubectl fails the test, it does not hang the
        // build.
        BoundedProcess.Result r =
                BoundedProcess.run(List.of(kubectl.toString(), "kustomize", dir), Duration.ofSeconds(60));
        String out = r.out();
        assertThat(r.exit()).as(out).isZero();
        List<JsonNode> objects = new ArrayList<>();
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
            while (docs.hasNext()) {
                objects.add(docs.next());
            }
        }
        return objects;
    }

    private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .build();
    private static final CelRuntime CEL_RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    /** Whether the API server would send this object: every matchCondition, evaluated as CEL. */
    private static boolean matches(JsonNode hook, String kind, String metadata) throws Exception {
        Map<String, Object> object = YAML.convertValue(
                YAML.readTree("{\"kind\": \"" + kind + "\", \"metadata\": " + metadata + "}"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
        Map<String, Object> request = Map.of("kind", Map.of("kind", kind), "operation", "CREATE");
        boolean all = true;
        for (JsonNode condition : hook.at("/matchConditions")) {
            Object result = CEL_RUNTIME
                    .createProgram(
                            CEL.compile(condition.path("expression").asText()).getAst())
                    .eval(Map.of("object", object, "request", request));
            all &= Boolean.TRUE.equals(result);
        }
        return all;
    }

    private static JsonNode one(String kind) {
        return one(OBJECTS, kind);
    }

    private static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    /**
     * The configuration the operator container would run with: application.properties in the prod profile,
     * then the Deployment's env (fieldRefs to the pod's namespace resolved), then the -D options in its
     * JAVA_TOOL_OPTIONS, read through the real {@link DnsprobeConfig} mapping with its {@code @WithDefault}s.
     * Whatever default the operator's code really uses is what the rendered objects are compared with.
     */
    private static SmallRyeConfig operatorConfig(JsonNode deployment) throws Exception {
        Map<String, String> env = new HashMap<>();
        Map<String, String> systemProperties = new HashMap<>();
        for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
            String fieldRef = e.at("/valueFrom/fieldRef/fieldPath").asText();
            String value = fieldRef.equals("metadata.namespace")
                    ? deployment.at("/metadata/namespace").asText()
                    : e.path("value").asText();
            env.put(e.path("name").asText(), value);
        }
        for (String option : env.getOrDefault("JAVA_TOOL_OPTIONS", "").trim().split("\\s+")) {
            if (option.startsWith("-D") && option.contains("=")) {
                systemProperties.put(
                        option.substring(2, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            }
        }
        return new SmallRyeConfigBuilder()
                .withProfile("prod")
                .withValidateUnknown(false)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(
                        new PropertiesConfigSource(
                                Path.of("src/main/resources/application.properties")
                                        .toUri()
                                        .toURL(),
                                250),
                        new EnvConfigSource(env, 300),
                        new PropertiesConfigSource(systemProperties, "JAVA_TOOL_OPTIONS", 400))
                .withMapping(DnsprobeConfig.class)
                .build();
    }

    /** The certificate settings as WebhookCertificateService builds them from that configuration. */
    private static WebhookCertificates.Settings certificateSettings(JsonNode deployment) throws Exception {
        DnsprobeConfig.Tls tls = operatorConfig(deployment)
                .getConfigMapping(DnsprobeConfig.class)
                .webhook()
                .tls();
        return new WebhookCertificates.Settings(
                tls.namespace().orElse(deployment.at("/metadata/namespace").asText()),
                tls.secretName(),
                tls.serviceName(),
                tls.webhookConfiguration(),
                Path.of(tls.dir()),
                tls.validity(),
                tls.renewBefore());
    }

    /** The container port a Service, probe or policy names, by name or number; -1 when there is none. */
    private static int containerPort(JsonNode deployment, JsonNode nameOrNumber) {
        for (JsonNode p : deployment.at("/spec/template/spec/containers/0/ports")) {
            if (nameOrNumber.isInt()
                    ? p.path("containerPort").asInt() == nameOrNumber.asInt()
                    : p.path("name").asText().equals(nameOrNumber.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return -1;
    }

    private static List<String> jvmFlags(String javaToolOptions) {
        return java.util.Arrays.stream(javaToolOptions.trim().split("\\s+"))
                .filter(o -> o.startsWith("-XX:"))
                .toList();
    }

    private static String env(JsonNode deployment, String name) {
        for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        return null;
    }

    @Test
    void everythingLandsInItsOwnNamespace() {
        assertThat(one("Namespace").at("/metadata/name").asText()).isEqualTo("dnsprobe-system");
        assertThat(one("Namespace")
                        .at("/metadata/labels/pod-security.kubernetes.io~1enforce")
                        .asText())
                .isEqualTo("restricted");
        for (JsonNode o : OBJECTS) {
            String kind = o.path("kind").asText();
            if (!Set.of(
                            "Namespace",
                            "CustomResourceDefinition",
                            "ClusterRole",
                            "ClusterRoleBinding",
                            "ValidatingWebhookConfiguration")
                    .contains(kind)) {
                assertThat(o.at("/metadata/namespace").asText()).as(kind).isEqualTo("dnsprobe-system");
            }
        }
        assertThat(OBJECTS.stream()
                        .filter(o -> o.path("kind").asText().equals("CustomResourceDefinition"))
                        .map(o -> o.at("/metadata/name").asText())
                        .toList())
                .containsExactlyInAnyOrder("dnsprobes.dnsprobe.io", "dnsreports.dnsprobe.io");
        assertThat(Files.exists(Path.of("config/samples/dnsprobe_v1alpha1_dnsprobe.yaml")))
                .isTrue();
    }

    @Test
    void theDeploymentRunsRestrictedWithProbesLimitsAndSpread() {
        JsonNode d = one("Deployment");
        JsonNode pod = d.at("/spec/template/spec");
        JsonNode c = pod.at("/containers/0");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean())
                .isFalse();
        assertThat(c.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
        assertThat(c.at("/resources/requests/memory").asText()).isNotEmpty();
        assertThat(c.at("/resources/limits/memory").asText()).isNotEmpty();
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(pod.at("/topologySpreadConstraints/0/topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        JsonNode pdb = one("PodDisruptionBudget");
        assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(d.at("/spec/selector/matchLabels"));
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
    }

    @Test
    void serviceDeploymentWebhookAndCertificatesAgree() throws Exception {
        JsonNode d = one("Deployment");
        JsonNode svc = one("Service");
        JsonNode vwc = one("ValidatingWebhookConfiguration");
        JsonNode podLabels = d.at("/spec/template/metadata/labels");
        svc.at("/spec/selector")
                .fields()
                .forEachRemaining(f -> assertThat(podLabels.path(f.getKey()).asText())
                        .as("service selects the pods")
                        .isEqualTo(f.getValue().asText()));
        JsonNode https = null;
        for (JsonNode port : svc.at("/spec/ports")) {
            if (port.path("port").asInt() == 443) {
                https = port;
            }
        }
        assertThat(https).isNotNull();
        String target = https.path("targetPort").asText();
        List<String> containerPorts = new ArrayList<>();
        d.at("/spec/template/spec/containers/0/ports")
                .forEach(p -> containerPorts.add(p.path("name").asText()));
        assertThat(containerPorts).contains(target);

        JsonNode hook = vwc.at("/webhooks/0");
        assertThat(hook.at("/clientConfig/service/name").asText())
                .isEqualTo(svc.at("/metadata/name").asText());
        assertThat(hook.at("/clientConfig/service/namespace").asText())
                .isEqualTo(svc.at("/metadata/namespace").asText());
        assertThat(hook.at("/clientConfig/service/path").asText()).isEqualTo("/validate");
        assertThat(hook.at("/failurePolicy").asText()).isEqualTo("Ignore");
        assertThat(hook.at("/sideEffects").asText()).isEqualTo("None");
        assertThat(hook.at("/timeoutSeconds").asInt()).isEqualTo(5);
        assertThat(hook.at("/admissionReviewVersions").toString()).isEqualTo("[\"v1\"]");
        Set<String> resources = new HashSet<>();
        hook.at("/rules").forEach(r -> r.path("resources").forEach(x -> resources.add(x.asText())));
        assertThat(resources)
                .containsExactlyInAnyOrder(
                        "pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs");
        hook.at("/rules")
                .forEach(r -> assertThat(r.path("operations").toString()).isEqualTo("[\"CREATE\",\"UPDATE\"]"));
        String excluded =
                hook.at("/namespaceSelector/matchExpressions/0/values").toString();
        assertThat(excluded)
                .contains("kube-system")
                .contains(svc.at("/metadata/namespace").asText());
        assertThat(hook.at("/matchConditions").size()).isGreaterThanOrEqualTo(1);
        assertThat(matches(hook, "Deployment", "{}")).isTrue();
        assertThat(matches(hook, "Pod", "{\"ownerReferences\": [{\"kind\": \"ReplicaSet\", \"controller\": true}]}"))
                .isFalse();
        assertThat(matches(
                        hook,
                        "ReplicaSet",
                        "{\"ownerReferences\": [{\"kind\": \"Deployment\", \"controller\": true}]}"))
                .isFalse();
        assertThat(matches(hook, "Job", "{\"ownerReferences\": [{\"kind\": \"CronJob\", \"controller\": true}]}"))
                .isFalse();
        assertThat(matches(hook, "Pod", "{\"ownerReferences\": [{\"kind\": \"Node\"}]}"))
                .as("an owner, not a controller")
                .isTrue();
        assertThat(matches(hook, "Deployment", "{\"annotations\": {\"dnsprobe.io/libc\": \"glibc\"}}"))
                .isFalse();
        assertThat(matches(hook, "Deployment", "{\"annotations\": {\"dnsprobe.io/libc\": \"musl\"}}"))
                .isTrue();

        // Operator-managed certificates: the names it writes, from the configuration it really runs with
        // (its defaults, application.properties, the Deployment's env), are the names RBAC allows and
        // kustomize renders.
        SmallRyeConfig config = operatorConfig(d);
        assertThat(config.getConfigMapping(DnsprobeConfig.class).webhook().tls().managed())
                .isTrue();
        WebhookCertificates.Settings settings = certificateSettings(d);
        assertThat(settings.serviceName())
                .as("dnsprobe.webhook.tls.service-name")
                .isEqualTo(svc.at("/metadata/name").asText());
        assertThat(settings.namespace()).isEqualTo(svc.at("/metadata/namespace").asText());
        assertThat(settings.dnsNames())
                .contains(hook.at("/clientConfig/service/name").asText() + "."
                        + hook.at("/clientConfig/service/namespace").asText() + ".svc");
        assertThat(settings.webhookConfiguration())
                .as("dnsprobe.webhook.tls.webhook-configuration")
                .isEqualTo(vwc.at("/metadata/name").asText());
        assertThat(one("ClusterRole").at("/rules").toString()).contains("\"" + settings.webhookConfiguration() + "\"");
        assertThat(one("Role").at("/rules").toString()).contains("\"" + settings.secretName() + "\"");
        // The HTTPS listener reads the files the operator writes, and listens on the port the Service targets.
        assertThat(config.getValue("quarkus.tls.key-store.pem.0.cert", String.class))
                .isEqualTo(settings.dir().resolve("tls.crt").toString());
        assertThat(config.getValue("quarkus.tls.key-store.pem.0.key", String.class))
                .isEqualTo(settings.dir().resolve("tls.key").toString());
        assertThat(config.getValue("quarkus.http.ssl-port", Integer.class))
                .isEqualTo(containerPort(d, https.path("targetPort")));
    }

    @Test
    void theNetworkPolicyAdmitsTheWebhookAndHealthPortsOnly() throws Exception {
        for (List<JsonNode> variant : List.of(OBJECTS, CERT_MANAGER)) {
            JsonNode policy = one(variant, "NetworkPolicy");
            JsonNode d = one(variant, "Deployment");
            JsonNode svc = one(variant, "Service");
            assertThat(policy.at("/metadata/namespace").asText())
                    .isEqualTo(d.at("/metadata/namespace").asText());
            // It selects the Deployment's pods: its labels are among theirs, and it is the Deployment's own selector.
            JsonNode podLabels = d.at("/spec/template/metadata/labels");
            JsonNode selector = policy.at("/spec/podSelector/matchLabels");
            assertThat(selector.size()).isPositive();
            selector.fields()
                    .forEachRemaining(f -> assertThat(podLabels.path(f.getKey()).asText())
                            .as("policy selects the pods")
                            .isEqualTo(f.getValue().asText()));
            assertThat(selector).isEqualTo(d.at("/spec/selector/matchLabels"));
            assertThat(policy.at("/spec/podSelector/matchExpressions").isMissingNode())
                    .isTrue();
            // Ingress only: egress (DNS probes, registries, the API server) stays open.
            assertThat(policy.at("/spec/policyTypes").toString()).isEqualTo("[\"Ingress\"]");

            Set<Integer> admitted = new HashSet<>();
            for (JsonNode rule : policy.at("/spec/ingress")) {
                assertThat(rule.path("ports").size())
                        .as("every rule names its ports")
                        .isPositive();
                for (JsonNode port : rule.path("ports")) {
                    assertThat(port.path("protocol").asText("TCP")).isEqualTo("TCP");
                    int number = containerPort(d, port.path("port"));
                    assertThat(number).as("a container port: " + port).isPositive();
                    admitted.add(number);
                    assertThat(rule.has("from"))
                            .as("port " + number + " is open to any source (the API server's and the "
                                    + "kubelet's addresses are not selectable)")
                            .isFalse();
                }
            }
            int https = containerPort(d, new com.fasterxml.jackson.databind.node.TextNode("https"));
            int http = containerPort(d, new com.fasterxml.jackson.databind.node.TextNode("http"));
            assertThat(admitted)
                    .as("the webhook's and the health/metrics ports, nothing else")
                    .containsExactlyInAnyOrder(https, http);
            assertThat(operatorConfig(d).getValue("quarkus.http.ssl-port", Integer.class))
                    .isEqualTo(https);
            for (JsonNode port : svc.at("/spec/ports")) {
                assertThat(admitted)
                        .as("Service port " + port.path("name").asText())
                        .contains(containerPort(d, port.path("targetPort")));
            }
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                assertThat(admitted)
                        .as(probe)
                        .contains(
                                containerPort(d, d.at("/spec/template/spec/containers/0/" + probe + "/httpGet/port")));
            }
        }
    }

    @Test
    void theCertManagerVariantMountsWhatCertManagerIssues() throws Exception {
        JsonNode d = one(CERT_MANAGER, "Deployment");
        JsonNode cert = one(CERT_MANAGER, "Certificate");
        JsonNode svc = one(CERT_MANAGER, "Service");
        JsonNode vwc = one(CERT_MANAGER, "ValidatingWebhookConfiguration");
        assertThat(env(d, "DNSPROBE_WEBHOOK_TLS_MANAGED")).isEqualTo("false");
        String secret = null;
        for (JsonNode v : d.at("/spec/template/spec/volumes")) {
            if (v.has("secret")) {
                secret = v.at("/secret/secretName").asText();
            }
        }
        assertThat(cert.at("/spec/secretName").asText()).isEqualTo(secret);
        assertThat(env(d, "JAVA_TOOL_OPTIONS")).contains("/etc/dnsprobe/tls/tls.crt");
        // The overlay replaces JAVA_TOOL_OPTIONS whole: the JVM's memory settings must survive that.
        assertThat(jvmFlags(env(d, "JAVA_TOOL_OPTIONS")))
                .isEqualTo(jvmFlags(env(one(OBJECTS, "Deployment"), "JAVA_TOOL_OPTIONS")))
                .contains("-XX:MaxRAMPercentage=60", "-XX:TrimNativeHeapInterval=60000");
        assertThat(d.at("/spec/template/spec/containers/0/volumeMounts").toString())
                .contains("/etc/dnsprobe/tls");
        assertThat(cert.at("/spec/dnsNames/0").asText())
                .isEqualTo(svc.at("/metadata/name").asText() + "."
                        + svc.at("/metadata/namespace").asText() + ".svc");
        // The operator does not issue here, but it reads the same names: its configuration agrees with cert-manager's.
        SmallRyeConfig config = operatorConfig(d);
        assertThat(config.getConfigMapping(DnsprobeConfig.class).webhook().tls().managed())
                .isFalse();
        WebhookCertificates.Settings settings = certificateSettings(d);
        assertThat(settings.secretName()).isEqualTo(secret);
        List<String> dnsNames = new ArrayList<>();
        cert.at("/spec/dnsNames").forEach(n -> dnsNames.add(n.asText()));
        assertThat(dnsNames).containsExactlyElementsOf(settings.dnsNames());
        String mount = null;
        for (JsonNode m : d.at("/spec/template/spec/containers/0/volumeMounts")) {
            if (m.path("name").asText().equals("tls")) {
                mount = m.path("mountPath").asText();
            }
        }
        assertThat(config.getValue("quarkus.tls.key-store.pem.0.cert", String.class))
                .isEqualTo(mount + "/tls.crt");
        assertThat(config.getValue("quarkus.tls.key-store.pem.0.key", String.class))
                .isEqualTo(mount + "/tls.key");
        assertThat(vwc.at("/metadata/annotations/cert-manager.io~1inject-ca-from")
                        .asText())
                .isEqualTo(cert.at("/metadata/namespace").asText() + "/"
                        + cert.at("/metadata/name").asText());
    }

    @Test
    void rbacBindsTheDeploymentsServiceAccountAndOnlyItsOwnSecret() {
        JsonNode d = one("Deployment");
        JsonNode sa = one("ServiceAccount");
        assertThat(d.at("/spec/template/spec/serviceAccountName").asText())
                .isEqualTo(sa.at("/metadata/name").asText());
        for (String binding : List.of("ClusterRoleBinding", "RoleBinding")) {
            JsonNode subject = one(binding).at("/subjects/0");
            assertThat(subject.path("name").asText())
                    .as(binding)
                    .isEqualTo(sa.at("/metadata/name").asText());
            assertThat(subject.path("namespace").asText())
                    .as(binding)
                    .isEqualTo(sa.at("/metadata/namespace").asText());
        }
        assertThat(one("ClusterRoleBinding").at("/roleRef/name").asText())
                .isEqualTo(one("ClusterRole").at("/metadata/name").asText());
        assertThat(one("RoleBinding").at("/roleRef/name").asText())
                .isEqualTo(one("Role").at("/metadata/name").asText());
        assertThat(one("ClusterRole").at("/rules").toString()).doesNotContain("secrets");
        for (String role : List.of("ClusterRole", "Role")) {
            one(role).at("/rules").forEach(r -> {
                assertThat(r.path("verbs").toString()).as(role).doesNotContain("*");
                if (!r.path("resources").toString().equals("[\"dnsreports\"]")) {
                    // Deleting is for the audit's own reports only.
                    assertThat(r.path("verbs").toString())
                            .as(role + " " + r.path("resources"))
                            .doesNotContain("delete");
                }
                if (r.path("resources").toString().contains("secrets")
                        && !r.path("verbs").toString().equals("[\"create\"]")) {
                    assertThat(r.path("resourceNames").toString())
                            .as("secrets beyond create are by name")
                            .isIn("[\"dnsprobe-webhook-tls\"]", "[\"dnsprobe-registry-credentials\"]");
                }
            });
        }
        // The registry credentials the operator reads are the ones its Role lets it get, and only get.
        String pullSecret = env(one("Deployment"), "DNSPROBE_IMAGE_PULL_SECRETS");
        assertThat(one("Role").at("/rules").toString())
                .contains("{\"apiGroups\":[\"\"],\"resourceNames\":[\"" + pullSecret
                        + "\"],\"resources\":[\"secrets\"],\"verbs\":[\"get\"]}");
        assertThat(one("ClusterRole").at("/rules").toString())
                .contains("{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"nodes\"],"
                        + "\"verbs\":[\"list\",\"watch\"]}");
    }

    @Test
    void workloadPullSecretsAreAnOptInOverlayWithGetOnly() {
        JsonNode d = one(PULL_SECRETS, "Deployment");
        assertThat(env(d, "DNSPROBE_IMAGE_WORKLOAD_PULL_SECRETS")).isEqualTo("true");
        assertThat(env(one("Deployment"), "DNSPROBE_IMAGE_WORKLOAD_PULL_SECRETS"))
                .as("off in config/default")
                .isNull();
        JsonNode role = PULL_SECRETS.stream()
                .filter(o -> o.at("/metadata/name").asText().equals("dnsprobe-workload-pull-secrets")
                        && o.path("kind").asText().equals("ClusterRole"))
                .findFirst()
                .orElseThrow();
        assertThat(role.at("/rules").toString())
                .isEqualTo("[{\"apiGroups\":[\"\"],\"resources\":[\"secrets\"],\"verbs\":[\"get\"]},"
                        + "{\"apiGroups\":[\"\"],\"resources\":[\"serviceaccounts\"],\"verbs\":[\"get\"]}]");
        JsonNode binding = PULL_SECRETS.stream()
                .filter(o -> o.path("kind").asText().equals("ClusterRoleBinding")
                        && o.at("/roleRef/name").asText().equals("dnsprobe-workload-pull-secrets"))
                .findFirst()
                .orElseThrow();
        JsonNode sa = one(PULL_SECRETS, "ServiceAccount");
        assertThat(binding.at("/subjects/0/name").asText())
                .isEqualTo(sa.at("/metadata/name").asText());
        assertThat(binding.at("/subjects/0/namespace").asText())
                .isEqualTo(sa.at("/metadata/namespace").asText());
    }
}
