package io.dnsprobe.libc;

/** The getaddrinfo errors a DNS lookup can end in. */
public enum EaiError {
    /** The name does not exist (NXDOMAIN), or musl <= 1.2.3 found no address. */
    NONAME,
    /** The name exists but has no address; musl >= 1.2.4 also says this when a reply could not be used. */
    NODATA,
    /** No usable reply in time: timeout, SERVFAIL, or (musl) any rcode it ignores. */
    AGAIN,
    /** A reply that says the lookup cannot succeed (REFUSED for glibc, other rcodes). */
    FAIL;

    public String symbol() {
        return "EAI_" + name();
    }
}
