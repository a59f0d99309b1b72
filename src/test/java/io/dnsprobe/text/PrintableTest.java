package io.dnsprobe.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void ordinaryTextIsUnchanged() {
        String s =
                "registry 127.0.0.1:5000 answered 404 for GET /v2/acme/orders/manifests/1.4: MANIFEST_UNKNOWN é ü 日本";
        assertThat(Printable.line(s)).isSameAs(s);
    }

    @Test
    void controlCharactersAndForgedLinesAreEscaped() {
        String hostile = "denied\u001b[2J\u001b[31mFAKE\r\ndnsprobe: all images OK\u0007\u009b\u202eevil\u2028x\u007f";
        String safe = Printable.line(hostile);
        assertThat(safe).doesNotContain("\u001b", "\r", "\n", "\u0007", "\u009b", "\u202e", "\u2028", "\u007f");
        assertThat(safe)
                .isEqualTo(
                        "denied\\u001b[2J\\u001b[31mFAKE\\r\\ndnsprobe: all images OK\\u0007\\u009b\\u202eevil\\u2028x\\u007f");
    }

    @Test
    void longTextIsCutAndSaysHowMuchWasCut() {
        String s = "x".repeat(10_000);
        String cut = Printable.line(s, 100);
        assertThat(cut).startsWith("x".repeat(100)).endsWith("... (9900 more characters)");
        assertThat(cut.length()).isLessThan(130);
        // An escape is never split in half at the cut.
        assertThat(Printable.line("ab\u001bcd", 5)).isEqualTo("ab... (3 more characters)");
    }

    @Test
    void nullStaysNull() {
        assertThat(Printable.line(null)).isNull();
    }

    @Test
    void sizesReadAsPeopleSayThem() {
        assertThat(Sizes.bytes(50_000)).isEqualTo("48 KiB");
        assertThat(Sizes.bytes(512)).isEqualTo("512 bytes");
        assertThat(Sizes.bytes(1L << 30)).isEqualTo("1024 MiB");
        assertThat(Sizes.bytes(4L << 30)).isEqualTo("4096 MiB");
        assertThat(Sizes.bytes(16L << 30)).isEqualTo("16 GiB");
    }
}
