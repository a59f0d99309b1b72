package io.dnsprobe.workload;

import io.dnsprobe.libc.VerdictKind;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarningComposerTest {

    @Test
    void aWarningReadsAsTheIssueShowsAndFitsOneLine() {
        Finding f = new Finding("app", "alpine:3.14", "musl 1.2.2", true, "vis.company.com", VerdictKind.FAILS, "40 A records need TCP");
        assertThat(f.warning()).isEqualTo("container app (alpine:3.14, musl 1.2.2): vis.company.com fails, 40 A records need TCP");
        assertThat(f.warning().length()).isLessThan(120);
        assertThat(WarningComposer.compose(List.of(f, f))).as("deduplicated").hasSize(1);
    }

    @Test
    void aWarningLongerThan256IsCutTo256WithAnEllipsis() {
        // A 240-character name (valid: labels of 63) makes the warning itself over 300 characters.
        String name = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(46), "example");
        Finding f = new Finding("app", "registry.example.com/team/very-long-image-name:1.2.3-alpine3.16", "musl 1.2.3", true,
                name, VerdictKind.FAILS, "40 A records need TCP");
        assertThat(f.warning().length()).as("the finding's own text").isGreaterThan(WarningComposer.MAX_ONE);
        List<String> out = WarningComposer.compose(List.of(f));
        assertThat(out).singleElement().satisfies(w -> {
            assertThat(w).hasSize(256).endsWith("...");
            assertThat(w).startsWith(f.warning().substring(0, 253));
        });
        Finding shortOne = new Finding("app", "alpine:3.14", "musl 1.2.2", true, "vis.company.com", VerdictKind.FAILS, "x");
        assertThat(WarningComposer.compose(List.of(shortOne))).containsExactly(shortOne.warning());
    }

    @Test
    void manyWarningsStayWithin4096WithACount() {
        List<Finding> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(new Finding("app", "alpine:3.14", "musl 1.2.2", true, "name-" + i + ".example.com", VerdictKind.PARTIAL,
                    "40 A records need TCP"));
        }
        List<String> out = WarningComposer.compose(many);
        assertThat(out.stream().mapToInt(String::length).sum()).isLessThanOrEqualTo(4096);
        String last = out.get(out.size() - 1);
        assertThat(last).matches("and \\d+ more DNS warnings");
        assertThat(out.size() - 1 + Integer.parseInt(last.split(" ")[1])).isEqualTo(200);
    }
}
