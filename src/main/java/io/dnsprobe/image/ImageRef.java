package io.dnsprobe.image;

import java.util.Locale;

/**
 * An image reference split as the container runtime reads it: {@code [registry/]repository[:tag][@digest]}.
 * The registry is the first path component when it has a dot or a port or is {@code localhost}.
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

    public static ImageRef parse(String image) {
        String rest = image.trim();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        return new ImageRef(registry, rest.toLowerCase(Locale.ROOT), tag, digest);
    }

    /** The last path component: {@code alpine} for {@code docker.io/library/alpine}. */
    public String name() {
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return (registry == null ? "" : registry + "/") + repository + (tag == null ? "" : ":" + tag)
                + (digest == null ? "" : "@" + digest);
    }
}
