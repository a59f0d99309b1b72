package io.dnsprobe.probe;

/** What came back for one query on one transport. Only the first three carry a reply. */
public enum Outcome {
    /** A reply with the query's ID and question, parsed without error. */
    REPLY(true),
    /** A reply with the query's ID that does not parse as DNS (musl may still accept it: it checks only the ID). */
    MALFORMED(true),
    /** The ID matched but the question did not (glibc rejects such replies, musl does not look). */
    QUESTION_MISMATCH(true),
    /** Only replies with another ID arrived before the deadline. */
    ID_MISMATCH(false),
    /** Nothing arrived before the deadline. */
    TIMEOUT(false),
    /** ICMP port unreachable on UDP, connection refused or reset on TCP. */
    UNREACHABLE(false),
    /** Any other socket error (no route, address family not supported). */
    NETWORK_ERROR(false);

    private final boolean hasReply;

    Outcome(boolean hasReply) {
        this.hasReply = hasReply;
    }

    public boolean hasReply() {
        return hasReply;
    }
}
