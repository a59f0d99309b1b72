package io.dnsprobe.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds a query as musl's {@code res_mkquery} does: RD set, AD clear, one question, class IN and
 * no OPT record. Written by hand rather than with dnsjava's Message so nothing (EDNS0, flags) can be
 * added behind our back.
 */
public final class QueryEncoder {
    public static final int TYPE_A = 1;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_AAAA = 28;

    private QueryEncoder() {}

    public static int typeCode(String type) {
        return switch (type) {
            case "A" -> TYPE_A;
            case "AAAA" -> TYPE_AAAA;
            default -> throw new IllegalArgumentException("unsupported type " + type);
        };
    }

    public static byte[] encode(int id, String name, int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(id >> 8 & 0xff);
        out.write(id & 0xff);
        out.write(0x01); // RD
        out.write(0x00);
        out.write(0);
        out.write(1); // QDCOUNT
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(0);
        String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (!body.isEmpty()) {
            for (String label : body.split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                if (bytes.length == 0 || bytes.length > 63) {
                    throw new IllegalArgumentException("bad label in " + name);
                }
                out.write(bytes.length);
                out.writeBytes(bytes);
            }
        }
        out.write(0);
        out.write(type >> 8 & 0xff);
        out.write(type & 0xff);
        out.write(0);
        out.write(1); // IN
        return out.toByteArray();
    }

    public static int id(byte[] message) {
        return (message[0] & 0xff) << 8 | message[1] & 0xff;
    }

    /**
     * True when the reply repeats the query's question (name compared without case, as servers may
     * echo 0x20-mixed case).
     */
    public static boolean sameQuestion(byte[] query, byte[] reply) {
        if (reply.length < query.length || (reply[4] & 0xff) != 0 || (reply[5] & 0xff) != 1) {
            return false;
        }
        for (int i = 12; i < query.length; i++) {
            if (Character.toLowerCase((char) (query[i] & 0xff)) != Character.toLowerCase((char) (reply[i] & 0xff))) {
                return false;
            }
        }
        return true;
    }
}
