package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageRefTest {
    @Test
    void dockerHubNamesLiveUnderLibrary() {
        ImageRef alpine = ImageRef.parse("alpine:3.16");
        assertThat(alpine.registryHost()).isEqualTo("docker.io");
        assertThat(alpine.apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(alpine.repositoryPath()).isEqualTo("library/alpine");
        assertThat(ImageRef.parse("bitnami/redis").repositoryPath()).isEqualTo("bitnami/redis");
        assertThat(ImageRef.parse("bitnami/redis").reference()).isEqualTo("latest");
        ImageRef local = ImageRef.parse("127.0.0.1:5000/acme/orders:1.4@sha256:" + "a".repeat(64));
        assertThat(local.apiHost()).isEqualTo("127.0.0.1:5000");
        assertThat(local.reference()).startsWith("sha256:");
        assertThat(local.withoutDigest().toString()).isEqualTo("127.0.0.1:5000/acme/orders:1.4");
    }

    @Test
    void invalidReferencesSayWhy() {
        assertThat(ImageRef.parse("acme/Orders:1.4").problems())
                .isEmpty(); // lower-cased on parse, as the name heuristics need
        assertThat(ImageRef.parse("acme//orders").problems()).isNotEmpty();
        assertThat(ImageRef.parse("acme/orders:bad tag").problems()).anyMatch(p -> p.contains("not a tag"));
        assertThat(ImageRef.parse("acme/orders@sha256:123").problems())
                .anyMatch(p -> p.contains("not a sha256 digest"));
    }

    @Test
    void platforms() {
        assertThat(Platform.parse("linux/arm64")).isEqualTo(Platform.parse("linux/arm64/v8"));
        assertThat(Platform.parse("linux/amd64").matches("linux", "amd64", null))
                .isTrue();
        assertThat(Platform.parse("linux/arm64").matches("linux", "arm64", "v8"))
                .isTrue();
        assertThat(Platform.parse("linux/arm/v7").matches("linux", "arm", "v6")).isFalse();
        assertThat(Platform.parse("linux/amd64").matches("unknown", "unknown", null))
                .isFalse();
        assertThatThrownBy(() -> Platform.parse("amd64")).hasMessageContaining("not a platform like linux/amd64");
    }
}
