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
