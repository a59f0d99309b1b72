package io.dnsprobe.libc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * musl's {@code __dns_parse} and {@code dns_parse_callback}, version by version, over the bytes musl
 * would hold: the reply cut to its buffer. The name-skipping heuristic and the bounds checks are
 * kept as musl has them, because they decide which records survive a cut.
 */
final class MuslDnsParse {
    static final int RR_A = 1;
    static final int RR_CNAME = 5;
    static final int RR_AAAA = 28;
    private static final int RECORD_LIMIT = 64;

    /** What one parse did, for explanations. */
    static final class Outcome {
        int added;
        int cnames;
        int ancount;
        boolean aborted;
        boolean recordLimitHit;
        /** The offset a rejected compression pointer pointed to (past 510), or -1. */
        int pointerPast510 = -1;
    }

    private final byte[] r;
    private final int rlen;

    private MuslDnsParse(byte[] reply, int rlen) {
        this.r = reply;
        this.rlen = rlen;
    }

    /**
     * Parses {@code reply} as musl {@code version} does with {@code rlen} bytes in its buffer, appending
     * addresses to {@code addresses} (shared across the A and AAAA replies, as musl's context is).
     */
    static Outcome parse(MuslVersion version, byte[] reply, int rlen, int rrtype, List<String> addresses) {
        return new MuslDnsParse(reply, rlen).run(version, rrtype, addresses);
    }

    /** Byte at {@code i} as unsigned; 0 outside what musl read (a C read there sees no reply data). */
    private int b(int i) {
        return i >= 0 && i < rlen && i < r.length ? r[i] & 0xff : 0;
    }

    /** musl's {@code *p-1U < 127}: a byte of a label (length or character), not the end or a pointer. */
    private boolean labelByte(int p) {
        int v = b(p);
        return v >= 1 && v <= 127;
    }

    /** musl's {@code *p>193 || (*p==193 && p[1]>254)}: a pointer to an offset past 510; recorded for the reason. */
    private boolean rejectPointer(int p, Outcome out) {
        boolean bad = b(p) > 193 || (b(p) == 193 && b(p + 1) > 254);
        if (bad) {
            out.pointerPast510 = (b(p) & 0x3f) << 8 | b(p + 1);
        }
        return bad;
    }

    private Outcome run(MuslVersion v, int rrtype, List<String> addresses) {
        Outcome out = new Outcome();
        if (rlen < 12) {
            out.aborted = true;
            return out;
        }
        if ((b(3) & 15) != 0) {
            return out;
        }
        int p = 12;
        int qdcount = b(4) * 256 + b(5);
        int ancount = b(6) * 256 + b(7);
        out.ancount = ancount;
        if (v.recordLimit && qdcount + ancount > RECORD_LIMIT) {
            out.aborted = true;
            out.recordLimitHit = true;
            return out;
        }
        while (qdcount-- > 0) {
            while (p < rlen && labelByte(p)) {
                p++;
            }
            if (p > rlen - 6 || v.pointerLimit && rejectPointer(p, out)) {
                out.aborted = true;
                return out;
            }
            p += 5 + (b(p) != 0 ? 1 : 0);
        }
        while (ancount-- > 0) {
            while (p < rlen && labelByte(p)) {
                p++;
            }
            // 1.2.3 checks 6 bytes here, 1.2.4 and later the 12 an answer's fixed part needs.
            int fixed = v == MuslVersion.UP_TO_1_2_3 ? 6 : 12;
            if (p > rlen - fixed || v.pointerLimit && rejectPointer(p, out)) {
                out.aborted = true;
                return out;
            }
            p += 1 + (b(p) != 0 ? 1 : 0);
            int len = b(p + 8) * 256 + b(p + 9);
            // 1.2.3 compares against p, not the rdata start: an answer may end up to 10 bytes past the data.
            boolean overrun = v == MuslVersion.UP_TO_1_2_3 ? p + len > rlen : len + 10 > rlen - p;
            if (overrun) {
                out.aborted = true;
                return out;
            }
            if (callback(v, b(p + 1), p + 10, len, rrtype, addresses, out) < 0) {
                out.aborted = true;
                return out;
            }
            p += 10 + len;
        }
        return out;
    }

    private int callback(MuslVersion v, int rr, int data, int len, int rrtype, List<String> addresses, Outcome out) {
        if (!v.typedParse) {
            if (addresses.size() >= MuslVersion.MAX_ADDRS) {
                return -1;
            }
            switch (rr) {
                case RR_A -> {
                    if (len != 4) {
                        return -1;
                    }
                    addresses.add(address(data, 4));
                    out.added++;
                }
                case RR_AAAA -> {
                    if (len != 16) {
                        return -1;
                    }
                    addresses.add(address(data, 16));
                    out.added++;
                }
                case RR_CNAME -> out.cnames++;
                default -> {
                    // other types are skipped
                }
            }
            return 0;
        }
        if (rr == RR_CNAME) {
            out.cnames++;
            return 0;
        }
        if (addresses.size() >= MuslVersion.MAX_ADDRS || rr != rrtype) {
            return 0;
        }
        int expected = rr == RR_A ? 4 : 16;
        if (len != expected) {
            return -1;
        }
        addresses.add(address(data, len));
        out.added++;
        return 0;
    }

    private String address(int offset, int len) {
        byte[] bytes = new byte[len];
        for (int i = 0; i < len; i++) {
            bytes[i] = (byte) b(offset + i);
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
