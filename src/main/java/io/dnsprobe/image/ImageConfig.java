package io.dnsprobe.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image config that decide what runs: {@code Entrypoint}, {@code Cmd}, {@code Env},
 * {@code WorkingDir}, and the layers' uncompressed digests ({@code rootfs.diff_ids}, bottom first).
 */
public record ImageConfig(Platform platform, List<String> entrypoint, List<String> cmd, Map<String, String> env,
        String workingDir, List<String> diffIds) {

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        diffIds = List.copyOf(diffIds);
    }

    static ImageConfig parse(JsonNode root) {
        JsonNode c = root.path("config");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : c.path("Env")) {
            String kv = e.asText();
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        List<String> diffIds = texts(root.path("rootfs").path("diff_ids"));
        String os = root.path("os").asText("linux");
        String arch = root.path("architecture").asText("amd64");
        return new ImageConfig(new Platform(os.isEmpty() ? "linux" : os, arch.isEmpty() ? "amd64" : arch,
                root.path("variant").asText(null)), texts(c.path("Entrypoint")), texts(c.path("Cmd")), env,
                c.path("WorkingDir").asText(""), diffIds);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
