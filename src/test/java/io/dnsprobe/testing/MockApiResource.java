package io.dnsprobe.testing;

import io.dnsprobe.demo.LoopbackDnsServer;
import io.dnsprobe.demo.Zone;
import io.dnsprobe.demo.ZoneResponder.Truncation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link MockApiServer} (with the committed CRD) and an in-process DNS server for a {@code @QuarkusTest}:
 * the application's Kubernetes client talks to the mock, the webhook's inline probes to the DNS server.
 * Both are injected into test fields annotated {@link InjectMockApi}. Configured as
 * {@code @WithKubernetesTestServer} configures its server (client system properties), which this one
 * replaces: this server can be stopped and started again on its port and answers with injected faults.
 */
public class MockApiResource implements QuarkusTestResourceLifecycleManager {
    /** The zone the DNS server answers: {@code big} needs TCP (40 A records), {@code small} does not. */
    public static final Zone ZONE = new Zone()
            .a("small.test.example", "192.0.2.1")
            .manyA("big.test.example", 40)
            .manyA("pods.test.example", 64)
            .a("db.test.example", "192.0.2.9");

    /** Marks a test field to receive the {@link MockApiServer} or the {@link LoopbackDnsServer}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectMockApi {}

    private MockApiServer api;
    private LoopbackDnsServer dns;
    private final Map<String, String> previous = new HashMap<>();
    private final Map<String, String> extra = new HashMap<>();

    /** Lease verbs the mock grants and enforces: {@code committed-rbac} for those of config/rbac. */
    public static final String LEASE_VERBS = "mock-api.lease-verbs";

    /**
     * Init args are more application configuration (e.g. {@code quarkus.operator-sdk.controllers.dnsprobe.retry.*}),
     * except {@link #LEASE_VERBS}, which sets up the mock.
     */
    @Override
    public void init(Map<String, String> initArgs) {
        extra.putAll(initArgs);
        extra.remove(LEASE_VERBS);
        leaseVerbs = initArgs.get(LEASE_VERBS);
    }

    private String leaseVerbs;

    @Override
    public Map<String, String> start() {
        api = MockApiServer.start();
        if ("committed-rbac".equals(leaseVerbs)) {
            api.leaseVerbs(MockApiServer.leaseVerbsOfCommittedRbac());
        }
        try (KubernetesClient admin = api.client("test-setup")) {
            api.loadCrd(admin);
        }
        try {
            dns = LoopbackDnsServer.start(ZONE, Truncation.EMPTY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> client = clientProperties(api);
        client.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        Map<String, String> config = new HashMap<>(client);
        config.put("dnsprobe.webhook.servers", dns.address().toString());
        config.putAll(extra);
        return config;
    }

    /**
     * The client settings that point a {@code @QuarkusTest}'s Kubernetes client at {@code api}, as
     * {@code @WithKubernetesTestServer} sets them: system properties, and the same as application configuration.
     */
    public static Map<String, String> clientProperties(MockApiServer api) {
        return Map.of(
                "kubernetes.master", api.url(),
                "kubernetes.trust.certificates", "true",
                "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false",
                "kubernetes.namespace", "test",
                "http2.disable", "true");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(
                api, new TestInjector.AnnotatedAndMatchesType(InjectMockApi.class, MockApiServer.class));
        injector.injectIntoFields(
                dns, new TestInjector.AnnotatedAndMatchesType(InjectMockApi.class, LoopbackDnsServer.class));
    }

    @Override
    public void stop() {
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        if (api != null) {
            api.close();
        }
        if (dns != null) {
            dns.close();
        }
    }
}
