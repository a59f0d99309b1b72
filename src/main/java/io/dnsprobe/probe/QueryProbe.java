package io.dnsprobe.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One question (A or AAAA) for one candidate name: asked over UDP as musl asks, and again over TCP
 * when the UDP reply was truncated. {@code tcp} is null when no TCP retry was needed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryProbe(String type, Exchange udp, Exchange tcp) {
    public QueryProbe {
        if (!"A".equals(type) && !"AAAA".equals(type)) {
            throw new IllegalArgumentException("type must be A or AAAA, not " + type);
        }
        if (udp == null || udp.transport() != Transport.UDP) {
            throw new IllegalArgumentException("udp exchange missing");
        }
        if (tcp != null && tcp.transport() != Transport.TCP) {
            throw new IllegalArgumentException("tcp exchange must be TCP");
        }
    }

    /** The reply a TCP-capable resolver ends up with: the TCP one after truncation, else the UDP one. */
    public Exchange full() {
        return tcp != null ? tcp : udp;
    }
}
