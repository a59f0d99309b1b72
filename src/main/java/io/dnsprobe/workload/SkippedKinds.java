package io.dnsprobe.workload;

import io.dnsprobe.text.Printable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kinds a check read and passed over because they hold no pod template, counted, so that a summary can
 * name them: a CI gate that says nothing of what it skipped looks like one that checked it.
 */
public final class SkippedKinds {
    /** Kinds named in the summary; the rest are counted. */
    static final int NAMED = 12;

    private final Map<String, Integer> counts = new TreeMap<>();

    public void add(String kind) {
        counts.merge(kind == null || kind.isBlank() ? "(no kind)" : kind, 1, Integer::sum);
    }

    /** Kind to how many objects of it were passed over, by kind. */
    public Map<String, Integer> counts() {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    /** "skipped 3 kinds without pods: ConfigMap (4), Service (6), ServiceAccount (1)", or "" when none. */
    public String summary() {
        if (counts.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("skipped ")
                .append(counts.size())
                .append(counts.size() == 1 ? " kind" : " kinds")
                .append(" without pods: ");
        int named = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (named == NAMED) {
                out.append(", and ").append(counts.size() - NAMED).append(" more");
                break;
            }
            out.append(named++ == 0 ? "" : ", ")
                    .append(Printable.line(e.getKey(), 80))
                    .append(" (")
                    .append(e.getValue())
                    .append(')');
        }
        return out.toString();
    }
}
