package io.dnsprobe.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.text.Printable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image config that decide what runs: {@code Entrypoint}, {@code Cmd}, {@code Env},
 * {@code WorkingDir}, and the layers' uncompressed digests ({@code rootfs.diff_ids}, bottom first).
 *
 * <p>What is kept is bounded whatever the config holds (it may be megabytes): at most
 * {@link #MAX_ARGS} arguments and {@link #MAX_ENV} variables, {@link #MAX_KEPT_CHARS} characters in all. A
 * config over those is refused with the bound named: no real image comes near them (Linux itself takes
 * 2 MiB of arguments and environment at most), and a result is cached for a day.
 */
public record ImageConfig(
        Platform platform,
        List<String> entrypoint,
        List<String> cmd,
        Map<String, String> env,
        String workingDir,
        List<String> diffIds) {
    static final int MAX_ARGS = 1024;
    static final int MAX_ENV = 4096;
    static final int MAX_KEPT_CHARS = 256 << 10;

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        diffIds = List.copyOf(diffIds);
    }

    static ImageConfig parse(JsonNode root) throws RegistryException {
        String what = "the image config";
        if (!root.isObject()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + " is not a JSON object");
        }
        JsonNode c = BoundedJson.object(root, "config", what);
        int[] chars = {0};
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode envList = BoundedJson.array(c, "Env", what);
        if (envList.size() > MAX_ENV) {
            throw tooBig(what + " sets " + envList.size() + " environment variables, more than " + MAX_ENV);
        }
        for (String kv : texts(envList, "Env", what, chars)) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        List<String> diffIds = texts(
                BoundedJson.array(BoundedJson.object(root, "rootfs", what), "diff_ids", what), "diff_ids", what, chars);
        String os = orDefault(BoundedJson.text(root, "os", what), "linux");
        String arch = orDefault(BoundedJson.text(root, "architecture", what), "amd64");
        String variant = BoundedJson.text(root, "variant", what);
        String workingDir = orDefault(BoundedJson.text(c, "WorkingDir", what), "");
        chars[0] += workingDir.length();
        List<String> entrypoint = args(c, "Entrypoint", what, chars);
        List<String> cmd = args(c, "Cmd", what, chars);
        if (chars[0] > MAX_KEPT_CHARS) {
            throw tooBig(what + "'s Entrypoint, Cmd, Env and WorkingDir hold over " + (MAX_KEPT_CHARS >> 10) + " KiB");
        }
        return new ImageConfig(
                new Platform(Printable.line(os, 64), Printable.line(arch, 64), Printable.line(variant, 64)),
                entrypoint,
                cmd,
                env,
                workingDir,
                diffIds);
    }

    private static List<String> args(JsonNode c, String field, String what, int[] chars) throws RegistryException {
        JsonNode list = BoundedJson.array(c, field, what);
        if (list.size() > MAX_ARGS) {
            throw tooBig(what + "'s " + field + " has " + list.size() + " arguments, more than " + MAX_ARGS);
        }
        return texts(list, field, what, chars);
    }

    private static List<String> texts(JsonNode array, String field, String what, int[] chars) throws RegistryException {
        List<String> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new RegistryException(
                        RegistryException.Kind.PROTOCOL, what + "'s " + field + " is not a list of strings");
            }
            chars[0] += n.textValue().length();
            if (chars[0] > MAX_KEPT_CHARS) {
                throw tooBig(
                        what + "'s Entrypoint, Cmd, Env and WorkingDir hold over " + (MAX_KEPT_CHARS >> 10) + " KiB");
            }
            out.add(n.textValue());
        }
        return out;
    }

    private static RegistryException tooBig(String message) {
        return new RegistryException(RegistryException.Kind.LIMIT, message + ": not read");
    }

    private static String orDefault(String s, String fallback) {
        return s == null || s.isEmpty() ? fallback : s;
    }

    /** Rough heap cost of what is kept, for bounding the results cache by memory. */
    long weight() {
        long w = 256;
        for (String s : entrypoint) {
            w += 48 + s.length();
        }
        for (String s : cmd) {
            w += 48 + s.length();
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            w += 96 + e.getKey().length() + e.getValue().length();
        }
        return w + 80L * diffIds.size() + workingDir.length();
    }
}
