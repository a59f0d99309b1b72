package io.dnsprobe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What kubectl shows for the committed CRDs (crds/, what users apply): columns in their declared order
 * with AGE last among those shown by default (wide ones after it, as kubectl's own kinds do), and one
 * category that lists both kinds. The build writes the order (CrdColumnOrder) and fails when crds/ is stale.
 */
class CrdPrinterColumnsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "dnsprobes.dnsprobe.io-v1.yml  | Names,Truncated,Musl-Fails,Max-Bytes,Last-Probe,Age | Musl-Partial,Ready,Reason",
                "dnsreports.dnsprobe.io-v1.yml | Kind,Workload,Libc,Names,Fails,Partial,Last-Audit,Age | Summary"
            })
    void columnsInDeclaredOrderWithAgeLast(String file, String shown, String wide) throws IOException {
        JsonNode crd = YAML.readTree(Path.of("crds", file).toFile());
        List<String> byDefault = new ArrayList<>();
        List<String> wideOnly = new ArrayList<>();
        for (JsonNode column : crd.at("/spec/versions/0/additionalPrinterColumns")) {
            (column.path("priority").asInt() == 0 ? byDefault : wideOnly)
                    .add(column.path("name").asText());
        }
        assertThat(String.join(",", byDefault)).isEqualTo(shown);
        assertThat(String.join(",", wideOnly)).isEqualTo(wide);
        assertThat(crd.at("/spec/names/categories").toString()).isEqualTo("[\"dnsaudit\"]");
    }

    @ParameterizedTest
    @CsvSource({"dnsprobes.dnsprobe.io-v1.yml", "dnsreports.dnsprobe.io-v1.yml"})
    void theCategoryShadowsNoResourceName(String file) throws IOException {
        JsonNode names = YAML.readTree(Path.of("crds", file).toFile()).at("/spec/names");
        List<String> resourceNames = new ArrayList<>(List.of(
                names.path("plural").asText(),
                names.path("singular").asText(),
                names.path("kind").asText().toLowerCase()));
        names.path("shortNames").forEach(n -> resourceNames.add(n.asText()));
        assertThat(resourceNames).doesNotContain("dnsaudit");
    }
}
