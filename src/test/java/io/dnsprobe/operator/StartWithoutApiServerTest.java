package io.dnsprobe.operator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no API server at all, the HTTP side still serves health and metrics: Kubernetes can probe the pod. */
@QuarkusTest
@TestProfile(StartWithoutApiServerTest.NoApiServer.class)
class StartWithoutApiServerTest {

    public static class NoApiServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.kubernetes-client.api-server-url", "https://127.0.0.1:9",
                    "quarkus.operator-sdk.crd.apply", "false",
                    "quarkus.operator-sdk.crd.validate", "false");
        }
    }

    @Test
    void livenessAndMetricsAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void readinessIsDownWhileThereIsNoApiServer() {
        // The Service then sends no admission reviews to this pod, whose caches cannot be filled.
        given().get("/q/health/ready").then().statusCode(503).body("status", is("DOWN"));
        given().get("/q/health").then().statusCode(503).body("status", is("DOWN"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
