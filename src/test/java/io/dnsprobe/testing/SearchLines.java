package io.dnsprobe.testing;

import io.dnsprobe.resolver.SearchPath;
import java.util.ArrayList;
import java.util.List;

/** Search lists whose resolv.conf line has an exact length, to pin musl's 254-character limit. */
public final class SearchLines {
    private static final String PAD = "x".repeat(40) + "." + RealDnsServer.ORIGIN;
    private static final String LAST = "." + RealDnsServer.ORIGIN;

    private SearchLines() {}

    /**
     * {@code base} followed by domains under test.example that do not exist (NXDOMAIN, so every libc
     * walks past them), making {@code search ...} exactly {@code length} characters.
     */
    public static List<String> ofLength(List<String> base, int length) {
        List<String> search = new ArrayList<>(base);
        while (SearchPath.searchLine(search).length() + 1 + 3 + PAD.length() + 1 + 1 + LAST.length() <= length) {
            search.add(String.format("p%02d", search.size()) + PAD);
        }
        int rest = length - SearchPath.searchLine(search).length() - 1 - LAST.length();
        if (rest < 1 || rest > 63) {
            throw new IllegalArgumentException("cannot pad " + base + " to a line of " + length);
        }
        search.add("q".repeat(rest) + LAST);
        return List.copyOf(search);
    }
}
