package io.dnsprobe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which workload the report is about. Set by the operator; the report is owned by that workload. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsReportSpec(
        @JsonPropertyDescription("The audited workload.") WorkloadRef workload) {

    /** A workload by kind, name and uid (a workload recreated under the same name is another one). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WorkloadRef(
            @JsonPropertyDescription("Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet or Pod.")
            String kind,

            @JsonPropertyDescription("Its name, in the report's namespace.")
            String name,

            @JsonPropertyDescription("Its uid.") String uid) {}
}
