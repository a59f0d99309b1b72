package io.dnsprobe.workload;

import java.util.List;
import java.util.Map;

/**
 * The parts of a Pod or pod template that matter here.
 *
 * @param annotations the workload's annotations overlaid with its pod template's (the template wins)
 * @param dns the pod's dnsPolicy, hostNetwork and dnsConfig: they decide how relative names resolve
 */
public record Workload(String kind, String namespace, String name, Map<String, String> annotations,
        List<Container> containers, PodDns dns) {

    /** One container or init container. */
    public record Container(String name, String image, boolean init, List<Env> env, List<String> envFromConfigMaps,
            List<String> command, List<String> args) {
    }

    /** An env var: a literal value, or a reference to a ConfigMap key (value null). */
    public record Env(String name, String value, String configMap, String configMapKey) {
    }
}
