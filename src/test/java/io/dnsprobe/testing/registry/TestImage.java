package io.dnsprobe.testing.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-platform image: layers (bottom first), its config JSON and its manifest JSON, in OCI or Docker
 * v2 schema 2 media types. The JSON bytes are produced once and hashed as they are, so {@link #digest()} is
 * what the registry will answer in Docker-Content-Digest.
 */
public final class TestImage {
    public enum Format {
        OCI("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.config.v1+json"),
        DOCKER(
                "application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.docker.container.image.v1+json");

        private final String manifestType;
        private final String configType;

        Format(String manifestType, String configType) {
            this.manifestType = manifestType;
            this.configType = configType;
        }

        public String manifestMediaType() {
            return manifestType;
        }

        public String configMediaType() {
            return configType;
        }
    }

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Format format;
    private final String os;
    private final String architecture;
    private final String variant;
    private final List<Layer> layers;
    private final byte[] config;
    private final String configDigest;
    private final byte[] manifest;
    private final String digest;

    private TestImage(Builder b) {
        this.format = b.format;
        this.os = b.os;
        this.architecture = b.architecture;
        this.variant = b.variant;
        this.layers = List.copyOf(b.layers);
        this.config = Util.json(configTree(b));
        this.configDigest = Util.digest(config);
        this.manifest = Util.json(manifestTree(b));
        this.digest = Util.digest(manifest);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Format format() {
        return format;
    }

    public String os() {
        return os;
    }

    public String architecture() {
        return architecture;
    }

    /** null when the platform has none. */
    public String variant() {
        return variant;
    }

    /** "linux/amd64" or "linux/arm64/v8". */
    public String platform() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }

    public List<Layer> layers() {
        return layers;
    }

    public List<String> diffIds() {
        return layers.stream().map(Layer::diffId).toList();
    }

    public List<String> layerDigests() {
        return layers.stream().map(Layer::digest).toList();
    }

    public byte[] configJson() {
        return config.clone();
    }

    public String configDigest() {
        return configDigest;
    }

    public String configMediaType() {
        return format.configMediaType();
    }

    public byte[] manifestJson() {
        return manifest.clone();
    }

    /** The manifest's digest: what a push of this image returns. */
    public String digest() {
        return digest;
    }

    public String mediaType() {
        return format.manifestMediaType();
    }

    public String layerMediaType(Layer layer) {
        return format == Format.OCI ? layer.ociMediaType() : layer.dockerMediaType();
    }

    private Map<String, Object> configTree(Builder b) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architecture", b.architecture);
        if (b.variant != null) {
            c.put("variant", b.variant);
        }
        c.put("os", b.os);
        c.put("created", b.created.toString());
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("Env", b.env);
        if (b.entrypoint != null) {
            runtime.put("Entrypoint", b.entrypoint);
        }
        if (b.cmd != null) {
            runtime.put("Cmd", b.cmd);
        }
        if (b.workingDir != null) {
            runtime.put("WorkingDir", b.workingDir);
        }
        if (!b.labels.isEmpty()) {
            runtime.put("Labels", b.labels);
        }
        c.put("config", runtime);
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("type", "layers");
        rootfs.put("diff_ids", b.layers.stream().map(Layer::diffId).toList());
        c.put("rootfs", rootfs);
        List<Map<String, Object>> history = new ArrayList<>();
        for (int i = 0; i < b.layers.size(); i++) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("created", b.created.toString());
            h.put("created_by", i < b.history.size() ? b.history.get(i) : "COPY layer" + i + " / # buildkit");
            history.add(h);
        }
        c.put("history", history);
        return c;
    }

    private Map<String, Object> manifestTree(Builder b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", b.format.manifestMediaType());
        m.put("config", descriptor(b.format.configMediaType(), configDigest, config.length));
        List<Object> ls = new ArrayList<>();
        for (Layer l : b.layers) {
            ls.add(descriptor(b.format == Format.OCI ? l.ociMediaType() : l.dockerMediaType(), l.digest(), l.size()));
        }
        m.put("layers", ls);
        return m;
    }

    static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    @Override
    public String toString() {
        return "TestImage[" + platform() + ", " + format + ", " + digest + ", " + layers.size() + " layers]";
    }

    public static final class Builder {
        private Format format = Format.OCI;
        private String os = "linux";
        private String architecture = "amd64";
        private String variant;
        private final List<Layer> layers = new ArrayList<>();
        private final List<String> history = new ArrayList<>();
        private List<String> entrypoint;
        private List<String> cmd;
        private List<String> env = new ArrayList<>(List.of("PATH=" + DEFAULT_PATH));
        private String workingDir;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Instant created = Layer.DEFAULT_MTIME;

        private Builder() {}

        public Builder format(Format f) {
            this.format = f;
            return this;
        }

        /** e.g. platform("linux", "arm64", "v8"); variant may be null. */
        public Builder platform(String os, String architecture, String variant) {
            this.os = os;
            this.architecture = architecture;
            this.variant = variant;
            return this;
        }

        public Builder layer(Layer layer) {
            layers.add(layer);
            return this;
        }

        /** A layer with the history line a build tool would have recorded for it. */
        public Builder layer(Layer layer, String createdBy) {
            while (history.size() < layers.size()) {
                history.add("COPY layer" + history.size() + " / # buildkit");
            }
            layers.add(layer);
            history.add(createdBy);
            return this;
        }

        public Builder layers(List<Layer> ls) {
            ls.forEach(this::layer);
            return this;
        }

        public Builder entrypoint(String... args) {
            this.entrypoint = Arrays.asList(args);
            return this;
        }

        public Builder cmd(String... args) {
            this.cmd = Arrays.asList(args);
            return this;
        }

        /** No Cmd at all (as a Dockerfile ENTRYPOINT leaves it), unlike cmd() which writes an empty list. */
        public Builder noCmd() {
            this.cmd = null;
            return this;
        }

        /** Replaces the environment (default: just PATH=DEFAULT_PATH); entries are "NAME=value". */
        public Builder env(String... entries) {
            this.env = new ArrayList<>(Arrays.asList(entries));
            return this;
        }

        public Builder addEnv(String entry) {
            env.add(entry);
            return this;
        }

        public Builder workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder created(Instant t) {
            this.created = t;
            return this;
        }

        public TestImage build() {
            if (layers.isEmpty()) {
                throw new IllegalStateException("an image needs at least one layer");
            }
            return new TestImage(this);
        }
    }
}
