package io.dnsprobe.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An image reference split as the container runtime reads it: {@code [registry/]repository[:tag][@digest]}.
 * The registry is the first path component when it has a dot or a port or is {@code localhost}; without
 * one the image is on Docker Hub, where a single-component name lives under {@code library/}.
 *
 * @param registry as written, null when the reference names none (Docker Hub)
 */
public record ImageRef(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    /** Where Docker Hub's registry API answers: {@code docker.io} itself only redirects browsers. */
    static final String DOCKER_HUB_API = "registry-1.docker.io";

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

    /** The registry as credentials name it: {@code docker.io} when the reference names none. */
    public String registryHost() {
        if (registry == null || registry.equals("index.docker.io") || registry.equals(DOCKER_HUB_API)) {
            return DOCKER_HUB;
        }
        return registry.toLowerCase(Locale.ROOT);
    }

    /** Host and port the registry API is asked at. */
    public String apiHost() {
        String host = registryHost();
        return host.equals(DOCKER_HUB) ? DOCKER_HUB_API : host;
    }

    /** The repository path in API URLs: {@code library/alpine} for Docker Hub's {@code alpine}. */
    public String repositoryPath() {
        return registryHost().equals(DOCKER_HUB) && !repository.contains("/") ? "library/" + repository : repository;
    }

    /** What to ask the registry for: the digest when pinned, else the tag ({@code latest} when none). */
    public String reference() {
        return digest != null ? digest : tag != null ? tag : "latest";
    }

    public ImageRef withDigest(String newDigest) {
        return new ImageRef(registry, repository, tag, newDigest);
    }

    /** The same image without its digest: what a tag cache is keyed by. */
    public ImageRef withoutDigest() {
        return new ImageRef(registry, repository, tag, null);
    }

    /**
     * What is wrong with this reference by the distribution spec's grammar (lowercase path components of
     * letters and digits joined by {@code . _ __ -}; tags of up to 128 word characters, dots and dashes;
     * {@code sha256:} digests of 64 hex digits). Empty when it can be asked for.
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (repository.isEmpty()) {
            out.add("no repository");
        }
        for (String component : repository.split("/", -1)) {
            if (!component.matches("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")) {
                out.add("'" + component + "' is not a repository name component (lowercase letters, digits, . _ -)");
                break;
            }
        }
        if (tag != null && !tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
            out.add("'" + tag + "' is not a tag");
        }
        if (digest != null && !Digests.isSha256(digest)) {
            out.add("'" + digest + "' is not a sha256 digest");
        }
        return out;
    }

    @Override
    public String toString() {
        return (registry == null ? "" : registry + "/")
                + repository
                + (tag == null ? "" : ":" + tag)
                + (digest == null ? "" : "@" + digest);
    }
}
