package io.dnsprobe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD (crds/, what users apply) rejects what it should. No API server runs here, so
 * the structural schema is checked with a JSON Schema validator and the CEL rules with cel-java
 * (standard CEL with duration(), as the API server evaluates them).
 */
class CrdSchemaTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static JsonNode version;
    private static JsonSchema specSchema;

    @BeforeAll
    static void load() throws IOException {
        JsonNode crd =
                YAML.readTree(Path.of("crds", "dnsprobes.dnsprobe.io-v1.yml").toFile());
        version = crd.at("/spec/versions/0");
        JsonNode spec = version.at("/schema/openAPIV3Schema/properties/spec");
        specSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strip(spec.deepCopy()));
    }

    /** Kubernetes extensions are not JSON Schema keywords. */
    private static JsonNode strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("x-kubernetes-validations");
            o.elements().forEachRemaining(CrdSchemaTest::strip);
        } else if (node != null && node.isArray()) {
            node.forEach(CrdSchemaTest::strip);
        }
        return node;
    }

    private static JsonNode spec(String yaml) throws IOException {
        return YAML.readTree(yaml);
    }

    /** Every problem the API server would report: schema violations, then failed CEL rules. */
    @SuppressWarnings("unchecked")
    private static List<String> problems(JsonNode spec) throws Exception {
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : specSchema.validate(spec)) {
            out.add(m.getMessage());
        }
        if (!out.isEmpty()) {
            return out; // the API server runs CEL rules only on objects that pass the schema
        }
        Map<String, Object> self = YAML.convertValue(withDefaults(spec), Map.class);
        for (JsonNode rule : version.at("/schema/openAPIV3Schema/properties/spec/x-kubernetes-validations")) {
            Object result = RUNTIME.createProgram(
                            CEL.compile(rule.get("rule").asText()).getAst())
                    .eval(Map.of("self", self));
            if (!Boolean.TRUE.equals(result)) {
                out.add(rule.get("message").asText());
            }
        }
        return out;
    }

    /** The API server applies defaults before it runs CEL rules. */
    private static JsonNode withDefaults(JsonNode spec) {
        ObjectNode copy = spec.deepCopy();
        JsonNode props = version.at("/schema/openAPIV3Schema/properties/spec/properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().has("default") && !copy.has(f.getKey())) {
                copy.set(f.getKey(), f.getValue().get("default"));
            }
        }
        return copy;
    }

    @Test
    void aSensibleSpecPasses() throws Exception {
        assertThat(
                        problems(
                                spec(
                                        "names: [vis.company.com, postgres, kafka-headless.data, abs.example.]\n"
                                                + "servers: ['10.96.0.10', '10.96.0.11:53', '[fd00::10]:53']\ninterval: 1m30s\ntimeout: 500ms\n")))
                .isEmpty();
        assertThat(problems(spec("names: [db]\n")))
                .as("defaults 10m / 2s satisfy the rules")
                .isEmpty();
    }

    @Test
    void emptyOrMissingNamesAreRejected() throws Exception {
        assertThat(problems(spec("names: []\n"))).anyMatch(m -> m.contains("names"));
        assertThat(problems(spec("interval: 10m\n"))).anyMatch(m -> m.contains("names"));
        String many = IntStream.range(0, 101).mapToObj(i -> "n" + i).collect(Collectors.joining(", "));
        assertThat(problems(spec("names: [" + many + "]\n"))).anyMatch(m -> m.contains("names"));
    }

    @Test
    void invalidNamesAreRejected() throws Exception {
        for (String bad : List.of(
                "bad..name",
                "-lead.example",
                "trail-.example",
                "sp ace.example",
                "a/b",
                "x".repeat(64) + ".example",
                "")) {
            assertThat(problems(spec("names: ['" + bad + "']\n"))).as(bad).anyMatch(m -> m.contains("names[0]"));
        }
    }

    @Test
    void anIntervalBelowThirtySecondsOrATimeoutOutOfRangeIsRejected() throws Exception {
        assertThat(problems(spec("names: [db]\ninterval: 29s\n"))).containsExactly("interval must be at least 30s");
        assertThat(problems(spec("names: [db]\ninterval: 10 minutes\n"))).anyMatch(m -> m.contains("interval"));
        assertThat(problems(spec("names: [db]\ntimeout: 50ms\n")))
                .containsExactly("timeout must be between 100ms and 30s");
        assertThat(problems(spec("names: [db]\ninterval: 30s\ntimeout: 30s\n")))
                .containsExactly("timeout must be shorter than interval");
        assertThat(problems(spec("names: [db]\nndots: 16\n"))).anyMatch(m -> m.contains("ndots"));
        assertThat(problems(spec("names: [db]\nservers: [dns.example]\n"))).anyMatch(m -> m.contains("servers[0]"));
    }

    @Test
    void theCrdCarriesThePrinterColumnsAndTheShortName() {
        Set<String> columns = new HashSet<>();
        Map<String, Integer> priority = new LinkedHashMap<>();
        for (JsonNode c : version.get("additionalPrinterColumns")) {
            columns.add(c.get("name").asText());
            priority.put(c.get("name").asText(), c.get("priority").asInt());
        }
        assertThat(columns).contains("Names", "Truncated", "Musl-Fails", "Max-Bytes", "Last-Probe", "Age");
        assertThat(priority)
                .containsEntry("Names", 0)
                .containsEntry("Musl-Fails", 0)
                .containsEntry("Ready", 1);
        assertThat(version.at("/subresources/status").isObject()).isTrue();
        assertThat(version.at("/schema/openAPIV3Schema/properties/spec/properties/names/description")
                        .asText())
                .as("kubectl explain reads it")
                .contains("search list");
    }
}
