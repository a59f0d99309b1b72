package io.dnsprobe.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dnsprobe.testing.BoundedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitoring files as they are installed: config/prometheus and config/grafana rendered by the real
 * kubectl (kustomize built in), so the tests see what {@code kubectl apply -k} would send, and the rule
 * groups taken out of the PrometheusRule for promtool and Prometheus, which do not read the resource.
 */
final class MonitoringFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DASHBOARD = Path.of("config/grafana/dnsprobe-dashboard.json");

    private MonitoringFiles() {}

    static List<JsonNode> kustomize(String dir) throws IOException, InterruptedException {
        Path kubectl = Path.of("/usr/bin/kubectl");
        assertThat(kubectl)
                .as("kubectl renders config/ (it is on these machines)")
                .isExecutable();
        BoundedProcess.Result r =
                BoundedProcess.run(List.of(kubectl.toString(), "kustomize", dir), Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.out()).isZero();
        List<JsonNode> objects = new ArrayList<>();
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(r.out())) {
            while (docs.hasNext()) {
                objects.add(docs.next());
            }
        }
        return objects;
    }

    static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    /** The PrometheusRule's spec, which is exactly a Prometheus rules file ({@code groups: [...]}). */
    static JsonNode ruleGroups() throws IOException, InterruptedException {
        return only(kustomize("config/prometheus"), "PrometheusRule").path("spec");
    }

    /** Every alerting rule of every group. */
    static List<JsonNode> alerts(JsonNode groups) {
        List<JsonNode> alerts = new ArrayList<>();
        groups.path("groups")
                .forEach(g -> g.path("rules").forEach(r -> {
                    if (r.has("alert")) {
                        alerts.add(r);
                    }
                }));
        return alerts;
    }

    /** The rule groups with every {@code for} set to {@code duration}: a test Prometheus need not wait 15 minutes. */
    static String rulesWithFor(JsonNode groups, String duration) throws IOException {
        JsonNode copy = groups.deepCopy();
        alerts(copy).forEach(r -> ((ObjectNode) r).put("for", duration));
        return YAML.writeValueAsString(copy);
    }

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(Files.readString(DASHBOARD));
    }

    /** Every query of the dashboard: panel title and expression. */
    static List<String[]> dashboardQueries(JsonNode dashboard) {
        List<String[]> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new String[] {
                    panel.path("title").asText(), target.path("expr").asText()
                });
            }
        }
        return queries;
    }
}
