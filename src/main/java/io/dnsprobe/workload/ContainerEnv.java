package io.dnsprobe.workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's environment as the kubelet builds it, and its command and args expanded against it. The
 * kubelet's order: each {@code envFrom} source in order (a ConfigMap's keys, each named {@code prefix + key};
 * a later source wins), then {@code env} in order, a literal value expanded ({@link EnvExpansion}) against
 * the variables before it; ConfigMap and field values are never expanded. Command and args are expanded
 * against all of them.
 *
 * <p>What is not known here leaves its variable undefined, so references to it stay as written: a
 * Secret's keys and values, a missing ConfigMap or key, a field only the running Pod has
 * ({@link PodFields}). A Secret in {@code envFrom} is taken not to redefine the ConfigMaps' keys before
 * it (it holds credentials, seldom hosts): the alternative, forgetting every variable before it, would
 * lose the names of most containers that read both.
 *
 * @param values each {@code env} entry's value, in order; null where unknown
 * @param fromEnvFrom the variables {@code envFrom} ConfigMaps define (prefix applied) that the container
 *     sees: neither a later source nor an {@code env} entry replaced them
 */
record ContainerEnv(
        Map<String, String> vars,
        List<String> values,
        Map<String, String> fromEnvFrom,
        List<String> command,
        List<String> args) {

    static ContainerEnv of(Workload.Container c, String namespace, NameExtractor.ConfigMaps configMaps) {
        Map<String, String> fromEnvFrom = new LinkedHashMap<>();
        for (Workload.EnvFrom f : c.envFrom()) {
            if (f.configMap() == null) {
                continue; // a Secret's keys are unknown here
            }
            configMaps
                    .get(namespace, f.configMap())
                    .orElse(Map.of())
                    .forEach((k, v) -> fromEnvFrom.put(f.prefix() + k, v));
        }
        Map<String, String> vars = new HashMap<>(fromEnvFrom);
        List<String> values = new ArrayList<>(c.env().size());
        for (Workload.Env e : c.env()) {
            String value = null;
            if (e.fieldPath() != null) {
                value = "metadata.namespace".equals(e.fieldPath()) && !namespace.isEmpty() ? namespace : e.value();
            } else if (e.value() != null) {
                value = EnvExpansion.expand(e.value(), vars);
            } else if (e.configMap() != null && e.configMapKey() != null) {
                value = configMaps
                        .get(namespace, e.configMap())
                        .map(m -> m.get(e.configMapKey()))
                        .orElse(null);
            }
            values.add(value);
            fromEnvFrom.remove(e.name());
            if (value != null) {
                vars.put(e.name(), value);
            } else {
                vars.remove(e.name()); // a Secret's or an unknown field's value: references to it stay as written
            }
        }
        return new ContainerEnv(vars, values, fromEnvFrom, expandAll(c.command(), vars), expandAll(c.args(), vars));
    }

    private static List<String> expandAll(List<String> tokens, Map<String, String> vars) {
        return tokens.stream().map(t -> EnvExpansion.expand(t, vars)).toList();
    }
}
