package io.dnsprobe.workload;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Admission warnings from findings: deduplicated, each under 256 characters, all together within the
 * 4,096 the API server passes on; what does not fit becomes "and N more". Pure.
 */
public final class WarningComposer {
    public static final int MAX_TOTAL = 4096;
    public static final int MAX_ONE = 256;

    private WarningComposer() {}

    public static List<String> compose(List<Finding> findings) {
        Set<String> unique = new LinkedHashSet<>();
        for (Finding f : findings) {
            String w = f.warning();
            unique.add(w.length() > MAX_ONE ? w.substring(0, MAX_ONE - 3) + "..." : w);
        }
        List<String> out = new ArrayList<>();
        int used = 0;
        List<String> all = new ArrayList<>(unique);
        for (int i = 0; i < all.size(); i++) {
            String w = all.get(i);
            int rest = all.size() - i - 1;
            String more = "and " + (all.size() - i) + " more DNS warnings";
            // Keep room for the "and N more" line unless this is the last warning.
            int reserve = rest > 0 ? more.length() : 0;
            if (used + w.length() + reserve > MAX_TOTAL) {
                out.add(more);
                return out;
            }
            out.add(w);
            used += w.length();
        }
        return out;
    }
}
