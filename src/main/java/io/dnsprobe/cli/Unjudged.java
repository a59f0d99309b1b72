package io.dnsprobe.cli;

import io.dnsprobe.text.Printable;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What {@code check} could not judge, each a reason to exit 2 that {@code --allow-unjudged=KIND} accepts. */
enum Unjudged {
    /** An image of a musl-or-unknown container with names was not read: its libc is a guess from its name. */
    IMAGES,
    /** A container with names has an unknown libc, or a musl whose version decides a verdict. */
    LIBC,
    /** A server never replied to any name: the verdicts rest on the others, or on none. */
    SERVERS,
    /** Names asked that got no verdict: no reply (or none in time) from any server. */
    NAMES,
    /** Names NXDOMAIN for every libc on every server that replied: cluster names asked outside the cluster. */
    NXDOMAIN;

    static final String ALL = "all";

    /** What the flag and JSON call it. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    String flag() {
        return "--allow-unjudged=" + id();
    }

    /**
     * The kinds {@code --allow-unjudged} values name: {@code images}, ..., or {@code all} (also what the flag means
     * with no value), case aside.
     *
     * @throws CliException for a value that names no kind
     */
    static Set<Unjudged> parse(List<String> values) {
        Set<Unjudged> kinds = EnumSet.noneOf(Unjudged.class);
        for (String value : values) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals(ALL)) {
                kinds.addAll(EnumSet.allOf(Unjudged.class));
                continue;
            }
            Unjudged kind = Arrays.stream(values())
                    .filter(u -> u.id().equals(v))
                    .findFirst()
                    .orElseThrow(() -> new CliException("--allow-unjudged: '" + Printable.line(value, 40)
                            + "' is none of "
                            + Arrays.stream(values()).map(Unjudged::id).collect(Collectors.joining(", ")) + ", "
                            + ALL));
            kinds.add(kind);
        }
        return kinds;
    }
}
