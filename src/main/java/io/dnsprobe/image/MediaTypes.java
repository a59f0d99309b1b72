package io.dnsprobe.image;

/** The media types of the OCI image spec and Docker's image manifest v2 schema 2. */
public final class MediaTypes {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1";

    private MediaTypes() {}

    public static boolean isIndex(String type) {
        return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type);
    }

    public static boolean isManifest(String type) {
        return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
    }

    /** How a layer's bytes are compressed, from its media type; null for a type that is not a layer dnsprobe reads. */
    static Compression compression(String layerType) {
        if (layerType == null) {
            return null;
        }
        return switch (layerType) {
            case "application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar" ->
                Compression.NONE;
            case "application/vnd.oci.image.layer.v1.tar+gzip",
                    "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" -> Compression.GZIP;
            case "application/vnd.oci.image.layer.v1.tar+zstd",
                    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" -> Compression.ZSTD;
            default -> null;
        };
    }

    enum Compression {
        NONE,
        GZIP,
        ZSTD
    }
}
