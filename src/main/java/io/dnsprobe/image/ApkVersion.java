package io.dnsprobe.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Alpine package versions compared as apk-tools compares them ({@code apk version -t}): numbers part by
 * part, then a letter, then suffixes where {@code _alpha _beta _pre _rc} come before the release and
 * {@code _cvs _svn _git _hg _p} after it, then the {@code -rN} revision. So {@code 1.2.4_git20230717}
 * (Alpine 3.19) sorts after {@code 1.2.4} and before {@code 1.2.5}; as strings, {@code 1.2.10} would
 * sort before {@code 1.2.9}.
 */
public final class ApkVersion implements Comparable<ApkVersion> {
    private static final List<String> PRE = List.of("alpha", "beta", "pre", "rc");
    private static final List<String> POST = List.of("cvs", "svn", "git", "hg", "p");

    private final String text;
    private final List<Long> numbers = new ArrayList<>();
    private final int letter;
    /** Per suffix: a rank (negative before the release, positive after) and its number. */
    private final List<long[]> suffixes = new ArrayList<>();

    private final long revision;

    private ApkVersion(String text) {
        this.text = text;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            while (i < n && Character.isDigit(text.charAt(i))) {
                i++;
            }
            numbers.add(start == i ? 0 : number(text.substring(start, i)));
            if (i < n && text.charAt(i) == '.') {
                i++;
                continue;
            }
            break;
        }
        int l = 0;
        if (i < n && Character.isLowerCase(text.charAt(i))) {
            l = text.charAt(i);
            i++;
        }
        letter = l;
        while (i < n && text.charAt(i) == '_') {
            int start = ++i;
            while (i < n && Character.isLetter(text.charAt(i))) {
                i++;
            }
            String name = text.substring(start, i);
            int digits = i;
            while (i < n && Character.isDigit(text.charAt(i))) {
                i++;
            }
            long number = digits == i ? 0 : number(text.substring(digits, i));
            int rank = PRE.contains(name)
                    ? PRE.indexOf(name) - PRE.size()
                    : POST.contains(name) ? POST.indexOf(name) + 1 : 0;
            suffixes.add(new long[] {rank, number});
        }
        long r = 0;
        if (i + 2 <= n && text.startsWith("-r", i)) {
            r = number(text.substring(i + 2).replaceAll("\\D.*", ""));
        }
        revision = r;
    }

    public static ApkVersion parse(String text) {
        return new ApkVersion(text.trim());
    }

    private static long number(String digits) {
        if (digits.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(digits.length() > 18 ? digits.substring(0, 18) : digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Without the {@code -rN} revision: {@code 1.2.3} of {@code 1.2.3-r2}. */
    public String upstream() {
        int r = text.lastIndexOf("-r");
        return r > 0 ? text.substring(0, r) : text;
    }

    @Override
    public int compareTo(ApkVersion o) {
        int parts = Math.max(numbers.size(), o.numbers.size());
        for (int i = 0; i < parts; i++) {
            long a = i < numbers.size() ? numbers.get(i) : -1;
            long b = i < o.numbers.size() ? o.numbers.get(i) : -1;
            if (a != b) {
                return Long.compare(a, b);
            }
        }
        if (letter != o.letter) {
            return Integer.compare(letter, o.letter);
        }
        int count = Math.max(suffixes.size(), o.suffixes.size());
        for (int i = 0; i < count; i++) {
            long[] a = i < suffixes.size() ? suffixes.get(i) : new long[] {0, 0};
            long[] b = i < o.suffixes.size() ? o.suffixes.get(i) : new long[] {0, 0};
            if (a[0] != b[0]) {
                return Long.compare(a[0], b[0]);
            }
            if (a[1] != b[1]) {
                return Long.compare(a[1], b[1]);
            }
        }
        return Long.compare(revision, o.revision);
    }

    public boolean before(String other) {
        return compareTo(parse(other)) < 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApkVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(numbers, letter, revision);
    }

    @Override
    public String toString() {
        return text;
    }
}
