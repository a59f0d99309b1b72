package io.dnsprobe.audit;

import io.dnsprobe.workload.Workload;

/**
 * A workload the audit knows: what its report and events refer to, and its parsed pod template. The
 * object itself is not kept (informer stores hold its metadata only).
 */
record AuditedWorkload(String apiVersion, String kind, String namespace, String name, String uid, Workload workload) {

    /** The report's name: kind and workload name, as Trivy-operator names its reports. */
    String reportName() {
        String n = kind.toLowerCase() + "-" + name;
        if (n.length() <= 253) {
            return n;
        }
        return n.substring(0, 240) + "-" + Integer.toHexString(n.hashCode() & 0x7fffffff);
    }
}
