package io.dnsprobe.workload;

import io.dnsprobe.resolver.DnsNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The DNS names a container refers to: in env values (hostnames, host:port, URLs of any scheme,
 * {@code jdbc:postgresql://...}, comma-separated lists), in args and command tokens, in ConfigMap
 * values it reads, and in the {@code dnsprobe.io/names} annotation. Pure.
 *
 * <p>{@code $(VAR)} references in env values, command and args are expanded first, as the kubelet does
 * ({@link EnvExpansion}): against the container's envFrom ConfigMaps, the env vars before it (literal, from a
 * ConfigMap key, or {@code metadata.namespace}); command and args against all of them.
 *
 * <p>Free text is full of tokens that are valid DNS names and are not hosts ({@code true},
 * {@code app.jar}). A single label counts only in a host position (a URL, host:port, or a variable
 * named like a host); a dotted token counts unless its last label is a file extension or numeric.
 */
public final class NameExtractor {
    public static final String ANNOTATION = "dnsprobe.io/names";
    /** Env var names ending like these hold hosts (compared ignoring case, without a regex per value). */
    private static final List<String> HOST_KEY_SUFFIXES = List.of("HOST", "HOSTNAME", "HOSTS", "ADDR", "ADDRESS",
            "SERVER", "SERVERS", "URL", "URI", "ENDPOINT", "ENDPOINTS", "BROKER", "BROKERS", "DSN", "SERVICE");
    private static final Set<String> NOT_TLDS = Set.of("jar", "war", "yaml", "yml", "json", "xml", "properties", "conf",
            "cfg", "ini", "txt", "log", "sh", "py", "js", "ts", "html", "htm", "key", "pem", "crt", "cert", "csr", "so",
            "d", "sock", "pid", "gz", "tgz", "zip", "tar", "class", "java", "env", "lock", "toml", "md", "sql", "db",
            "jpg", "png", "svg", "css");
    private static final Pattern SPLIT = Pattern.compile("[\\s;]+");
    private static final Pattern LIST = Pattern.compile("[\\s,;]+");

    /** A source of ConfigMap data; a missing ConfigMap (or key) is skipped. */
    public interface ConfigMaps {
        Optional<Map<String, String>> get(String namespace, String name);
    }

    private NameExtractor() {
    }

    public static Set<String> names(Workload.Container c, String namespace, Map<String, String> annotations,
            ConfigMaps configMaps) {
        Set<String> out = new LinkedHashSet<>();
        // The container's environment as the kubelet builds it: envFrom first, then env in order, each value
        // expanded against those before it; command and args against all of them.
        Map<String, String> vars = new HashMap<>();
        List<Map<String, String>> fromConfigMaps = new ArrayList<>();
        for (String cm : c.envFromConfigMaps()) {
            Map<String, String> data = configMaps.get(namespace, cm).orElse(Map.of());
            fromConfigMaps.add(data);
            vars.putAll(data);
        }
        List<String> envValues = new ArrayList<>(c.env().size());
        for (Workload.Env e : c.env()) {
            String value = null;
            if (e.value() != null) {
                value = EnvExpansion.expand(e.value(), vars);
            } else if (e.configMap() != null && e.configMapKey() != null) {
                value = configMaps.get(namespace, e.configMap()).map(m -> m.get(e.configMapKey())).orElse(null);
            } else if ("metadata.namespace".equals(e.fieldPath())) {
                value = namespace;
            }
            envValues.add(value);
            if (value != null) {
                vars.put(e.name(), value);
            } else {
                vars.remove(e.name()); // a Secret's or an unknown field's value: references to it stay as written
            }
        }
        for (int i = 0; i < c.env().size(); i++) {
            if (envValues.get(i) != null && c.env().get(i).fieldPath() == null) {
                fromValue(c.env().get(i).name(), envValues.get(i), out);
            }
        }
        for (Map<String, String> data : fromConfigMaps) {
            data.forEach((k, v) -> fromValue(k, v, out));
        }
        for (String token : c.command()) {
            fromValue("", EnvExpansion.expand(token, vars), out);
        }
        for (String token : c.args()) {
            fromValue("", EnvExpansion.expand(token, vars), out);
        }
        String listed = annotations.get(ANNOTATION);
        if (listed != null) {
            for (String n : LIST.split(listed.trim())) {
                if (!n.isEmpty() && DnsNames.isValid(n)) {
                    out.add(n.toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** Adds the names in one value; {@code key} (an env var name) hints whether single labels are hosts. */
    static void fromValue(String key, String value, Set<String> out) {
        boolean hostKey = isHostKey(key);
        for (String raw : SPLIT.split(value.trim())) {
            String token = raw;
            int scheme = token.indexOf("://");
            if (scheme >= 0) {
                // The authority may list several hosts: mongodb://a:27017,b:27017/db
                String authority = beforePath(token.substring(scheme + 3));
                authority = authority.substring(authority.lastIndexOf('@') + 1);
                for (String hostPort : authority.split(",")) {
                    host(hostPort).ifPresent(h -> accept(h, true, out));
                }
                continue;
            }
            int eq = token.indexOf('=');
            if (eq >= 0) {
                token = token.substring(eq + 1); // --db-host=db.example.com
            }
            for (String part : token.split(",")) {
                String hostPort = beforePath(part);
                if (hostPort.isEmpty()) {
                    continue;
                }
                boolean hadPort = hostPort.contains(":");
                host(hostPort).ifPresent(h -> accept(h, hostKey || hadPort, out));
            }
        }
    }

    static boolean isHostKey(String key) {
        for (String suffix : HOST_KEY_SUFFIXES) {
            if (key.regionMatches(true, key.length() - suffix.length(), suffix, 0, suffix.length())) {
                return true;
            }
        }
        return false;
    }

    /** Up to the first of {@code / ? #}: String.split with a character class compiles a regex per call. */
    private static String beforePath(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '/' || ch == '?' || ch == '#') {
                return s.substring(0, i);
            }
        }
        return s;
    }

    /** The host of {@code host}, {@code host:port}; empty for IPv6 literals and other forms. */
    private static Optional<String> host(String hostPort) {
        if (hostPort.startsWith("[")) {
            return Optional.empty();
        }
        int colon = hostPort.indexOf(':');
        if (colon >= 0) {
            String port = hostPort.substring(colon + 1);
            if (hostPort.indexOf(':', colon + 1) >= 0 || !port.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            return Optional.of(hostPort.substring(0, colon));
        }
        return Optional.of(hostPort);
    }

    private static void accept(String candidate, boolean hostPosition, Set<String> out) {
        String name = candidate.toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals("localhost") || !DnsNames.isValid(name)) {
            return;
        }
        String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        int dot = body.lastIndexOf('.');
        if (dot < 0) {
            if (hostPosition && body.chars().anyMatch(Character::isLetter)) {
                out.add(name);
            }
            return;
        }
        String last = body.substring(dot + 1);
        if (hostPosition || !NOT_TLDS.contains(last)) {
            out.add(name);
        }
    }
}
