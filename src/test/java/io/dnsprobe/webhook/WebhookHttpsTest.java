package io.dnsprobe.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The webhook as the API server reaches it: over TLS, on the HTTPS port. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = WebhookHttpsTest.Tls.class, restrictToAnnotatedClass = true)
class WebhookHttpsTest {

    /** A self-signed serving certificate for localhost, made with the JDK's keytool. */
    public static class Tls implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createDirectories(Path.of("target", "test-tls"));
                Path store = dir.resolve("webhook.p12");
                Files.deleteIfExists(store);
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-alias", "webhook", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "1",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                        "-keystore", store.toString(), "-storepass", "changeit").inheritIO().start();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed");
                }
                return Map.of("quarkus.tls.key-store.p12.path", store.toAbsolutePath().toString(),
                        "quarkus.tls.key-store.p12.password", "changeit",
                        "quarkus.http.test-ssl-port", "0");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    @Test
    void aReviewIsAnsweredOverTls() {
        assertThat(validate.getProtocol()).isEqualTo("https");
        String body = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"tls-1\","
                + "\"operation\":\"DELETE\",\"namespace\":\"shop\"}}";
        String uid = given().relaxedHTTPSValidation().contentType(ContentType.JSON).body(body).post(validate)
                .then().statusCode(200).extract().path("response.uid");
        assertThat(uid).isEqualTo("tls-1");
    }
}
