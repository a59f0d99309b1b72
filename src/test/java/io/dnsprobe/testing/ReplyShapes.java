package io.dnsprobe.testing;

import io.dnsprobe.demo.Zone;

/** Zones whose replies have the shapes the musl models tell apart, shared by the model and CLI tests. */
public final class ReplyShapes {
    /** The name {@link #pointerPastByte510()} answers for. */
    public static final String POINTER_NAME = "row.test.example";

    private static final String LABEL_63 = "l".repeat(63);

    private ReplyShapes() {}

    /**
     * Domain-notes §2a's 690-byte reply: three CNAMEs, the first two with 229-byte targets, so the last target is
     * first written at byte 528; the two A records after it name their owner by a pointer back there. Under musl
     * 1.2.4's 768 bytes, so only its pointer limit rejects it.
     */
    public static Zone pointerPastByte510() {
        String first = (LABEL_63 + ".").repeat(3) + "a".repeat(34) + ".test.example";
        String second = (LABEL_63 + ".").repeat(3) + "b".repeat(34) + ".test.example";
        String last = (LABEL_63 + ".").repeat(2) + "test.example";
        return new Zone()
                .cname(POINTER_NAME, first)
                .cname(first, second)
                .cname(second, last)
                .a(last, "192.0.2.1", "192.0.2.2");
    }
}
