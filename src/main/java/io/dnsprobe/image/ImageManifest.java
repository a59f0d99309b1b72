package io.dnsprobe.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an image manifest that are read: the config's digest and the layers' descriptors, checked
 * for shape (a manifest from a registry is input like any other: {@code layers} that is not a list, a size
 * that is not a byte count or a digest that is not a sha256 is a clear error, not an exception).
 */
record ImageManifest(String configDigest, List<Descriptor> layers) {

    /** A layer as the manifest lists it; {@code size} -1 when the manifest does not say. */
    record Descriptor(String mediaType, String digest, long size) {}

    ImageManifest {
        layers = List.copyOf(layers);
    }

    static ImageManifest parse(JsonNode m, int maxLayers) throws RegistryException {
        String what = "the manifest";
        JsonNode list = BoundedJson.array(m, "layers", what);
        if (list.size() > maxLayers) {
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    "the image has " + list.size() + " layers, more than " + maxLayers
                            + " (dnsprobe.image.max-layers)");
        }
        JsonNode config = BoundedJson.object(m, "config", what);
        String configDigest = BoundedJson.text(config, "digest", what + "'s config");
        if (configDigest == null || !Digests.isSha256(configDigest)) {
            throw new RegistryException(
                    RegistryException.Kind.PROTOCOL, "the manifest names no config (a sha256 digest)");
        }
        List<Descriptor> layers = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode d = list.get(i);
            String layer = "layer " + (i + 1) + "/" + list.size() + " of the manifest";
            if (!d.isObject()) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, layer + " is not an object");
            }
            String type = BoundedJson.text(d, "mediaType", layer);
            String digest = BoundedJson.text(d, "digest", layer);
            if (digest == null || !Digests.isSha256(digest)) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, layer + " has no sha256 digest");
            }
            layers.add(new Descriptor(type == null ? "" : type, digest, BoundedJson.size(d, "size", layer)));
        }
        return new ImageManifest(configDigest, layers);
    }
}
