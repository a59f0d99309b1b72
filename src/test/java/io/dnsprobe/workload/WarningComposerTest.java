package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarningComposerTest {
    private static final String REASON =
            "UDP reply truncated to 0 of 40 A records; musl <= 1.2.3 never retries over TCP (EAI_NONAME)";

    private static Finding finding(String name, VerdictKind verdict, String reason) {
        return new Finding(
                "app",
                "alpine:3.14",
                "musl 1.2.2",
                true,
                name,
                verdict,
                MuslVersion.UP_TO_1_2_3,
                reason,
                "40 A records");
    }

    @Test
    void longReasonsKeepTheirFirstClauseWhole() {
        assertThat(Finding.brief("EAI_NONAME where glibc gets 3 addresses"))
                .isEqualTo("EAI_NONAME where glibc gets 3 addresses");
        String search = "EAI_NODATA for cfg.test.example.shop.svc.cluster.local ends musl <= 1.2.3's search";
        assertThat(Finding.brief(search + "; glibc goes on to cfg.test.example; and more words to pass 140 characters"))
                .isEqualTo(search);
        String cut = Finding.brief(
                "one two three four five six seven eight nine ten eleven twelve thirteen fourteen ".repeat(3));
        assertThat(cut)
                .endsWith("...")
                .hasSizeLessThanOrEqualTo(Finding.MAX_REASON)
                .doesNotContain("fourt...");
        assertThat(cut.substring(0, cut.length() - 3)).doesNotEndWith(" ");
    }

    @Test
    void aWarningReadsAsTheIssueShowsAndFitsOneLine() {
        Finding f = finding("vis.company.com", VerdictKind.FAILS, REASON);
        assertThat(f.warning()).isEqualTo("container app (alpine:3.14, musl 1.2.2): vis.company.com fails, " + REASON);
        assertThat(f.warning().length()).isLessThan(160);
        assertThat(WarningComposer.compose(List.of(f, f))).as("deduplicated").hasSize(1);
    }

    @Test
    void aWarningLongerThan256IsCutTo256WithAnEllipsis() {
        // A 240-character name (valid: labels of 63) makes the warning itself over 300 characters.
        String name = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(46), "example");
        Finding f = new Finding(
                "app",
                "registry.example.com/team/very-long-image-name:1.2.3-alpine3.16",
                "musl 1.2.3",
                true,
                name,
                VerdictKind.FAILS,
                MuslVersion.UP_TO_1_2_3,
                REASON,
                "40 A records");
        assertThat(f.warning().length()).as("the finding's own text").isGreaterThan(WarningComposer.MAX_ONE);
        List<String> out = WarningComposer.compose(List.of(f));
        assertThat(out).singleElement().satisfies(w -> {
            assertThat(w).hasSize(256).endsWith("...");
            assertThat(w).startsWith(f.warning().substring(0, 253));
        });
        Finding shortOne = finding("vis.company.com", VerdictKind.FAILS, "x");
        assertThat(WarningComposer.compose(List.of(shortOne))).containsExactly(shortOne.warning());
    }

    @Test
    void manyWarningsStayWithin4096WithACount() {
        List<Finding> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(finding("name-" + i + ".example.com", VerdictKind.PARTIAL, REASON));
        }
        List<String> out = WarningComposer.compose(many);
        assertThat(out.stream().mapToInt(String::length).sum()).isLessThanOrEqualTo(4096);
        String last = out.get(out.size() - 1);
        assertThat(last).matches("and \\d+ more DNS warnings");
        assertThat(out.size() - 1 + Integer.parseInt(last.split(" ")[1])).isEqualTo(200);
    }
}
