package io.dnsprobe.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code kubectl get KIND -A} prints for these objects: NAMESPACE, NAME, then the CRD's printer columns
 * shown by default, in the CRD's order, dates as ages. For the example output of docs/audit.md, made from the
 * reports a test produced.
 */
final class KubectlTable {
    private KubectlTable() {}

    static String render(List<? extends HasMetadata> objects, Path crdFile) throws IOException {
        JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(crdFile.toFile());
        List<JsonNode> columns = new ArrayList<>();
        crd.at("/spec/versions/0/additionalPrinterColumns").forEach(c -> {
            if (c.path("priority").asInt() == 0) {
                columns.add(c);
            }
        });
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("NAMESPACE", "NAME"));
        columns.forEach(c -> header.add(c.path("name").asText().toUpperCase()));
        rows.add(header);
        Instant now = Instant.now();
        objects.stream()
                .sorted(Comparator.comparing((HasMetadata o) -> o.getMetadata().getNamespace())
                        .thenComparing(o -> o.getMetadata().getName()))
                .forEach(o -> {
                    JsonNode tree = Serialization.jsonMapper().valueToTree(o);
                    List<String> row = new ArrayList<>(List.of(
                            o.getMetadata().getNamespace(), o.getMetadata().getName()));
                    for (JsonNode c : columns) {
                        JsonNode v = tree.at(c.path("jsonPath").asText().replace('.', '/'));
                        String text = v.isMissingNode() || v.isNull() ? "" : v.asText();
                        if (c.path("type").asText().equals("date") && !text.isEmpty()) {
                            text = age(Duration.between(Instant.parse(text), now));
                        }
                        row.add(text.isEmpty() ? "<none>" : text);
                    }
                    rows.add(row);
                });
        int[] widths = new int[header.size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                out.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (widths[i] + 3) + "s", r.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** kubectl's short ages: 45s, 3m12s, 5h, 2d. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (s < 3 * 3600) {
            return s / 60 + "m";
        }
        return s < 48 * 3600 ? s / 3600 + "h" : s / 86400 + "d";
    }
}
