package io.dnsprobe.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.Ports;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without an API server the log says so once a minute, in one line, without a stack trace: the check runs
 * against a closed loopback port every 5 s of a clock the test moves, for ten simulated minutes.
 */
class ApiServerOutageLogTest {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLoggerName() != null && r.getLoggerName().startsWith("io.dnsprobe")) {
                records.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private KubernetesClient client;

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
        if (client != null) {
            client.close();
        }
    }

    private static String text(LogRecord r) {
        Object[] p = r.getParameters();
        return p == null || p.length == 0 ? r.getMessage() : String.format(r.getMessage(), p);
    }

    @Test
    void anOutageIsOneLineAMinuteWithoutAStackTrace() {
        String url = "http://127.0.0.1:" + Ports.freeTcpPort() + "/";
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl(url)
                        .withAutoConfigure(false)
                        .build())
                .build();
        ApiServerCheck check = ApiServerCheckTest.configured(client, Duration.ofSeconds(5), Duration.ofSeconds(1));
        AtomicLong now = new AtomicLong(1_000_000_000L);
        check.nanos = now::get;
        check.connect();
        for (int i = 0; i < 120; i++) { // 10 minutes of checks every 5 s
            check.check();
            now.addAndGet(Duration.ofSeconds(5).toNanos());
        }
        List<LogRecord> warnings = records.stream()
                .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
        assertThat(warnings).as("one a minute: at 0, 1, ... 9 minutes").hasSize(10);
        assertThat(records)
                .allSatisfy(r -> assertThat(r.getThrown()).as(text(r)).isNull());
        assertThat(text(warnings.get(0)))
                .startsWith("cannot reach the Kubernetes API at " + url
                        + ": connection refused; retrying every 5s; operator and audit idle");
        assertThat(text(warnings.get(1)))
                .isEqualTo("cannot reach the Kubernetes API at " + url
                        + " for 1m: connection refused; retrying; operator and audit idle");
        assertThat(text(warnings.get(9))).contains(" for 9m: ");
        assertThat(check.state().detail()).isEqualTo("connection refused");
    }
}
