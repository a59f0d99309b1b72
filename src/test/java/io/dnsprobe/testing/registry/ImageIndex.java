package io.dnsprobe.testing.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A multi-platform image: an OCI image index or a Docker manifest list over platform manifests, optionally
 * with BuildKit-style provenance attestations (an extra "unknown/unknown" entry per attested image, which a
 * platform picker must skip).
 */
public final class ImageIndex {
    public enum Format {
        OCI("application/vnd.oci.image.index.v1+json"),
        DOCKER("application/vnd.docker.distribution.manifest.list.v2+json");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    /**
     * An attestation manifest as BuildKit pushes it: an OCI manifest whose config says unknown/unknown and whose
     * one layer is an in-toto statement about {@code subject} (the attested image's manifest digest).
     */
    public record Attestation(
            String subject,
            byte[] manifest,
            String digest,
            byte[] config,
            String configDigest,
            byte[] statement,
            String statementDigest) {
        public static final String STATEMENT_MEDIA_TYPE = "application/vnd.in-toto+json";

        public String mediaType() {
            return TestImage.Format.OCI.manifestMediaType();
        }
    }

    private final Format format;
    private final List<TestImage> images;
    private final List<Attestation> attestations;
    private final byte[] json;
    private final String digest;
    private final int entries;

    private ImageIndex(Builder b) {
        this.format = b.format;
        this.images = List.copyOf(b.images);
        this.attestations = List.copyOf(b.attestations);
        List<Object> manifests = new ArrayList<>();
        for (TestImage i : images) {
            Map<String, Object> d = TestImage.descriptor(i.mediaType(), i.digest(), i.manifestJson().length);
            Map<String, Object> platform = new LinkedHashMap<>();
            platform.put("architecture", i.architecture());
            platform.put("os", i.os());
            if (i.variant() != null) {
                platform.put("variant", i.variant());
            }
            d.put("platform", platform);
            manifests.add(d);
        }
        for (Attestation a : attestations) {
            Map<String, Object> d = TestImage.descriptor(a.mediaType(), a.digest(), a.manifest().length);
            d.put(
                    "annotations",
                    new TreeMap<>(Map.of(
                            "vnd.docker.reference.digest",
                            a.subject(),
                            "vnd.docker.reference.type",
                            "attestation-manifest")));
            Map<String, Object> platform = new LinkedHashMap<>();
            platform.put("architecture", "unknown");
            platform.put("os", "unknown");
            d.put("platform", platform);
            manifests.add(d);
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("schemaVersion", 2);
        tree.put("mediaType", format.mediaType());
        tree.put("manifests", manifests);
        this.json = Util.json(tree);
        this.digest = Util.digest(json);
        this.entries = manifests.size();
    }

    public static Builder oci() {
        return new Builder(Format.OCI);
    }

    public static Builder dockerList() {
        return new Builder(Format.DOCKER);
    }

    public Format format() {
        return format;
    }

    public String mediaType() {
        return format.mediaType();
    }

    public byte[] json() {
        return json.clone();
    }

    public String digest() {
        return digest;
    }

    /** Platform images, in index order (attestations come after them). */
    public List<TestImage> images() {
        return images;
    }

    public List<Attestation> attestations() {
        return attestations;
    }

    /** Number of entries in "manifests", attestations included. */
    public int size() {
        return entries;
    }

    public static final class Builder {
        private final Format format;
        private final List<TestImage> images = new ArrayList<>();
        private final List<Attestation> attestations = new ArrayList<>();

        private Builder(Format format) {
            this.format = format;
        }

        public Builder add(TestImage image) {
            images.add(image);
            return this;
        }

        /** Adds a provenance attestation entry for {@code image} (which should also be added). */
        public Builder attestation(TestImage image) {
            attestations.add(attest(image));
            return this;
        }

        public ImageIndex build() {
            return new ImageIndex(this);
        }
    }

    private static Attestation attest(TestImage image) {
        String hex = image.digest().substring("sha256:".length());
        String statement = """
                {"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2",\
                "subject":[{"name":"pkg:docker/app@latest?platform=%s","digest":{"sha256":"%s"}}],\
                "predicate":{"builder":{"id":""},"buildType":"https://mobyproject.org/buildkit@v1",\
                "metadata":{"buildStartedOn":"2024-01-01T00:00:00Z","completeness":{"parameters":false,"environment":true,"materials":false},"reproducible":false}}}""".formatted(image.platform().replace("/", "%2F"), hex);
        byte[] statementBytes = statement.getBytes(StandardCharsets.UTF_8);
        String statementDigest = Util.digest(statementBytes);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "unknown");
        config.put("os", "unknown");
        config.put("config", Map.of());
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("type", "layers");
        rootfs.put("diff_ids", List.of(statementDigest));
        config.put("rootfs", rootfs);
        byte[] configBytes = Util.json(config);
        String configDigest = Util.digest(configBytes);
        Map<String, Object> layer =
                TestImage.descriptor(Attestation.STATEMENT_MEDIA_TYPE, statementDigest, statementBytes.length);
        layer.put("annotations", Map.of("in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2"));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", TestImage.Format.OCI.manifestMediaType());
        manifest.put(
                "config",
                TestImage.descriptor(TestImage.Format.OCI.configMediaType(), configDigest, configBytes.length));
        manifest.put("layers", List.of(layer));
        byte[] manifestBytes = Util.json(manifest);
        return new Attestation(
                image.digest(),
                manifestBytes,
                Util.digest(manifestBytes),
                configBytes,
                configDigest,
                statementBytes,
                statementDigest);
    }
}
