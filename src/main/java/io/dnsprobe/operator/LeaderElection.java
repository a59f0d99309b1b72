package io.dnsprobe.operator;

import io.dnsprobe.server.DnsprobeConfig;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * One replica probes; the others wait on the Lease (in the operator's namespace) and take over when
 * it is not renewed. Active in the prod profile, as QOSDK activates leader election there.
 */
@ApplicationScoped
public class LeaderElection {
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(DnsprobeConfig config) {
        return config.leaseNamespace()
                .map(ns -> new LeaderElectionConfiguration(config.leaseName(), ns))
                .orElseGet(() -> new LeaderElectionConfiguration(config.leaseName()));
    }
}
