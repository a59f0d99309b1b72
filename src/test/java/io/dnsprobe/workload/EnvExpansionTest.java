package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The kubelet's expansion rules, case by case (Kubernetes' expansion package states the same behaviours). */
class EnvExpansionTest {
    private static final Map<String, String> VARS = Map.of("A", "a", "B", "b", "REF", "$(A)", "EMPTY", "");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "$(A)                | a",
                "$(A)-$(A)           | a-a",
                "___$(B)___          | ___b___",
                "$(A)_$(B)           | a_b",
                "$$(B)_$(A)          | $(B)_a",
                "$$(A)_$$(B)         | $(A)_$(B)",
                "f-$$A               | f-$A",
                "foo\\$(A)bar        | foo\\abar",
                "$(A$(B))            | $(A$(B))",
                "$(A$(B)             | $(A$(B)",
                "$(REF)              | $(A)",
                "x$(EMPTY)y          | xy",
                "foo$(Awhoops!       | foo$(Awhoops!",
                "f__(A)__            | f__(A)__",
                "$?_boo_$!           | $?_boo_$!",
                "$A                  | $A",
                "$(UNDEFINED)        | $(UNDEFINED)",
                "$$$$$$(UNDEFINED)   | $$$(UNDEFINED)",
                "$$$$$$(A)           | $$$(A)",
                "$$$$$$$(UNDEFINED)  | $$$$(UNDEFINED)",
                "$$$$$$$(A)          | $$$a",
                "${A}                | ${A}",
                "$(B)___$(A          | b___$(A",
                "$(B)___$(           | b___$(",
                "$(A)z$              | az$",
                "--$($($(--          | --$($($(--",
                "$(foo$$var)         | $(foo$$var)",
                "''                  | ''"
            })
    void asTheKubeletExpands(String input, String expected) {
        assertThat(EnvExpansion.expand(input, VARS)).isEqualTo(expected);
    }

    @Test
    void anExpansionPastTheBoundLeavesTheValueAsWritten() {
        String big = "x".repeat(EnvExpansion.MAX_CHARS / 2 + 1);
        assertThat(EnvExpansion.expand("$(BIG)", Map.of("BIG", big))).isEqualTo(big);
        assertThat(EnvExpansion.expand("$(BIG)$(BIG)", Map.of("BIG", big))).isEqualTo("$(BIG)$(BIG)");
    }
}
