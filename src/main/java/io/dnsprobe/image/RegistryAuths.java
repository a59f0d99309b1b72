package io.dnsprobe.image;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Registry credentials as Docker's {@code config.json} and Kubernetes' {@code kubernetes.io/dockerconfigjson}
 * Secrets hold them: {@code {"auths": {"host[:port][/path]": {"auth": base64(user:pass)}}}} (or
 * {@code username}/{@code password}). Keys are matched as kubelet matches them: without scheme, the port
 * must be the same, a host may be a glob ({@code *.example.com}, one label per {@code *}), and a key's
 * path must prefix the image's repository. Credential helpers ({@code credsStore}, {@code credHelpers})
 * and {@code identitytoken} are not supported: they need programs or flows this process does not run.
 * Immutable.
 */
public final class RegistryAuths {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final RegistryAuths NONE = new RegistryAuths(List.of(), List.of());
    /** Docker's config.json holds a few credentials: 1 MiB is thousands of them. */
    static final int MAX_FILE_BYTES = 1 << 20;

    /** One {@code auths} key and its credential. */
    record Entry(String source, String hostGlob, String port, String path, Credential credential) {}

    private final List<Entry> entries;
    private final List<String> warnings;

    private RegistryAuths(List<Entry> entries, List<String> warnings) {
        this.entries = List.copyOf(entries);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads a docker config file; a missing file is no credentials.
     *
     * @throws IOException saying the file and why, in words (an unreadable file as a {@code FileSystemException})
     */
    public static RegistryAuths read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return NONE;
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException(file + ": larger than " + MAX_FILE_BYTES / 1024 + " KiB: not a docker config");
        }
        return parse(bytes, file.toString());
    }

    /**
     * @param source named in warnings and errors: a file, or {@code secret ns/name}
     * @throws IOException when it is not JSON; entries that cannot be used are skipped with a warning
     */
    public static RegistryAuths parse(byte[] json, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's own words name its tokens and classes; where it stopped is what helps.
            JsonLocation at = e.getLocation();
            throw new IOException(source + " is not a docker config: not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new IOException(source + " is not a docker config: not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        JsonNode auths = root.path("auths");
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            Credential credential;
            try {
                if (value.hasNonNull("auth") && !value.get("auth").asText().isEmpty()) {
                    credential = Credential.fromAuth(value.get("auth").asText());
                } else if (value.hasNonNull("username")) {
                    credential = new Credential(
                            value.get("username").asText(),
                            value.path("password").asText(""));
                } else {
                    warnings.add(source + ": " + e.getKey() + " has no auth or username/password"
                            + (value.has("identitytoken") ? " (identitytoken is not supported)" : "") + "; skipped");
                    continue;
                }
            } catch (IllegalArgumentException ex) {
                warnings.add(source + ": the auth of " + e.getKey() + " is not base64 of user:password; skipped");
                continue;
            }
            entries.add(entry(source, e.getKey(), credential));
        }
        if (root.has("credsStore") || root.has("credHelpers")) {
            warnings.add(
                    source + ": credential helpers (credsStore, credHelpers) are not supported; only auths are read");
        }
        return new RegistryAuths(entries, warnings);
    }

    /** Several sources, the first one's entries tried first. */
    public static RegistryAuths concat(List<RegistryAuths> all) {
        List<Entry> entries = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (RegistryAuths a : all) {
            entries.addAll(a.entries);
            warnings.addAll(a.warnings);
        }
        return new RegistryAuths(entries, warnings);
    }

    public List<String> warnings() {
        return warnings;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Credentials whose key matches the image, most specific key first (longest path, then exact host),
     * each at most once. Empty: ask anonymously.
     */
    public List<Credential> forImage(ImageRef ref) {
        String host = ref.registryHost();
        String hostOnly = host;
        String port = "";
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            hostOnly = host.substring(0, colon);
            port = host.substring(colon + 1);
        }
        String repo = ref.repositoryPath();
        List<Entry> matching = new ArrayList<>();
        for (Entry e : entries) {
            if (e.port().equals(port)
                    && hostMatches(e.hostGlob(), hostOnly)
                    && (e.path().isEmpty() || repo.equals(e.path()) || repo.startsWith(e.path() + "/"))) {
                matching.add(e);
            }
        }
        matching.sort(Comparator.comparingInt((Entry e) -> -e.path().length())
                .thenComparing(e -> e.hostGlob().contains("*")));
        List<Credential> out = new ArrayList<>();
        for (Entry e : matching) {
            if (!out.contains(e.credential())) {
                out.add(e.credential());
            }
        }
        return out;
    }

    static Entry entry(String source, String key, Credential credential) {
        String k = key.trim();
        if (!k.contains("://")) {
            k = "https://" + k;
        }
        String host;
        String port = "";
        String path;
        try {
            URI uri = URI.create(k);
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
            int colon = authority.lastIndexOf(':');
            host = colon > 0 ? authority.substring(0, colon) : authority;
            port = colon > 0 ? authority.substring(colon + 1) : "";
            path = uri.getPath() == null ? "" : uri.getPath();
        } catch (IllegalArgumentException e) {
            host = k;
            path = "";
        }
        host = host.toLowerCase(Locale.ROOT);
        // Docker writes Docker Hub as https://index.docker.io/v1/; kubelet treats it as docker.io.
        if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
            host = ImageRef.DOCKER_HUB;
        }
        path = path.replaceAll("^/+|/+$", "");
        if (path.equals("v1") || path.equals("v2")) {
            path = "";
        }
        return new Entry(source, host, port, path, credential);
    }

    /** {@code *.example.com} matches {@code a.example.com}, not {@code a.b.example.com}: one label per glob, as kubelet does. */
    static boolean hostMatches(String glob, String host) {
        String[] g = glob.split("\\.");
        String[] h = host.toLowerCase(Locale.ROOT).split("\\.");
        if (g.length != h.length) {
            return false;
        }
        for (int i = 0; i < g.length; i++) {
            if (!globLabel(g[i], h[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean globLabel(String glob, String label) {
        if (!glob.contains("*")) {
            return glob.equals(label);
        }
        String regex = java.util.Arrays.stream(glob.split("\\*", -1))
                .map(java.util.regex.Pattern::quote)
                .collect(java.util.stream.Collectors.joining("[^.]*"));
        return label.matches(regex);
    }
}
