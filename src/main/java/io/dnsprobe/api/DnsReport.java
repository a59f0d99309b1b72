package io.dnsprobe.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What the audit found for one running workload that has a musl container: per container its image,
 * libc and how that is known; per name the verdict of the container's musl and why. Written by the
 * operator, owned by the workload (it goes when the workload goes). {@code kubectl get dnsreports -A}
 * is the cluster's answer to "what is at risk right now".
 */
@Group(DnsProbe.GROUP)
@Version(DnsProbe.VERSION)
@ShortNames("dnsr")
// One category for both kinds: kubectl get dnsaudit -A lists DnsProbes and DnsReports (no resource is named so).
@Categories("dnsaudit")
// Declared in the order kubectl shows them; the CRD generator sorts by JSON path, so the build puts them
// back in this order (see CrdColumnOrder).
@AdditionalPrinterColumn(name = "Kind", jsonPath = ".spec.workload.kind")
@AdditionalPrinterColumn(name = "Workload", jsonPath = ".spec.workload.name")
@AdditionalPrinterColumn(name = "Libc", jsonPath = ".status.libc")
@AdditionalPrinterColumn(name = "Names", jsonPath = ".status.names", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Fails", jsonPath = ".status.fails", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Partial", jsonPath = ".status.partial", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Last-Audit", jsonPath = ".status.lastAudit", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Summary", jsonPath = ".status.summary", priority = 1)
public class DnsReport extends CustomResource<DnsReportSpec, DnsReportStatus> implements Namespaced {

    public DnsReport() {}

    public DnsReport(String namespace, String name, DnsReportSpec spec) {
        getMetadata().setNamespace(namespace);
        getMetadata().setName(name);
        setSpec(spec);
    }
}
