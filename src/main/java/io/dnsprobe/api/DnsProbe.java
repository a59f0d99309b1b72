package io.dnsprobe.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Names to probe from inside the cluster as musl asks for them, with the verdict per libc in
 * {@code .status}. {@code kubectl get dnsprobes} shows the counts; {@code kubectl describe} the
 * per-name results and the reasons.
 */
@Group(DnsProbe.GROUP)
@Version(DnsProbe.VERSION)
@ShortNames("dnsp")
// One category for both kinds: kubectl get dnsaudit -A lists DnsProbes and DnsReports (no resource is named so).
@Categories("dnsaudit")
@AdditionalPrinterColumn(name = "Names", jsonPath = ".status.names", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Truncated",
        jsonPath = ".status.truncated",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Musl-Fails",
        jsonPath = ".status.muslFails",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Max-Bytes", jsonPath = ".status.maxBytes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Last-Probe",
        jsonPath = ".status.lastProbeTime",
        type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
        name = "Musl-Partial",
        jsonPath = ".status.muslPartial",
        type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", priority = 1)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", priority = 1)
public class DnsProbe extends CustomResource<DnsProbeSpec, DnsProbeStatus> implements Namespaced {
    public static final String GROUP = "dnsprobe.io";
    public static final String VERSION = "v1alpha1";

    public DnsProbe() {}

    public DnsProbe(String namespace, String name, DnsProbeSpec spec) {
        getMetadata().setNamespace(namespace);
        getMetadata().setName(name);
        setSpec(spec);
    }
}
