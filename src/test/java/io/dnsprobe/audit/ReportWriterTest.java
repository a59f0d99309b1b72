package io.dnsprobe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.api.DnsReport;
import io.dnsprobe.api.DnsReportStatus;
import io.dnsprobe.api.DnsReportStatus.ContainerReport;
import io.dnsprobe.api.DnsReportStatus.NameReport;
import io.dnsprobe.api.DnsReportStatus.NameReport.Verdict;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.testing.Cleanup;
import io.dnsprobe.testing.MockApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the production ReportWriter leaves in an API server that stores what kube-apiserver stores (the
 * mock's merge patches replace arrays): after a second audit, exactly the second audit's containers and
 * results, nothing of the first.
 */
class ReportWriterTest {
    private static final AuditedWorkload SHOP =
            new AuditedWorkload("apps/v1", "Deployment", "shop", "orders", "uid-1", null);
    private MockApiServer api;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        api = MockApiServer.start();
        client = api.client("report-writer-test");
        api.loadCrd(client, MockApiServer.REPORT_CRD);
    }

    @AfterEach
    void stop() {
        Cleanup.closeAll(client, api);
    }

    private DnsReportStatus stored() {
        DnsReport r = client.resources(DnsReport.class)
                .inNamespace(SHOP.namespace())
                .withName(SHOP.reportName())
                .get();
        return r == null ? null : r.getStatus();
    }

    @Test
    void secondAuditReplacesContainersAndResults() {
        DnsReportStatus first = new DnsReportStatus(
                "2024-05-01T10:00:00Z",
                "musl 1.2.3",
                2,
                1,
                0,
                0,
                "1 of 2 names fail on musl: db.shop.svc",
                List.of(
                        new ContainerReport(
                                "app",
                                "alpine:3.17",
                                "musl 1.2.3",
                                "image",
                                "lib/ld-musl-x86_64.so.1",
                                "/app: links musl",
                                true,
                                "sha256:" + "a".repeat(64),
                                "pods"),
                        new ContainerReport(
                                "metrics",
                                "alpine:3.17",
                                "musl 1.2.3",
                                "image",
                                "lib/ld-musl-x86_64.so.1",
                                null,
                                true,
                                null,
                                null)),
                List.of(
                        new NameReport(
                                "db.shop.svc",
                                List.of("app", "metrics"),
                                Verdict.FAILS,
                                MuslVersion.UP_TO_1_2_3,
                                "the reply needs TCP",
                                "40 A records"),
                        new NameReport("cache.shop.svc", List.of("metrics"), Verdict.OK, null, null, null)));
        // The next audit: the verdict changed (musl 1.2.5 retries over TCP), the metrics sidecar is gone.
        DnsReportStatus second = new DnsReportStatus(
                "2024-05-01T11:00:00Z",
                "musl 1.2.5",
                1,
                0,
                0,
                0,
                "no name fails: 1 of 1 OK on musl",
                List.of(new ContainerReport(
                        "app",
                        "alpine:3.20",
                        "musl 1.2.5",
                        "image",
                        "lib/ld-musl-x86_64.so.1",
                        null,
                        true,
                        null,
                        null)),
                List.of(new NameReport("db.shop.svc", List.of("app"), Verdict.OK, null, null, null)));
        ReportWriter writer = new ReportWriter(client);

        writer.write(SHOP, first);
        assertThat(stored()).isEqualTo(first);
        writer.write(SHOP, second);

        DnsReportStatus now = stored();
        assertThat(now.containers()).as("containers").containsExactlyElementsOf(second.containers());
        assertThat(now.results()).as("results").containsExactlyElementsOf(second.results());
        assertThat(now).isEqualTo(second);
    }

    @Test
    void recreatedWorkloadKeepsOnlyTheNewStatus() {
        DnsReportStatus first = new DnsReportStatus(
                "2024-05-01T10:00:00Z",
                "musl 1.2.3",
                1,
                1,
                0,
                0,
                "1 of 1 name fails",
                List.of(new ContainerReport("app", "alpine:3.17", "musl 1.2.3", "image", "x", null, true, null, null)),
                List.of(new NameReport(
                        "db.shop.svc", List.of("app"), Verdict.FAILS, MuslVersion.UP_TO_1_2_3, "truncated", null)));
        DnsReportStatus second = new DnsReportStatus(
                "2024-05-01T11:00:00Z",
                "musl 1.2.3",
                0,
                0,
                0,
                0,
                "no names found in env, args or ConfigMaps",
                List.of(new ContainerReport("web", "alpine:3.17", "musl 1.2.3", "image", "x", null, true, null, null)),
                List.of());
        ReportWriter writer = new ReportWriter(client);
        writer.write(SHOP, first);
        // Same name, new uid: the writer updates spec and owner, then patches the status.
        AuditedWorkload recreated = new AuditedWorkload("apps/v1", "Deployment", "shop", "orders", "uid-2", null);
        writer.write(recreated, second);

        DnsReport r = client.resources(DnsReport.class)
                .inNamespace("shop")
                .withName(recreated.reportName())
                .get();
        assertThat(r.getSpec().workload().uid()).isEqualTo("uid-2");
        assertThat(r.getMetadata().getOwnerReferences())
                .extracting(o -> o.getUid())
                .containsExactly("uid-2");
        assertThat(r.getStatus()).isEqualTo(second);
    }
}
