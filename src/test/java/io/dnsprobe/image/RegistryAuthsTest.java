package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryAuthsTest {
    private static String auth(String userPass) {
        return Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    private static RegistryAuths parse(String json) throws Exception {
        return RegistryAuths.parse(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void aPasswordWithColonsIsSplitAtTheFirstOnly() throws Exception {
        RegistryAuths a = parse("{\"auths\":{\"registry.corp:5000\":{\"auth\":\"" + auth("robot:pa:ss:word") + "\"}}}");
        assertThat(a.forImage(ImageRef.parse("registry.corp:5000/team/app:1")))
                .containsExactly(new Credential("robot", "pa:ss:word"));
    }

    @Test
    void keysMatchAsKubeletMatchesThem() throws Exception {
        RegistryAuths a = parse("""
                {"auths": {
                  "https://registry.corp": {"username": "any", "password": "p1"},
                  "registry.corp/team": {"auth": "%s"},
                  "*.cloud.example": {"auth": "%s"},
                  "https://index.docker.io/v1/": {"auth": "%s"},
                  "registry.corp:5000": {"auth": "%s"}
                }}""".formatted(auth("team:p2"), auth("glob:p3"), auth("hub:p4"), auth("port:p5")));
        assertThat(a.forImage(ImageRef.parse("registry.corp/team/app:1")))
                .as("a longer path is more specific")
                .extracting(Credential::username)
                .containsExactly("team", "any");
        assertThat(a.forImage(ImageRef.parse("registry.corp/other/app:1")))
                .extracting(Credential::username)
                .containsExactly("any");
        assertThat(a.forImage(ImageRef.parse("registry.corp/teamwork/app:1")))
                .as("a path prefix is whole components")
                .extracting(Credential::username)
                .containsExactly("any");
        assertThat(a.forImage(ImageRef.parse("registry.corp:5000/team/app")))
                .as("the port must match")
                .extracting(Credential::username)
                .containsExactly("port");
        assertThat(a.forImage(ImageRef.parse("eu.cloud.example/app")))
                .extracting(Credential::username)
                .containsExactly("glob");
        assertThat(a.forImage(ImageRef.parse("a.eu.cloud.example/app")))
                .as("one label per *")
                .isEmpty();
        assertThat(a.forImage(ImageRef.parse("alpine:3.16")))
                .as("Docker Hub's v1 key")
                .extracting(Credential::username)
                .containsExactly("hub");
        assertThat(a.forImage(ImageRef.parse("quay.io/x/y"))).isEmpty();
    }

    @Test
    void whatCannotBeUsedIsSaidNotThrown() throws Exception {
        RegistryAuths a = parse(
                "{\"auths\":{\"a.io\":{\"auth\":\"%%%\"},\"b.io\":{\"identitytoken\":\"x\"}},\"credsStore\":\"desktop\"}");
        assertThat(a.isEmpty()).isTrue();
        assertThat(a.warnings())
                .hasSize(3)
                .anyMatch(w -> w.contains("identitytoken is not supported"))
                .anyMatch(w -> w.contains("credential helpers"));
        assertThatThrownBy(() -> parse("not json")).hasMessageStartingWith("test is not a docker config");
    }

    @Test
    void credentialsNeverShowTheirSecret() {
        Credential c = new Credential("robot", "s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThat(c.id()).doesNotContain("s3cret").isNotEqualTo(new Credential("robot", "other").id());
    }
}
