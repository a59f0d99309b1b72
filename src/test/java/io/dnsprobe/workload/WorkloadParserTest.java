package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POD_SPEC = "{\"containers\": [{\"name\": \"app\", \"image\": \"alpine:3.19\"}],"
            + " \"initContainers\": [{\"name\": \"init\", \"image\": \"busybox\"}]}";

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Pod                   | {\"spec\": %s}",
                "Deployment            | {\"spec\": {\"template\": {\"spec\": %s}}}",
                "StatefulSet           | {\"spec\": {\"template\": {\"spec\": %s}}}",
                "DaemonSet             | {\"spec\": {\"template\": {\"spec\": %s}}}",
                "ReplicaSet            | {\"spec\": {\"template\": {\"spec\": %s}}}",
                "ReplicationController | {\"spec\": {\"template\": {\"spec\": %s}}}",
                "Job                   | {\"spec\": {\"template\": {\"spec\": %s}}}",
                "CronJob               | {\"spec\": {\"jobTemplate\": {\"spec\": {\"template\": {\"spec\": %s}}}}}",
                "PodTemplate           | {\"template\": {\"spec\": %s}}"
            })
    void everyKindWithAPodTemplateGivesItsContainers(String kind, String shape) throws IOException {
        JsonNode object = JSON.readTree(shape.formatted(POD_SPEC));
        ((ObjectNode) object).put("kind", kind).putObject("metadata").put("name", "w");
        Workload w = WorkloadParser.parse(object).orElseThrow();
        assertThat(w.kind()).isEqualTo(kind);
        assertThat(w.containers()).extracting(Workload.Container::name).containsExactly("init", "app");
        assertThat(WorkloadParser.KINDS).contains(kind);
    }

    @Test
    void kindsWithoutPodsGiveNothing() throws IOException {
        assertThat(WorkloadParser.parse(JSON.readTree("{\"kind\": \"Service\", \"spec\": {\"template\": {}}}")))
                .isEmpty();
        assertThat(WorkloadParser.parse(JSON.readTree("[1]"))).isEmpty();
    }

    @Test
    void skippedKindsAreNamedInOneLine() {
        SkippedKinds none = new SkippedKinds();
        assertThat(none.summary()).isEmpty();
        SkippedKinds s = new SkippedKinds();
        for (String k :
                List.of("Service", "ConfigMap", "Service", "ConfigMap", "ServiceAccount", "Service", "x\u001b[2J")) {
            s.add(k);
        }
        assertThat(s.summary())
                .isEqualTo("skipped 4 kinds without pods: ConfigMap (2), Service (3), "
                        + "ServiceAccount (1), x\\u001b[2J (1)");
        SkippedKinds many = new SkippedKinds();
        for (int i = 0; i < SkippedKinds.NAMED + 3; i++) {
            many.add("Kind" + (char) ('A' + i));
        }
        assertThat(many.summary())
                .startsWith("skipped 15 kinds without pods: KindA (1), KindB (1)")
                .endsWith("KindL (1), and 3 more");
    }
}
