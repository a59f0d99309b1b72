package io.dnsprobe.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a pod's spec tells of the fields an env var can take with {@code valueFrom.fieldRef} (the downward
 * API), so that {@code $(POD_NAME).peers.$(POD_NAMESPACE).svc} expands as in the running Pod:
 * {@code metadata.name} of a Pod, and of a StatefulSet's first replica ({@code web-0}: its pods are named
 * by ordinal, and the first stands for all); the template's {@code metadata.labels['k']} and
 * {@code metadata.annotations['k']}; {@code spec.serviceAccountName}. A Deployment's or Job's pod names
 * are random, and {@code status.podIP}, {@code spec.nodeName}, {@code metadata.uid} exist only in the
 * running Pod: those stay unknown, and references to them stay as written. {@code metadata.namespace} is
 * filled in by whoever knows the namespace ({@link ContainerEnv}).
 */
record PodFields(String podName, Map<String, String> labels, Map<String, String> annotations, String serviceAccount) {
    private static final Pattern KEYED = Pattern.compile("metadata\\.(labels|annotations)\\['([^']*)'\\]");

    static PodFields of(String kind, JsonNode object, JsonNode template) {
        String name = object.path("metadata").path("name").asText("");
        String podName = switch (kind) {
            case "Pod" -> name.isEmpty() ? null : name; // generateName: known only once created
            case "StatefulSet" -> name.isEmpty() ? null : name + "-0";
            default -> null;
        };
        JsonNode meta = template.path("metadata");
        JsonNode spec = template.path("spec");
        String account = spec.path("serviceAccountName")
                .asText(spec.path("serviceAccount").asText(""));
        return new PodFields(
                podName,
                strings(meta.path("labels")),
                strings(meta.path("annotations")),
                account.isEmpty() ? "default" : account);
    }

    /** The field's value as the spec tells it, or null when only the running Pod knows it. */
    String value(String fieldPath) {
        switch (fieldPath) {
            case "metadata.name":
                return podName;
            case "spec.serviceAccountName":
                return serviceAccount;
            default:
                break;
        }
        Matcher m = KEYED.matcher(fieldPath);
        if (!m.matches()) {
            return null;
        }
        return (m.group(1).equals("labels") ? labels : annotations).get(m.group(2));
    }

    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.fields().forEachRemaining(f -> {
            if (f.getValue().isValueNode()) {
                out.put(f.getKey(), f.getValue().asText());
            }
        });
        return Map.copyOf(out);
    }
}
