package io.dnsprobe.text;

/** Byte counts for people: {@code 512 bytes}, {@code 48 KiB}, {@code 1 GiB}, exact below 10 KiB. */
public final class Sizes {
    private Sizes() {}

    public static String bytes(long n) {
        if (n < 10 << 10) {
            return n + " bytes";
        }
        if (n < 10L << 20) {
            return (n >> 10) + " KiB";
        }
        if (n < 10L << 30) {
            return (n >> 20) + " MiB";
        }
        return (n >> 30) + " GiB";
    }
}
