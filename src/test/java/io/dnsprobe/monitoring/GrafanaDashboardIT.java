package io.dnsprobe.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as the Grafana sidecar gets it (config/grafana rendered by kubectl) and as a person imports
 * it: one data source variable, panels that do not overlap. Whether its queries name metrics the operator
 * exports, and return data from a real Prometheus, is {@link MonitoringIT}'s part.
 */
class GrafanaDashboardIT {

    @Test
    void theConfigMapCarriesTheDashboardForTheSidecar() throws Exception {
        JsonNode map = MonitoringFiles.only(MonitoringFiles.kustomize("config/grafana"), "ConfigMap");
        assertThat(map.at("/metadata/name").asText()).as("no hash suffix").isEqualTo("dnsprobe-dashboard");
        assertThat(map.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        JsonNode inMap = MonitoringFiles.JSON.readTree(
                map.at("/data/dnsprobe-dashboard.json").asText());
        assertThat(inMap).isEqualTo(MonitoringFiles.dashboard());
    }

    @Test
    void everyQueryUsesTheDataSourceVariable() throws Exception {
        JsonNode dashboard = MonitoringFiles.dashboard();
        JsonNode variable = null;
        for (JsonNode v : dashboard.at("/templating/list")) {
            if (v.path("name").asText().equals("datasource")) {
                variable = v;
            }
        }
        assertThat(variable).isNotNull();
        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");
        List<JsonNode> sources = new ArrayList<>(dashboard.findValues("datasource"));
        sources.remove(variable);
        assertThat(sources).isNotEmpty().allSatisfy(ds -> {
            assertThat(ds.path("type").asText()).isEqualTo("prometheus");
            assertThat(ds.path("uid").asText()).isEqualTo("${datasource}");
        });
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource"))
                    .as(panel.path("title").asText())
                    .isNotEmpty();
            assertThat(panel.path("targets"))
                    .as(panel.path("title").asText())
                    .isNotEmpty()
                    .allSatisfy(t -> assertThat(t.path("expr").asText()).isNotBlank());
        }
    }

    @Test
    void panelsHaveUniqueIdsAndDoNotOverlap() throws Exception {
        JsonNode panels = MonitoringFiles.dashboard().path("panels");
        Set<Integer> ids = new HashSet<>();
        Set<String> cells = new HashSet<>();
        for (JsonNode p : panels) {
            assertThat(ids.add(p.path("id").asInt())).as("id " + p.path("id")).isTrue();
            JsonNode g = p.path("gridPos");
            assertThat(g.path("x").asInt() + g.path("w").asInt())
                    .as(p.path("title").asText())
                    .isLessThanOrEqualTo(24);
            for (int x = g.path("x").asInt();
                    x < g.path("x").asInt() + g.path("w").asInt();
                    x++) {
                for (int y = g.path("y").asInt();
                        y < g.path("y").asInt() + g.path("h").asInt();
                        y++) {
                    assertThat(cells.add(x + "," + y))
                            .as(p.path("title").asText() + " overlaps at " + x + "," + y)
                            .isTrue();
                }
            }
        }
    }

    @Test
    void replySizesAreDrawnAgainstThe512ByteLineAndTruncationPerServer() throws Exception {
        JsonNode sizes = panel("Largest reply per name against the 512-byte UDP limit");
        assertThat(sizes.at("/fieldConfig/defaults/custom/thresholdsStyle/mode").asText())
                .isEqualTo("line");
        assertThat(sizes.at("/fieldConfig/defaults/thresholds/steps").findValuesAsText("value"))
                .contains("512");
        assertThat(sizes.at("/targets/0/expr").asText()).contains("dnsprobe_reply_bytes");
        JsonNode truncation = panel("Truncated UDP replies per server");
        assertThat(PromQl.groupingLabels(truncation.at("/targets/0/expr").asText()))
                .containsExactly("server");
    }

    private static JsonNode panel(String title) throws Exception {
        for (JsonNode p : MonitoringFiles.dashboard().path("panels")) {
            if (p.path("title").asText().equals(title)) {
                return p;
            }
        }
        throw new AssertionError("no panel " + title);
    }
}
