package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.libc.MuslVersion;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibcDetectorTest {
    private final LibcDetector detector =
            new LibcDetector(Map.of("registry.corp/base/*", "glibc", "*/distroless-*", "static"));

    private Libc detect(String image) {
        return detector.detect(image, null);
    }

    @Test
    void alpineReleasesMapToTheirMusl() {
        assertThat(detect("alpine:3.14").label()).isEqualTo("musl 1.2.2");
        assertThat(detect("alpine:3.14").model()).contains(MuslVersion.UP_TO_1_2_3);
        assertThat(detect("alpine:3.12.1").label()).isEqualTo("musl 1.1.24");
        assertThat(detect("docker.io/library/alpine:3.17").label()).isEqualTo("musl 1.2.3");
        assertThat(detect("alpine:3.18").model()).contains(MuslVersion.V1_2_4);
        assertThat(detect("alpine:3.19").label()).isEqualTo("musl 1.2.4_git20230717");
        assertThat(detect("alpine:3.19").model()).contains(MuslVersion.V1_2_4_GIT20230717);
        assertThat(detect("node:22-alpine3.19").model()).contains(MuslVersion.V1_2_4_GIT20230717);
        assertThat(detect("alpine:3.20@sha256:0123abcd").model()).contains(MuslVersion.FROM_1_2_5);
        assertThat(detect("alpine:3.22").model()).contains(MuslVersion.FROM_1_2_5);
    }

    @Test
    void alpineVariantsOfOtherImagesAreMusl() {
        assertThat(detect("node:20-alpine3.16").label()).isEqualTo("musl 1.2.3");
        assertThat(detect("registry.example.com:5000/team/app:1.4-alpine3.18").model())
                .contains(MuslVersion.V1_2_4);
        assertThat(detect("python:3.12-alpine").muslUnknownVersion()).isTrue();
        assertThat(detect("python:3.12-alpine").label()).isEqualTo("musl if Alpine < 3.18");
        assertThat(detect("alpine").muslUnknownVersion()).isTrue();
        assertThat(detect("alpine:latest").muslUnknownVersion()).isTrue();
    }

    @Test
    void otherImagesAreNotMusl() {
        assertThat(detect("eclipse-temurin:17-jre").isMusl()).isFalse();
        assertThat(detect("nginx:1.27").kind()).isEqualTo(Libc.Kind.UNKNOWN);
        assertThat(detect("myalpineapp:1.0").isMusl())
                .as("'alpine' inside another word")
                .isFalse();
    }

    @Test
    void theAnnotationWinsThenTheRules() {
        assertThat(detector.detect("eclipse-temurin:17", "musl-1.2.3").model()).contains(MuslVersion.UP_TO_1_2_3);
        assertThat(detector.detect("alpine:3.14", "glibc").isMusl()).isFalse();
        assertThat(detector.detect("alpine:3.14", "musl").muslUnknownVersion()).isTrue();
        assertThat(detector.detect("alpine:3.14", "nonsense").label())
                .as("unknown value falls through")
                .isEqualTo("musl 1.2.2");
        assertThat(detect("registry.corp/base/alpine:3.14").kind()).isEqualTo(Libc.Kind.GLIBC);
        assertThat(detect("gcr.io/distroless-static:nonroot").kind()).isEqualTo(Libc.Kind.STATIC);
        assertThat(LibcDetector.fromValue("musl-1.2.5").flatMap(Libc::model))
                .isEqualTo(Optional.of(MuslVersion.FROM_1_2_5));
        assertThat(LibcDetector.fromValue("musl-1.2.4_git20230717").flatMap(Libc::model))
                .as("the snapshot's model id, as an annotation writes it")
                .contains(MuslVersion.V1_2_4_GIT20230717);
        assertThat(LibcDetector.fromValue("musl-1.2.4").flatMap(Libc::model)).contains(MuslVersion.V1_2_4);
        assertThat(LibcDetector.fromValue("musl-1.2.4_gitnonsense")).isEmpty();
    }
}
