package io.dnsprobe.probe;

/** Test access to the transport's reply classification, so recorded probes match real ones. */
public final class Classifier {
    private Classifier() {}

    public static Exchange classify(Transport transport, byte[] query, byte[] reply) {
        return NioDnsTransport.classify(transport, query, reply, 0);
    }
}
