package io.dnsprobe.server;

import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.workload.Workload;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Registry credentials from {@code kubernetes.io/dockerconfigjson} (and legacy {@code dockercfg}) Secrets,
 * read by name with {@code get}: never listed or watched, so the operator holds no Secret it was not
 * pointed at. The operator's own (named in its config, in its namespace) always; the workload's
 * {@code imagePullSecrets} and its service account's only when opted in. Each Secret is kept a minute,
 * so a burst of reviews costs one read; a Secret that cannot be read is skipped with one log line.
 */
final class PullSecrets {
    private static final Logger LOG = Logger.getLogger(PullSecrets.class);
    private static final Duration KEEP = Duration.ofMinutes(1);
    private static final int MAX_KEPT = 10_000;

    private final KubernetesClient client;
    private final String ownNamespace;
    private final List<String> own;
    private final boolean workloads;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private record Kept(RegistryAuths auths, long until) {}

    private record KeptNames(List<String> names, long until) {}

    private final Map<String, KeptNames> accounts = new ConcurrentHashMap<>();

    PullSecrets(KubernetesClient client, String ownNamespace, List<String> own, boolean workloads) {
        this.client = client;
        this.ownNamespace = ownNamespace;
        this.own = List.copyOf(own);
        this.workloads = workloads;
    }

    /** The workload's credentials first (more specific), then the operator's; blocking. */
    RegistryAuths forWorkload(String namespace, Workload.Pull pull) {
        List<RegistryAuths> all = new ArrayList<>();
        if (workloads && namespace != null) {
            for (String name : pull.secrets()) {
                all.add(secret(namespace, name));
            }
            for (String name : serviceAccountSecrets(namespace, pull.serviceAccount())) {
                if (!pull.secrets().contains(name)) {
                    all.add(secret(namespace, name));
                }
            }
        }
        for (String name : own) {
            all.add(secret(ownNamespace, name));
        }
        return RegistryAuths.concat(all);
    }

    /** Kubernetes copies these into every Pod of the account; for a Deployment they apply to its Pods the same way. */
    private List<String> serviceAccountSecrets(String namespace, String account) {
        String key = namespace + "/" + account;
        KeptNames k = accounts.get(key);
        long now = System.nanoTime();
        if (k != null && k.until - now > 0) {
            return k.names;
        }
        try {
            ServiceAccount sa = client.serviceAccounts()
                    .inNamespace(namespace)
                    .withName(account)
                    .get();
            List<String> names = sa == null || sa.getImagePullSecrets() == null
                    ? List.of()
                    : sa.getImagePullSecrets().stream()
                            .map(LocalObjectReference::getName)
                            .toList();
            if (accounts.size() > MAX_KEPT) {
                accounts.clear();
            }
            accounts.put(key, new KeptNames(names, now + KEEP.toNanos()));
            return names;
        } catch (KubernetesClientException e) {
            warnOnce(
                    key,
                    "cannot read service account " + namespace + "/" + account + " (" + e.getCode() + "): its pull "
                            + "secrets are not used; see config/image-pull-secrets for the RBAC");
            return List.of();
        }
    }

    private RegistryAuths secret(String namespace, String name) {
        String key = namespace + "/" + name;
        Kept k = kept.get(key);
        long now = System.nanoTime();
        if (k != null && k.until - now > 0) {
            return k.auths;
        }
        RegistryAuths auths = read(namespace, name);
        if (kept.size() > MAX_KEPT) {
            kept.clear();
        }
        kept.put(key, new Kept(auths, now + KEEP.toNanos()));
        return auths;
    }

    private RegistryAuths read(String namespace, String name) {
        String key = namespace + "/" + name;
        try {
            Secret s = client.secrets().inNamespace(namespace).withName(name).get();
            if (s == null) {
                // Not an error: the operator's conventional Secret exists only where someone made it.
                if (warned.size() < MAX_KEPT && warned.add(key)) {
                    LOG.infof("pull secret %s does not exist: images are read without it", key);
                }
                return RegistryAuths.NONE;
            }
            Map<String, String> data = s.getData() == null ? Map.of() : s.getData();
            String json = data.get(".dockerconfigjson");
            boolean legacy = false;
            if (json == null) {
                json = data.get(".dockercfg");
                legacy = json != null;
            }
            if (json == null) {
                warnOnce(key, "secret " + key + " has no .dockerconfigjson: not a pull secret, not used");
                return RegistryAuths.NONE;
            }
            String decoded = new String(Base64.getDecoder().decode(json), StandardCharsets.UTF_8);
            // The legacy format is the auths map itself.
            String doc = legacy ? "{\"auths\":" + decoded + "}" : decoded;
            RegistryAuths auths = RegistryAuths.parse(doc.getBytes(StandardCharsets.UTF_8), "secret " + key);
            auths.warnings().forEach(w -> warnOnce(key + w, w));
            return auths;
        } catch (KubernetesClientException e) {
            warnOnce(
                    key,
                    "cannot read pull secret " + key + " (" + e.getCode() + "): not used"
                            + (e.getCode() == 403 ? "; the operator may only get the Secrets its RBAC names" : ""));
        } catch (IllegalArgumentException | java.io.IOException e) {
            warnOnce(key, "pull secret " + key + " is not readable: " + e.getMessage());
        }
        return RegistryAuths.NONE;
    }

    private void warnOnce(String key, String message) {
        if (warned.size() < MAX_KEPT && warned.add(key)) {
            LOG.warn(message);
        }
    }
}
