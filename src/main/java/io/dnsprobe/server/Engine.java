package io.dnsprobe.server;

import io.dnsprobe.probe.Prober;
import io.dnsprobe.resolver.ResolvConf;
import io.dnsprobe.resolver.ResolverConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * The one probe engine of the server: the operator's rounds and the webhook's inline probes share its
 * cap on queries in flight and its I/O thread.
 */
@ApplicationScoped
public class Engine {
    @Inject
    DnsprobeConfig config;

    private volatile Prober prober;
    private volatile ResolverConfig podResolver;

    public Prober prober() {
        Prober p = prober;
        if (p == null) {
            synchronized (this) {
                if (prober == null) {
                    prober = Prober.builder().maxInFlight(config.maxInFlight()).build();
                }
                p = prober;
            }
        }
        return p;
    }

    /** The operator pod's resolv.conf, read once: its nameservers are the cluster DNS. */
    public ResolverConfig podResolver() {
        ResolverConfig r = podResolver;
        if (r == null) {
            r = ResolvConf.loadOrDefault(Path.of(config.resolvConf()));
            podResolver = r;
        }
        return r;
    }

    @PreDestroy
    void stop() {
        if (prober != null) {
            prober.close();
        }
    }
}
