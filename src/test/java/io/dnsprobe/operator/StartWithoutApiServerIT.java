package io.dnsprobe.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.dnsprobe.server.Informers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** With no API server at all, the HTTP side still serves health and metrics: Kubernetes can probe the pod. */
@QuarkusTest
@TestProfile(StartWithoutApiServerIT.NoApiServer.class)
class StartWithoutApiServerIT {

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

    /**
     * The informers retry without a word (the API server check says the outage once a minute, see
     * ApiServerOutageLogTest): no fabric8 warning per retry, no stack trace. Counted over retries the informers
     * make while the test listens, not over a time.
     */
    @Test
    void retriesWithoutAnApiServerLogNoStackTrace() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger.getLogger("").addHandler(capture);
        try {
            long before = Informers.failuresSeen();
            // Three webhook informers, each retrying after a refused connection (1 s doubling to 32 s): one round.
            await().atMost(Duration.ofSeconds(60)).until(() -> Informers.failuresSeen() >= before + 3);
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
        assertThat(records)
                .as("warnings while the informers retried: "
                        + records.stream()
                                .map(r -> r.getLoggerName() + ": " + r.getMessage())
                                .toList())
                .allSatisfy(r -> {
                    assertThat(r.getThrown()).isNull();
                    assertThat(r.getLoggerName()).doesNotContain("informers").doesNotEndWith("Informers");
                });
    }

    @Test
    void readinessIsDownWhileThereIsNoApiServer() {
        // The Service then sends no admission reviews to this pod, whose caches cannot be filled.
        given().get("/q/health/ready").then().statusCode(503).body("status", is("DOWN"));
        given().get("/q/health").then().statusCode(503).body("status", is("DOWN"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
