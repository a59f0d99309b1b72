package io.dnsprobe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.api.DnsReportStatus.NameReport;
import io.dnsprobe.libc.ModelId;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.report.Kept;
import io.dnsprobe.workload.ContainerLibc;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Typed inside, the same strings on the wire: what the operator writes and reads with the client's own
 * mapper. A value this version does not know (a newer operator's, or a hand edit) is skipped, never a
 * failure to read the whole object.
 */
class WireFormatTest {

    @Test
    void modelsVerdictsAndKeptCountsAreWrittenAsTheirWords() throws Exception {
        NameResult r = new NameResult(
                "vis.company.com",
                "10.0.0.10",
                "vis.company.com",
                497,
                673,
                List.of("A"),
                List.of(new Kept("A", 29, 40), new Kept("AAAA", 0, -1)),
                List.of(
                        new ModelVerdict(ModelId.MUSL_1_2_4_GIT20230717, VerdictKind.FAILS, "EAI_NODATA", "why"),
                        new ModelVerdict(ModelId.GLIBC, VerdictKind.OK, "40 addresses", "fine")),
                null);
        JsonNode json = Serialization.jsonMapper().valueToTree(r);
        assertThat(json.get("kept").toString()).isEqualTo("[\"A 29/40\",\"AAAA 0/?\"]");
        assertThat(json.at("/verdicts/0/model").asText()).isEqualTo("musl-1.2.4_git20230717");
        assertThat(json.at("/verdicts/0/verdict").asText()).isEqualTo("FAILS");
        assertThat(json.at("/verdicts/1/model").asText()).isEqualTo("glibc");
        assertThat(Serialization.jsonMapper().treeToValue(json, NameResult.class))
                .isEqualTo(r);

        NameReport report =
                new NameReport("db", List.of("app"), NameReport.Verdict.UNKNOWN, MuslVersion.V1_2_4, null, null);
        JsonNode reportJson = Serialization.jsonMapper().valueToTree(report);
        assertThat(reportJson.get("verdict").asText()).isEqualTo("UNKNOWN");
        assertThat(reportJson.get("model").asText()).isEqualTo("musl-1.2.4");
        assertThat(Serialization.jsonMapper().treeToValue(reportJson, NameReport.class))
                .isEqualTo(report);
    }

    @Test
    void aContainersLibcSourceIsWrittenAsTheWordTheReportSchemaNames() throws Exception {
        // One word per source, made in one place for the DnsReport and `check --json` (which wrote
        // image_lower_layers where the report wrote image-lower-layers), and each named in the CRD's description.
        String described = DnsReportStatus.ContainerReport.class
                .getRecordComponents()[3]
                .getAccessor()
                .getAnnotation(JsonPropertyDescription.class)
                .value();
        assertThat(DnsReportStatus.ContainerReport.class.getRecordComponents()[3].getName())
                .isEqualTo("source");
        for (ContainerLibc.Source source : ContainerLibc.Source.values()) {
            assertThat(source.id()).matches("[a-z]+(-[a-z]+)*");
            assertThat(described).contains(source.id());
        }
        assertThat(ContainerLibc.Source.IMAGE_LOWER_LAYERS.id()).isEqualTo("image-lower-layers");
    }

    @Test
    void wordsThisVersionDoesNotKnowAreSkippedNotFatal() throws Exception {
        String written = """
                {"name": "a", "kept": ["A 29/40", "A lots/40", "MX 1/2/3"],
                 "verdicts": [{"model": "musl-9.9", "verdict": "FAILS"}, {"model": "glibc", "verdict": "MAYBE"}]}""";
        NameResult r = Serialization.jsonMapper().readValue(written, NameResult.class);
        assertThat(r.kept()).containsExactly(new Kept("A", 29, 40));
        assertThat(r.verdicts()).extracting(ModelVerdict::model).containsExactly(null, ModelId.GLIBC);
        assertThat(r.verdicts()).extracting(ModelVerdict::verdict).containsExactly(VerdictKind.FAILS, null);

        NameReport report = Serialization.jsonMapper()
                .readValue("{\"verdict\": \"WORSE\", \"model\": \"musl-2\"}", NameReport.class);
        assertThat(report.verdict()).isEqualTo(NameReport.Verdict.UNKNOWN);
        assertThat(report.model()).isNull();
    }

    @Test
    void keptHasOneParserForWhatItWrites() {
        for (Kept k : List.of(new Kept("A", 29, 40), new Kept("AAAA", 0, -1), new Kept("A", -1, 64))) {
            assertThat(Kept.parse(k.toString())).contains(k);
        }
        assertThat(Kept.parse("A 29/40 ")).isEmpty();
        assertThat(Kept.parse("a 1/2")).isEmpty();
        assertThat(Kept.parse("A 123456/2")).isEmpty();
        assertThat(Kept.parse(null)).isEmpty();
    }
}
