package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.libc.MuslVersion;
import org.junit.jupiter.api.Test;

class ApkVersionTest {
    private static int cmp(String a, String b) {
        return Integer.signum(ApkVersion.parse(a).compareTo(ApkVersion.parse(b)));
    }

    @Test
    void comparesAsApkDoesNotAsStrings() {
        assertThat(cmp("1.2.10", "1.2.9")).isEqualTo(1);
        assertThat(cmp("1.2.4_git20230717-r4", "1.2.4-r2"))
                .as("_git is after the release")
                .isEqualTo(1);
        assertThat(cmp("1.2.4_git20230717-r4", "1.2.5")).isEqualTo(-1);
        assertThat(cmp("1.2.5_rc1", "1.2.5")).as("_rc is before the release").isEqualTo(-1);
        assertThat(cmp("1.2.3-r2", "1.2.3-r10")).isEqualTo(-1);
        assertThat(cmp("1.2.3a", "1.2.3")).isEqualTo(1);
        assertThat(cmp("1.2.3_p1", "1.2.3_git1")).as("_p sorts after _git").isEqualTo(1);
        assertThat(cmp("2.36", "2.36")).isZero();
        assertThat(ApkVersion.parse("1.2.4_git20230717-r4").upstream()).isEqualTo("1.2.4_git20230717");
    }

    @Test
    void muslBuildsMapToTheirModel() {
        assertThat(LibcFinder.musl("1.2.2-r3").model()).contains(MuslVersion.UP_TO_1_2_3);
        assertThat(LibcFinder.musl("1.1.24-r10").model()).contains(MuslVersion.UP_TO_1_2_3);
        assertThat(LibcFinder.musl("1.2.3-r2").label()).isEqualTo("musl 1.2.3");
        assertThat(LibcFinder.musl("1.2.4-r2").model()).contains(MuslVersion.V1_2_4);
        assertThat(LibcFinder.musl("1.2.4_git20230717-r4").model()).contains(MuslVersion.V1_2_4_GIT20230717);
        assertThat(LibcFinder.musl("1.2.4_git20230501").model())
                .as("a snapshot before 83b858f8")
                .contains(MuslVersion.V1_2_4);
        assertThat(LibcFinder.musl("1.2.4_git20230717-r4").label()).isEqualTo("musl 1.2.4_git20230717");
        assertThat(LibcFinder.musl("1.2.5-r0").model()).contains(MuslVersion.FROM_1_2_5);
        assertThat(LibcFinder.musl("1.2.10").model()).contains(MuslVersion.FROM_1_2_5);
    }
}
