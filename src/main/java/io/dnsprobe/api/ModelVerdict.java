package io.dnsprobe.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dnsprobe.libc.ModelId;
import io.dnsprobe.libc.VerdictKind;

/** One libc model's verdict for one name and server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelVerdict(
        @JsonPropertyDescription(
                "musl-1.2.3 (Alpine <= 3.17), musl-1.2.4 (3.18), musl-1.2.4_git20230717 (3.19), musl-1.2.5 (3.20+) or glibc.")
        ModelId model,

        @JsonPropertyDescription("OK, PARTIAL or FAILS, against glibc.")
        VerdictKind verdict,

        @JsonPropertyDescription("What getaddrinfo returns: the number of addresses or the EAI error.")
        String result,

        @JsonPropertyDescription("Why, in one line.") String reason) {
    public ModelVerdict {
        result = Interned.of(result);
        reason = Interned.of(reason);
    }
}
