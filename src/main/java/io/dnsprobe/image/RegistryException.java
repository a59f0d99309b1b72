package io.dnsprobe.image;

import io.dnsprobe.text.Printable;
import java.io.IOException;

/**
 * Why an image could not be read, by kind (for metrics, exit codes and alerts) with a message that names
 * the registry and says what to do. Never carries credentials.
 *
 * <p>Messages quote what registries say (error messages, media types, URLs): every message is made one
 * printable line of at most {@link Printable#REASON_CHARS} characters here, so that no registry can put
 * escape sequences or forged lines on a terminal, in a log or in a status through it.
 */
public final class RegistryException extends IOException {

    /** Kinds of failure; their lowercase names are the {@code class} label of the error metric. */
    public enum Kind {
        /** Connection refused, DNS failure, reset. */
        UNREACHABLE,
        /** TLS handshake failed: unknown CA, wrong host name, or plain HTTP where TLS was expected. */
        TLS,
        /** The registry refused the credentials, or needs some and none match. */
        AUTH,
        /** No such repository, tag or blob. */
        NOT_FOUND,
        /** 429: the registry's pull rate limit. */
        RATE_LIMITED,
        /** 5xx. */
        SERVER_ERROR,
        /** An answer that is not what the distribution spec says: unknown media types, bad JSON, schema 1. */
        PROTOCOL,
        /** Content whose sha256 is not the digest it was asked for. */
        DIGEST_MISMATCH,
        /** No reply within the time allowed, or a reply that stopped. */
        TIMEOUT,
        /** The image is over a bound (bytes, layers) that keeps one image from costing too much. */
        LIMIT,
        /** The index has no image for the platform asked for. */
        NO_PLATFORM,
        /** A reference that is not valid, or a registry that is only reachable over plain HTTP without being allowed. */
        INVALID
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(Printable.line(message));
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(Printable.line(message), cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
