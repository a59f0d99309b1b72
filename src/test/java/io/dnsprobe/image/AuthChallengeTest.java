package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void parametersInAnyOrderQuotedOrNot() {
        AuthChallenge c = AuthChallenge.parse(
                        "Bearer service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\","
                                + "realm=\"https://auth.docker.io/token\"")
                .orElseThrow();
        assertThat(c.bearer()).isTrue();
        assertThat(c.realm()).isEqualTo("https://auth.docker.io/token");
        assertThat(c.service()).isEqualTo("registry.docker.io");
        assertThat(c.params()).containsEntry("scope", "repository:library/alpine:pull");
        AuthChallenge basic = AuthChallenge.parse("Basic realm=Registry Realm").orElseThrow();
        assertThat(basic.basic()).isTrue();
        assertThat(basic.realm()).isEqualTo("Registry Realm");
        assertThat(AuthChallenge.parse("")).isEmpty();
    }
}
