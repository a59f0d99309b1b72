package io.dnsprobe.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Measures of a set of send times (nanoseconds on one clock): how many share a second, how close two come. */
public final class SlotTimes {
    private static final long SECOND = 1_000_000_000L;

    private SlotTimes() {}

    /** The most times any one-second window holds. */
    public static int busiestSecond(Collection<Long> times) {
        List<Long> sorted = sorted(times);
        int best = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= SECOND) {
                j++;
            }
            best = Math.max(best, i - j + 1);
        }
        return best;
    }

    /** The shortest gap between two times (Long.MAX_VALUE for fewer than two). */
    public static long closest(Collection<Long> times) {
        List<Long> sorted = sorted(times);
        long min = Long.MAX_VALUE;
        for (int i = 1; i < sorted.size(); i++) {
            min = Math.min(min, sorted.get(i) - sorted.get(i - 1));
        }
        return min;
    }

    private static List<Long> sorted(Collection<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted;
    }
}
