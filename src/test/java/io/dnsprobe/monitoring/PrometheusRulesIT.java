package io.dnsprobe.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.testing.BoundedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules as installed ({@code kubectl kustomize config/prometheus}), checked and unit-tested by
 * the real promtool, and the ServiceMonitor checked against the Service and Deployment of config/default.
 *
 * <p>promtool reads plain rules files, not the PrometheusRule resource: the resource's {@code spec} is exactly
 * such a file, so it is written to target/prometheus/dnsprobe-alerts.rules.yaml beside a copy of
 * config/prometheus/tests/dnsprobe-alerts.test.yaml, which names it. The resource stays the one source.
 */
class PrometheusRulesIT {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path WORK = Path.of("target/prometheus");
    private static final Path UNIT_TESTS = Path.of("config/prometheus/tests/dnsprobe-alerts.test.yaml");
    private static final String RUNBOOK = "https://github.com/dnsprobe/dnsprobe/blob/main/";
    private static final Path RUNBOOKS = Path.of("docs/runbooks");
    private static final List<String> RUNBOOK_SECTIONS =
            List.of("## Meaning", "## Impact", "## Diagnosis", "## Mitigation");
    private static JsonNode groups;

    @BeforeAll
    static void extractRules() throws Exception {
        groups = MonitoringFiles.ruleGroups();
        Files.createDirectories(WORK);
        Files.writeString(WORK.resolve("dnsprobe-alerts.rules.yaml"), MonitoringFiles.YAML.writeValueAsString(groups));
        Files.copy(
                UNIT_TESTS, WORK.resolve(UNIT_TESTS.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static BoundedProcess.Result promtool(String... args) throws Exception {
        assertThat(PROMTOOL)
                .as("promtool is installed by .ci/install-deps (Debian package prometheus)")
                .isExecutable();
        List<String> cmd = new ArrayList<>(List.of(PROMTOOL.toString()));
        cmd.addAll(List.of(args));
        return BoundedProcess.run(
                new ProcessBuilder(cmd).directory(WORK.toFile()).redirectErrorStream(true), Duration.ofSeconds(60));
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        BoundedProcess.Result r = promtool("check", "rules", "dnsprobe-alerts.rules.yaml");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out())
                .contains("SUCCESS: " + MonitoringFiles.alerts(groups).size() + " rules found");
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        BoundedProcess.Result r =
                promtool("test", "rules", UNIT_TESTS.getFileName().toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasACaseThatFiresAndOneThatStaysQuiet() throws IOException {
        JsonNode tests = MonitoringFiles.YAML.readTree(UNIT_TESTS.toFile());
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode c : test.path("alert_rule_test")) {
                (c.path("exp_alerts").isEmpty() ? quiet : fires)
                        .add(c.path("alertname").asText());
            }
        }
        Set<String> alerts = MonitoringFiles.alerts(groups).stream()
                .map(a -> a.path("alert").asText())
                .collect(Collectors.toSet());
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(8);
        assertThat(fires).as("alerts with a firing case").containsAll(alerts);
        assertThat(quiet).as("alerts with a quiet case").containsAll(alerts);
    }

    @Test
    void everyAlertHasASeveritySaysWhatItIsAbout() {
        for (JsonNode a : MonitoringFiles.alerts(groups)) {
            String name = a.path("alert").asText();
            assertThat(a.at("/labels/severity").asText()).as(name).isIn("critical", "warning", "info");
            assertThat(a.at("/annotations/summary").asText()).as(name).isNotBlank();
            String description = a.at("/annotations/description").asText();
            assertThat(description).as(name).isNotBlank();
            String expr = a.path("expr").asText();
            Set<String> outputLabels = PromQl.groupingLabels(expr);
            if (outputLabels.contains("dnsprobe")) {
                assertThat(description)
                        .as(name + " names its DnsProbe")
                        .contains("{{ $labels.namespace }}/{{ $labels.dnsprobe }}");
            }
            // A label the expression aggregates away renders as an empty string: every one used must survive.
            Matcher used = Pattern.compile("\\$labels\\.([a-zA-Z_]+)")
                    .matcher(a.path("annotations").toString());
            while (used.find()) {
                assertThat(outputLabels)
                        .as(name + " uses $labels." + used.group(1))
                        .contains(used.group(1));
            }
        }
    }

    @Test
    void everyAlertLinksItsOwnRunbookPage() throws IOException {
        Set<String> alerts = new HashSet<>();
        for (JsonNode a : MonitoringFiles.alerts(groups)) {
            String name = a.path("alert").asText();
            alerts.add(name);
            Path page = RUNBOOKS.resolve(name + ".md");
            assertThat(a.at("/annotations/runbook_url").asText()).as(name).isEqualTo(RUNBOOK + page);
            assertThat(page).as("runbook of " + name).isRegularFile();
            List<String> lines = Files.readAllLines(page);
            assertThat(lines.get(0)).as(page + " starts with its alert").isEqualTo("# " + name);
            assertThat(lines.stream().filter(RUNBOOK_SECTIONS::contains).toList())
                    .as(page + " sections, in order")
                    .isEqualTo(RUNBOOK_SECTIONS);
        }
        try (Stream<Path> pages = Files.list(RUNBOOKS)) {
            Set<String> named = pages.map(p -> p.getFileName().toString())
                    .filter(f -> !f.equals("README.md"))
                    .map(f -> f.replaceFirst("\\.md$", ""))
                    .collect(Collectors.toSet());
            assertThat(named).as("runbook pages of alerts that exist").isEqualTo(alerts);
        }
    }

    @Test
    void theServiceMonitorScrapesTheOperatorsMetricsPort() throws Exception {
        List<JsonNode> monitoring = MonitoringFiles.kustomize("config/prometheus");
        List<JsonNode> install = MonitoringFiles.kustomize("config/default");
        JsonNode monitor = MonitoringFiles.only(monitoring, "ServiceMonitor");
        String namespace = monitor.at("/metadata/namespace").asText();
        assertThat(MonitoringFiles.only(monitoring, "PrometheusRule")
                        .at("/metadata/namespace")
                        .asText())
                .isEqualTo(namespace);

        // It selects exactly the operator's Service, in its own namespace.
        JsonNode selector = monitor.at("/spec/selector/matchLabels");
        List<JsonNode> selected = install.stream()
                .filter(o -> o.path("kind").asText().equals("Service"))
                .filter(s -> s.at("/metadata/namespace").asText().equals(namespace))
                .filter(s -> {
                    List<String> misses = new ArrayList<>();
                    selector.fields().forEachRemaining(e -> {
                        if (!s.at("/metadata/labels/" + e.getKey().replace("/", "~1"))
                                .asText()
                                .equals(e.getValue().asText())) {
                            misses.add(e.getKey());
                        }
                    });
                    return misses.isEmpty();
                })
                .toList();
        assertThat(selected).as("Services the ServiceMonitor selects").hasSize(1);
        JsonNode service = selected.get(0);

        // Its endpoint: a port of that Service, whose target is the container port serving /q/metrics.
        JsonNode endpoint = monitor.at("/spec/endpoints/0");
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(endpoint.path("scheme").asText("http")).isEqualTo("http");
        assertThat(endpoint.path("honorLabels").asBoolean())
                .as("keeps the DnsProbe's namespace label")
                .isTrue();
        JsonNode port = null;
        for (JsonNode p : service.at("/spec/ports")) {
            if (p.path("name").asText().equals(endpoint.path("port").asText())) {
                port = p;
            }
        }
        assertThat(port).as("Service port " + endpoint.path("port")).isNotNull();
        JsonNode deployment = MonitoringFiles.only(install, "Deployment");
        JsonNode containerPort = null;
        for (JsonNode p : deployment.at("/spec/template/spec/containers/0/ports")) {
            if (p.path("name").asText().equals(port.path("targetPort").asText())) {
                containerPort = p;
            }
        }
        assertThat(containerPort)
                .as("container port " + port.path("targetPort"))
                .isNotNull();
        Properties app = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        assertThat(containerPort.path("containerPort").asText())
                .as("the plain HTTP port serving /q/metrics")
                .isEqualTo(app.getProperty("quarkus.http.port"));
    }
}
