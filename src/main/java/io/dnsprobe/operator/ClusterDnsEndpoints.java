package io.dnsprobe.operator;

import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.server.DnsprobeConfig;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** The ready endpoints of the cluster DNS Service, one per CoreDNS replica. */
@ApplicationScoped
public class ClusterDnsEndpoints {
    @Inject
    KubernetesClient client;

    @Inject
    DnsprobeConfig config;

    /** Ready addresses with the UDP DNS port; an empty list when the Service has none. */
    public List<ServerAddress> ready() {
        List<ServerAddress> out = new ArrayList<>();
        List<EndpointSlice> slices = client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(config.clusterDns().namespace())
                .withLabel("kubernetes.io/service-name", config.clusterDns().service())
                .list()
                .getItems();
        for (EndpointSlice slice : slices) {
            int port = dnsPort(slice);
            for (Endpoint endpoint : slice.getEndpoints()) {
                boolean ready = endpoint.getConditions() == null
                        || endpoint.getConditions().getReady() == null
                        || endpoint.getConditions().getReady();
                if (!ready) {
                    continue;
                }
                for (String address : endpoint.getAddresses()) {
                    ServerAddress server = ServerAddress.parse(
                            address.contains(":") ? "[" + address + "]:" + port : address + ":" + port);
                    if (!out.contains(server)) {
                        out.add(server);
                    }
                }
            }
        }
        return out;
    }

    private static int dnsPort(EndpointSlice slice) {
        if (slice.getPorts() != null) {
            for (EndpointPort p : slice.getPorts()) {
                if ("UDP".equals(p.getProtocol()) && p.getPort() != null) {
                    return p.getPort();
                }
            }
        }
        return ServerAddress.DNS_PORT;
    }
}
