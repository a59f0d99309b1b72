package io.dnsprobe.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the pod spec in the kinds that carry one. Pure; tolerant of missing fields, since a review
 * may carry a half-filled object (a dry run, an old client).
 */
public final class WorkloadParser {
    /**
     * Kinds that hold a pod or a pod template: those the webhook checks (warnings on controller-made Pods reach
     * nobody), ReplicationControllers, and PodTemplates (which controllers and tools copy into pods).
     */
    public static final Set<String> KINDS = Set.of(
            "Pod",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "Job",
            "CronJob",
            "ReplicationController",
            "PodTemplate");

    private WorkloadParser() {}

    public static Optional<Workload> parse(JsonNode object) {
        if (object == null || !object.isObject()) {
            return Optional.empty();
        }
        String kind = object.path("kind").asText("");
        String templatePath = switch (kind) {
            case "Pod" -> "";
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController" ->
                "/spec/template";
            case "CronJob" -> "/spec/jobTemplate/spec/template";
            case "PodTemplate" -> "/template";
            default -> null;
        };
        if (templatePath == null) {
            return Optional.empty();
        }
        JsonNode template = templatePath.isEmpty() ? object : object.at(templatePath);
        Map<String, String> annotations = new LinkedHashMap<>(strings(object.at("/metadata/annotations")));
        if (!templatePath.isEmpty()) {
            annotations.putAll(strings(template.at("/metadata/annotations")));
        }
        List<Workload.Container> containers = new ArrayList<>();
        JsonNode spec = template.path("spec");
        PodFields fields = PodFields.of(kind, object, template);
        for (JsonNode c : spec.path("initContainers")) {
            containers.add(container(c, true, fields));
        }
        for (JsonNode c : spec.path("containers")) {
            containers.add(container(c, false, fields));
        }
        List<String> pullSecrets = new ArrayList<>();
        for (JsonNode s : spec.path("imagePullSecrets")) {
            if (s.hasNonNull("name")) {
                pullSecrets.add(s.get("name").asText());
            }
        }
        Workload.Pull pull = new Workload.Pull(
                pullSecrets, spec.path("serviceAccountName").asText(""), strings(spec.path("nodeSelector")));
        return Optional.of(new Workload(
                kind,
                object.at("/metadata/namespace").asText(""),
                object.at("/metadata/name")
                        .asText(object.at("/metadata/generateName").asText("")),
                annotations,
                containers,
                dns(spec),
                pull));
    }

    private static PodDns dns(JsonNode spec) {
        JsonNode config = spec.path("dnsConfig");
        Map<String, String> options = new LinkedHashMap<>();
        for (JsonNode o : config.path("options")) {
            if (o.hasNonNull("name")) {
                options.put(
                        o.get("name").asText(),
                        o.hasNonNull("value") ? o.get("value").asText() : null);
            }
        }
        return new PodDns(
                spec.path("dnsPolicy").asText(""),
                spec.path("hostNetwork").asBoolean(false),
                texts(config.path("nameservers")),
                texts(config.path("searches")),
                options);
    }

    private static Workload.Container container(JsonNode c, boolean init, PodFields fields) {
        List<Workload.Env> env = new ArrayList<>();
        for (JsonNode e : c.path("env")) {
            JsonNode from = e.path("valueFrom"); // not at(): it parses a pointer per call
            JsonNode ref = from.path("configMapKeyRef");
            String name = e.path("name").asText();
            if (!ref.isMissingNode()) {
                env.add(new Workload.Env(
                        name,
                        null,
                        ref.path("name").asText(null),
                        ref.path("key").asText(null)));
            } else if (from.has("fieldRef")) {
                String path = from.path("fieldRef").path("fieldPath").asText(null);
                env.add(new Workload.Env(name, path == null ? null : fields.value(path), null, null, path));
            } else {
                env.add(new Workload.Env(
                        name, from.isMissingNode() ? e.path("value").asText(null) : null, null, null));
            }
        }
        List<Workload.EnvFrom> envFrom = new ArrayList<>();
        for (JsonNode f : c.path("envFrom")) {
            String prefix = f.path("prefix").asText("");
            if (f.has("configMapRef")) {
                envFrom.add(
                        new Workload.EnvFrom(f.path("configMapRef").path("name").asText(), null, prefix));
            } else if (f.has("secretRef")) {
                envFrom.add(new Workload.EnvFrom(
                        null, f.path("secretRef").path("name").asText(), prefix));
            }
        }
        return new Workload.Container(
                c.path("name").asText(""),
                c.path("image").asText(""),
                init,
                env,
                envFrom,
                texts(c.path("command")),
                texts(c.path("args")));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }
}
