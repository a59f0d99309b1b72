package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.registry.DockerRegistry;
import io.dnsprobe.testing.registry.HostileRegistry;
import io.dnsprobe.testing.registry.ImagePusher;
import io.dnsprobe.testing.registry.TestCa;
import io.dnsprobe.testing.registry.TestImages;
import io.dnsprobe.testing.registry.TokenServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Basic and bearer-token auth against a real registry, wrong credentials, TLS with a private CA, redirects. */
class RegistryAuthIT {
    private static final String USER = "robot";
    private static final String PASSWORD = "pa:ss:wo:rd";

    private static RegistryAuths auths(String host, String user, String password) throws Exception {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return RegistryAuths.parse(
                ("{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}").getBytes(StandardCharsets.UTF_8),
                "test");
    }

    private static ImageInspection inspect(ImageInspector i, String ref, RegistryAuths auths) throws Exception {
        return i.inspect(ImageRef.parse(ref), Platform.LINUX_AMD64, auths, ImageInspector.Priority.INTERACTIVE)
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    static String tokenHost(TokenServer tokens) {
        return java.net.URI.create(tokens.realm()).getRawAuthority();
    }

    private static void pushOrders(DockerRegistry r, ImagePusher pusher) {
        pusher.push("acme/orders", "1.4", TestImages.image("acme/orders:1.4"));
        pusher.push("acme/orders", "1.5", TestImages.image("acme/upgraded:1"));
        pusher.push("acme/orders", "1.6", TestImages.image("acme/gateway:2.0"));
    }

    @Test
    void basicAuthWithAColonInThePasswordAndWrongCredentialsCostTwoRequests() throws Exception {
        try (DockerRegistry r =
                DockerRegistry.builder().htpasswd(USER, PASSWORD).start()) {
            pushOrders(r, new ImagePusher(r));
            String ref = r.host() + "/acme/orders:1.4";
            RegistryClient client =
                    RegistryClient.builder().insecure(Set.of(r.host())).build();
            try (ImageInspector i =
                    ImageInspector.builder(client).failureTtl(Duration.ZERO).build()) {
                ImageInspection ok = inspect(i, ref, auths(r.host(), USER, PASSWORD));
                assertThat(ok.problem()).isNull();
                assertThat(ok.libc().label()).isEqualTo("musl 1.2.3");

                ImageInspection anonymous = inspect(i, r.host() + "/acme/orders:1.5", RegistryAuths.NONE);
                assertThat(anonymous.problemKind()).isEqualTo(RegistryException.Kind.AUTH);
                assertThat(anonymous.problem()).contains("needs credentials").contains("acme/orders");

                int before = client.requestsTo(r.host());
                ImageInspection wrong = inspect(i, r.host() + "/acme/orders:1.5", auths(r.host(), USER, "nope"));
                assertThat(wrong.problemKind()).isEqualTo(RegistryException.Kind.AUTH);
                assertThat(wrong.problem())
                        .contains("refused the credentials of user robot")
                        .doesNotContain("nope");
                // The wrong credential, then anonymous: each one challenge and one retry, no storm.
                assertThat(client.requestsTo(r.host()) - before).isLessThanOrEqualTo(4);
            }
        }
    }

    @Test
    void bearerTokensAreReusedAndNeverSharedAcrossCredentials() throws Exception {
        try (TokenServer tokens = TokenServer.builder()
                        .user(USER, PASSWORD)
                        .user("other", "secret")
                        .anonymousPull(false)
                        .start();
                DockerRegistry r = DockerRegistry.builder().tokenAuth(tokens).start()) {
            pushOrders(r, new ImagePusher(r, USER, PASSWORD));
            tokens.resetCounts();
            // The token server speaks plain HTTP too: credentials go to it only because it is listed.
            RegistryClient client = RegistryClient.builder()
                    .insecure(Set.of(r.host(), tokenHost(tokens)))
                    .build();
            try (ImageInspector i =
                    ImageInspector.builder(client).failureTtl(Duration.ZERO).build()) {
                assertThat(inspect(i, r.host() + "/acme/orders:1.4", auths(r.host(), USER, PASSWORD))
                                .problem())
                        .isNull();
                assertThat(tokens.requests(USER)).isEqualTo(1);
                assertThat(inspect(i, r.host() + "/acme/orders:1.5", auths(r.host(), USER, PASSWORD))
                                .problem())
                        .isNull();
                assertThat(tokens.requests(USER))
                        .as("one token for the repository, reused")
                        .isEqualTo(1);

                ImageInspection other = inspect(i, r.host() + "/acme/orders:1.6", auths(r.host(), "other", "secret"));
                assertThat(other.problem()).isNull();
                assertThat(tokens.requests("other"))
                        .as("another credential gets its own token")
                        .isEqualTo(1);

                ImageInspection anonymous = inspect(i, r.host() + "/acme/orders:1.4", RegistryAuths.NONE);
                assertThat(anonymous.failed())
                        .as("a cached result is not a token: digest known, result cached")
                        .isFalse();

                ImageInspection wrong = inspect(i, r.host() + "/acme/missing:1", auths(r.host(), USER, "nope"));
                assertThat(wrong.problemKind()).isEqualTo(RegistryException.Kind.AUTH);
                assertThat(wrong.problem()).contains("token server").contains("refused the credentials of user robot");
            }
        }
    }

    @Test
    void anonymousTokensWorkWhereTheRegistryAllowsThem() throws Exception {
        try (TokenServer tokens = TokenServer.builder()
                        .user(USER, PASSWORD)
                        .anonymousPull(true)
                        .start();
                DockerRegistry r = DockerRegistry.builder().tokenAuth(tokens).start()) {
            pushOrders(r, new ImagePusher(r, USER, PASSWORD));
            RegistryClient client = RegistryClient.builder()
                    .insecure(Set.of(r.host(), tokenHost(tokens)))
                    .build();
            try (ImageInspector i = ImageInspector.builder(client).build()) {
                assertThat(inspect(i, r.host() + "/acme/orders:1.4", RegistryAuths.NONE)
                                .libc()
                                .label())
                        .isEqualTo("musl 1.2.3");
                assertThat(tokens.requests(TokenServer.ANONYMOUS)).isEqualTo(1);
            }
        }
    }

    @Test
    void aPrivateCaIsTrustedOnlyWhenGiven() throws Exception {
        try (TestCa ca = TestCa.create();
                DockerRegistry r = DockerRegistry.builder().tls(ca).start()) {
            pushOrders(r, new ImagePusher(r));
            String ref = r.host() + "/acme/orders:1.4";
            try (ImageInspector untrusted =
                    ImageInspector.builder(RegistryClient.builder().build()).build()) {
                ImageInspection refused = inspect(untrusted, ref, RegistryAuths.NONE);
                assertThat(refused.problemKind()).isEqualTo(RegistryException.Kind.TLS);
                assertThat(refused.problem()).contains("private CA");
            }
            RegistryClient trusting = RegistryClient.builder()
                    .sslContext(TrustedCertificates.withExtraCas(List.of(ca.caPem())))
                    .build();
            try (ImageInspector i = ImageInspector.builder(trusting).build()) {
                assertThat(inspect(i, ref, RegistryAuths.NONE).libc().label()).isEqualTo("musl 1.2.3");
            }
        }
    }

    @Test
    void aRedirectToAnotherHostCarriesNoCredentials() throws Exception {
        try (DockerRegistry r =
                        DockerRegistry.builder().htpasswd(USER, PASSWORD).start();
                HostileRegistry front = new HostileRegistry(r)) {
            pushOrders(r, new ImagePusher(r));
            front.redirectBlobs();
            try (ImageInspector strict = ImageInspector.builder(RegistryClient.builder()
                            .insecure(Set.of(front.host()))
                            .build())
                    .build()) {
                ImageInspection refused =
                        inspect(strict, front.host() + "/acme/orders:1.4", auths(front.host(), USER, PASSWORD));
                assertThat(refused.problemKind())
                        .as("a redirect to plain HTTP on a host not listed as insecure")
                        .isEqualTo(RegistryException.Kind.INVALID);
                assertThat(refused.problem()).contains("redirected to http://" + front.redirectHost());
            }
            RegistryClient client = RegistryClient.builder()
                    .insecure(Set.of(front.host(), front.redirectHost()))
                    .build();
            try (ImageInspector i = ImageInspector.builder(client).build()) {
                ImageInspection ok = inspect(i, front.host() + "/acme/orders:1.4", auths(front.host(), USER, PASSWORD));
                assertThat(ok.problem()).isNull();
                assertThat(front.redirectRequests())
                        .as("blobs came from the other host")
                        .isGreaterThan(0);
                assertThat(front.redirectSawAuthorization()).isFalse();
            }
        }
    }

    @Test
    void aRegistryThatFailsIsNotAskedAgainByEveryCaller() throws Exception {
        try (DockerRegistry r = DockerRegistry.plain();
                HostileRegistry front = new HostileRegistry(r)) {
            pushOrders(r, new ImagePusher(r));
            front.failAll(503);
            RegistryClient client =
                    RegistryClient.builder().insecure(Set.of(front.host())).build();
            try (ImageInspector i = ImageInspector.builder(client).build()) {
                ImageInspection failed = inspect(i, front.host() + "/acme/orders:1.4", RegistryAuths.NONE);
                assertThat(failed.problemKind()).isEqualTo(RegistryException.Kind.SERVER_ERROR);
                assertThat(failed.problem()).contains("503");
                int asked = front.requests();
                for (int n = 0; n < 20; n++) {
                    assertThat(inspect(i, front.host() + "/acme/orders:1.4", RegistryAuths.NONE)
                                    .failed())
                            .isTrue();
                }
                assertThat(front.requests())
                        .as("the failure is remembered for a minute")
                        .isEqualTo(asked);
            }
        }
    }
}
