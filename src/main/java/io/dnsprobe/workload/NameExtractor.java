package io.dnsprobe.workload;

import io.dnsprobe.resolver.DnsNames;
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
 * ({@link ContainerEnv}): against the container's envFrom ConfigMaps (with their prefix), the env vars
 * before it (literal, from a ConfigMap key, or a pod field the spec tells: {@link PodFields}); command and
 * args against all of them.
 *
 * <p>Free text is full of tokens that are valid DNS names and are not hosts ({@code true},
 * {@code app.jar}). A single label counts only in a host position (a URL, host:port with a port, or a
 * variable named like a host); a dotted token counts unless its last label is a file extension or numeric,
 * or it reads like code ({@link #looksLikeCode}: Java classes, camelCase identifiers, {@code en_US.UTF-8}).
 * A colon with nothing after it is no port ({@code file:/dev/urandom}, {@code Status code: 404}). Image
 * references ({@code quay.io/x/y:1}) and the values of locale, image and feature-gate variables and flags
 * are never hosts.
 */
public final class NameExtractor {
    public static final String ANNOTATION = "dnsprobe.io/names";
    /** Env var names ending like these hold hosts (compared ignoring case, without a regex per value). */
    private static final List<String> HOST_KEY_SUFFIXES = List.of(
            "HOST",
            "HOSTNAME",
            "HOSTS",
            "ADDR",
            "ADDRESS",
            "SERVER",
            "SERVERS",
            "URL",
            "URI",
            "ENDPOINT",
            "ENDPOINTS",
            "BROKER",
            "BROKERS",
            "DSN",
            "SERVICE");

    private static final Set<String> NOT_TLDS = Set.of(
            "jar",
            "war",
            "yaml",
            "yml",
            "json",
            "xml",
            "properties",
            "conf",
            "cfg",
            "ini",
            "txt",
            "log",
            "sh",
            "py",
            "js",
            "ts",
            "html",
            "htm",
            "key",
            "pem",
            "crt",
            "cert",
            "csr",
            "so",
            "d",
            "sock",
            "pid",
            "gz",
            "tgz",
            "zip",
            "tar",
            "class",
            "java",
            "env",
            "lock",
            "toml",
            "md",
            "sql",
            "db",
            "jpg",
            "png",
            "svg",
            "css",
            "utf-8",
            "utf8");
    /** First labels of Java packages; no host name starts with them. */
    private static final Set<String> REVERSE_DOMAIN_ROOTS =
            Set.of("com", "org", "net", "io", "java", "javax", "jdk", "sun", "kotlin", "scala");

    private static final Pattern SPLIT = Pattern.compile("[\\s;]+");
    private static final Pattern LIST = Pattern.compile("[\\s,;]+");

    /** A source of ConfigMap data; a missing ConfigMap (or key) is skipped. */
    public interface ConfigMaps {
        ConfigMaps NONE = (namespace, name) -> Optional.empty();

        Optional<Map<String, String>> get(String namespace, String name);
    }

    private NameExtractor() {}

    public static Set<String> names(
            Workload.Container c, String namespace, Map<String, String> annotations, ConfigMaps configMaps) {
        Set<String> out = new LinkedHashSet<>();
        ContainerEnv env = ContainerEnv.of(c, namespace, configMaps);
        for (int i = 0; i < c.env().size(); i++) {
            if (env.values().get(i) != null && c.env().get(i).fieldPath() == null) {
                fromValue(c.env().get(i).name(), env.values().get(i), out);
            }
        }
        env.fromEnvFrom().forEach((k, v) -> fromValue(k, v, out));
        for (String token : env.command()) {
            fromValue("", token, out);
        }
        for (String token : env.args()) {
            fromValue("", token, out);
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
        if (isOpaqueKey(key)) {
            return;
        }
        boolean hostKey = isHostKey(key);
        for (String raw : SPLIT.split(value.trim())) {
            String token = raw;
            int eq = token.indexOf('=');
            int scheme = token.indexOf("://");
            if (eq >= 0 && (scheme < 0 || eq < scheme)) {
                if (isOpaqueFlag(token.substring(0, eq))) {
                    continue; // --image=quay.io/x/y:1, --feature-gates=service.profilesSupport
                }
                token = token.substring(eq + 1); // --db-host=db.example.com
            }
            // Lists of hosts, URLs among them; mongodb://a:27017,b:27017/db lists its hosts the same way.
            for (String part : token.split(",")) {
                fromPart(part, hostKey, out);
            }
        }
    }

    private static void fromPart(String part, boolean hostKey, Set<String> out) {
        int scheme = part.indexOf("://");
        if (scheme >= 0) {
            String authority = beforePath(part.substring(scheme + 3));
            host(authority.substring(authority.lastIndexOf('@') + 1)).ifPresent(h -> accept(h, true, out));
            return;
        }
        if (isImageReference(part)) {
            return; // the kubelet resolves the registry, not the container
        }
        String hostPort = beforePath(part);
        boolean hadPort = hostPort.indexOf(':') >= 0;
        if (hadPort) {
            // KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:9093
            hostPort = hostPort.substring(hostPort.lastIndexOf('@') + 1);
        }
        if (!hostPort.isEmpty()) {
            host(hostPort).ifPresent(h -> accept(h, hostKey || hadPort, out));
        }
    }

    /**
     * Env vars whose values are never hosts, whatever they look like: locales, images, feature gates; a
     * variable named like a host ({@code IMAGE_PROVIDER_HOST}) holds a host all the same.
     */
    static boolean isOpaqueKey(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        return k.equals("LANG")
                || k.equals("LANGUAGE")
                || k.startsWith("LC_")
                || ((k.contains("IMAGE") || k.contains("FEATURE_GATES")) && !isHostKey(key));
    }

    /** Flags whose values are never hosts: {@code --image=}, {@code --feature-gates=}, {@code --enable-feature=}. */
    private static boolean isOpaqueFlag(String flag) {
        String f = flag.toLowerCase(Locale.ROOT);
        return f.startsWith("-")
                && (f.contains("image")
                        || f.contains("feature-gates")
                        || f.contains("feature_gates")
                        || f.contains("enable-feature"));
    }

    /**
     * {@code quay.io/prometheus/node-exporter:v1.8.0}: a registry host, a path, and a tag or digest at the end.
     * {@code db.example.com:5432/app} has no tag after its path, so it stays a host with a port.
     */
    private static boolean isImageReference(String part) {
        int slash = part.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String registry = part.substring(0, slash);
        if (registry.indexOf('.') < 0 && registry.indexOf(':') < 0 && !registry.equals("localhost")) {
            return false;
        }
        String path = part.substring(slash + 1);
        return path.indexOf(':', path.lastIndexOf('/') + 1) > 0 || path.contains("@sha256:");
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
            // "file:", "code:" ("Status code: 404"): a colon with nothing after it is no host:port.
            if (port.isEmpty()
                    || hostPort.indexOf(':', colon + 1) >= 0
                    || !port.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            return Optional.of(hostPort.substring(0, colon));
        }
        return Optional.of(hostPort);
    }

    /**
     * Dotted words of free text that are not hosts: Java classes and packages ({@code com.example.Main},
     * {@code org.apache.kafka.connect.cli.ConnectDistributed}), identifiers ({@code service.profilesSupport}),
     * and labels with an underscore inside ({@code en_US.UTF-8}, {@code vllm.entrypoints.api_server}); service
     * labels ({@code _grpc._tcp}) start with one and stay. Hosts are written in lower case.
     */
    static boolean looksLikeCode(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return false;
        }
        if (REVERSE_DOMAIN_ROOTS.contains(token.substring(0, dot).toLowerCase(Locale.ROOT))) {
            return true;
        }
        boolean lower = false;
        boolean upper = false;
        int labelStart = 0;
        for (int i = 0; i <= token.length(); i++) {
            char ch = i < token.length() ? token.charAt(i) : '.';
            if (ch == '.') {
                if (lower && upper) {
                    return true; // mixed case in one label: ConnectDistributed, profilesSupport
                }
                lower = false;
                upper = false;
                labelStart = i + 1;
            } else if (ch == '_' && i > labelStart) {
                return true;
            } else if (ch >= 'a' && ch <= 'z') {
                lower = true;
            } else if (ch >= 'A' && ch <= 'Z') {
                upper = true;
            }
        }
        return false;
    }

    private static void accept(String candidate, boolean hostPosition, Set<String> out) {
        String name = candidate.toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals("localhost") || !DnsNames.isValid(name)) {
            return;
        }
        if (!hostPosition && looksLikeCode(candidate)) {
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
