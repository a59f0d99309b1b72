package io.dnsprobe.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every setting of the operator, under {@code dnsprobe.*} (environment: {@code DNSPROBE_*}). */
@ConfigMapping(prefix = "dnsprobe")
public interface OperatorConfig {

    /** The cluster's DNS domain, for the default search list of a namespace. */
    @WithDefault("cluster.local")
    String clusterDomain();

    /** The resolv.conf whose nameservers are probed when a DnsProbe names none: the pod's own, the cluster DNS. */
    @WithDefault("/etc/resolv.conf")
    String resolvConf();

    /** Where the cluster DNS Service lives, for {@code probeEachReplica}. */
    ClusterDns clusterDns();

    /** Queries in flight at most, across every DnsProbe. */
    @WithDefault("256")
    int maxInFlight();

    /** Up to this fraction of the interval is added at random, so DnsProbes created together spread out. */
    @WithDefault("0.1")
    double jitter();

    /** How often the state of deleted DnsProbes (metric series, probe results) is dropped. */
    @WithDefault("10s")
    Duration sweepInterval();

    /** Name of the Lease that elects the one replica that probes. */
    @WithDefault("dnsprobe-operator")
    String leaseName();

    /** Namespace of the Lease; default: the operator pod's own namespace (from its service account). */
    java.util.Optional<String> leaseNamespace();

    interface ClusterDns {
        @WithDefault("kube-system")
        String namespace();

        @WithDefault("kube-dns")
        String service();
    }
}
