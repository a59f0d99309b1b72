package io.dnsprobe.workload;

import java.util.List;
import java.util.Map;

/**
 * The parts of a Pod or pod template that matter here.
 *
 * @param annotations the workload's annotations overlaid with its pod template's (the template wins)
 * @param dns the pod's dnsPolicy, hostNetwork and dnsConfig: they decide how relative names resolve
 */
public record Workload(
        String kind,
        String namespace,
        String name,
        Map<String, String> annotations,
        List<Container> containers,
        PodDns dns,
        Pull pull) {

    /** A workload without pull settings: no pull secrets, the default service account, no node selector. */
    public Workload(
            String kind,
            String namespace,
            String name,
            Map<String, String> annotations,
            List<Container> containers,
            PodDns dns) {
        this(kind, namespace, name, annotations, containers, dns, Pull.NONE);
    }

    /**
     * What decides how its images are pulled: the pod's {@code imagePullSecrets}, its service account
     * (whose pull secrets Kubernetes adds to its Pods), and the node selector's {@code kubernetes.io/arch}.
     */
    public record Pull(List<String> secrets, String serviceAccount, Map<String, String> nodeSelector) {
        public static final Pull NONE = new Pull(List.of(), "", Map.of());

        public Pull {
            secrets = List.copyOf(secrets);
            serviceAccount = serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount;
            nodeSelector = Map.copyOf(nodeSelector);
        }

        /** {@code linux/arm64} when the pods are pinned to an architecture, else null. */
        public String platform() {
            String arch = nodeSelector.get("kubernetes.io/arch");
            return arch == null ? null : nodeSelector.getOrDefault("kubernetes.io/os", "linux") + "/" + arch;
        }
    }

    /** One container or init container. */
    public record Container(
            String name,
            String image,
            boolean init,
            List<Env> env,
            List<EnvFrom> envFrom,
            List<String> command,
            List<String> args) {

        /** Whether this container reads the ConfigMap, by {@code envFrom} or by a key. */
        public boolean reads(String configMap) {
            return envFrom.stream().anyMatch(f -> configMap.equals(f.configMap()))
                    || env.stream().anyMatch(e -> configMap.equals(e.configMap()));
        }

        /** The env values written in the spec (ConfigMap references are not resolved here). */
        public Map<String, String> literalEnv() {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (Env e : env) {
                if (e.value() != null) {
                    out.put(e.name(), e.value());
                }
            }
            return out;
        }
    }

    /**
     * An env var: a literal value, or (value null) a reference to a ConfigMap key; or a field of the pod
     * ({@code fieldPath}, such as {@code metadata.namespace}) with, as {@code value}, what the spec tells of
     * it (null when only the running Pod knows, such as {@code status.podIP}); all null for other sources
     * (a Secret).
     */
    public record Env(String name, String value, String configMap, String configMapKey, String fieldPath) {
        public Env(String name, String value, String configMap, String configMapKey) {
            this(name, value, configMap, configMapKey, null);
        }
    }

    /**
     * One {@code envFrom} source: a ConfigMap's keys (or a Secret's, whose keys are unknown here), each as a
     * variable named {@code prefix + key}.
     */
    public record EnvFrom(String configMap, String secret, String prefix) {
        public EnvFrom {
            prefix = prefix == null ? "" : prefix;
        }

        public static EnvFrom configMap(String name) {
            return new EnvFrom(name, null, "");
        }
    }
}
