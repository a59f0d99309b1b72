package io.dnsprobe.operator;

import io.dnsprobe.api.DnsProbeStatus;
import io.dnsprobe.api.ModelVerdict;
import io.dnsprobe.api.NameResult;
import io.dnsprobe.libc.VerdictKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes Events a status change deserves: one per name whose musl verdict changed, none
 * for a round that changed nothing. Pure, so "once per change" is a property of two values.
 */
public final class VerdictEvents {

    public enum Reason {
        /** Warning: a name now fails or resolves partially on some musl model. */
        MuslIncompatible,
        /** Normal: a name that had a musl problem resolves on every musl model again. */
        Resolved
    }

    public record EventSpec(String type, Reason reason, String message) {}

    private VerdictEvents() {}

    public static List<EventSpec> diff(DnsProbeStatus previous, DnsProbeStatus next) {
        Map<String, ModelVerdict> before = worstByName(previous);
        Map<String, ModelVerdict> after = worstByName(next);
        List<EventSpec> events = new ArrayList<>();
        after.forEach((name, now) -> {
            ModelVerdict was = before.get(name);
            VerdictKind wasKind = was == null ? VerdictKind.OK : was.verdict();
            if (now.verdict() == wasKind) {
                return;
            }
            if (now.verdict().isProblem()) {
                events.add(new EventSpec(
                        "Warning",
                        Reason.MuslIncompatible,
                        name + ": " + now.model() + " " + now.verdict() + ": " + now.reason()));
            } else if (was != null) {
                events.add(new EventSpec(
                        "Normal", Reason.Resolved, name + ": no musl model fails or is partial any more"));
            }
        });
        return events;
    }

    /** Per name, the worst musl verdict over every server (OK when all are OK); names not probed are absent. */
    private static Map<String, ModelVerdict> worstByName(DnsProbeStatus status) {
        Map<String, ModelVerdict> worst = new LinkedHashMap<>();
        if (status == null || status.results() == null) {
            return worst;
        }
        for (NameResult r : status.results()) {
            if (r.verdicts() == null) {
                continue;
            }
            for (ModelVerdict v : r.verdicts()) {
                if (v.model() == null || !v.model().isMusl() || v.verdict() == null) {
                    continue;
                }
                ModelVerdict cur = worst.get(r.name());
                if (cur == null || v.verdict().compareTo(cur.verdict()) > 0) {
                    worst.put(r.name(), v);
                }
            }
        }
        return worst;
    }
}
