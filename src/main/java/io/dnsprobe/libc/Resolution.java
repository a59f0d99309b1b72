package io.dnsprobe.libc;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code getaddrinfo(name, AF_UNSPEC)} returns under one libc model: addresses, or an error.
 *
 * @param candidate the name that answered, or the one where the lookup stopped
 * @param losses what truncation, buffer or walk rules cost on the way, each a sentence for a person
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resolution(List<String> addresses, EaiError error, String candidate, List<String> losses) {
    public Resolution {
        addresses = List.copyOf(addresses);
        losses = List.copyOf(losses);
        if (error != null && !addresses.isEmpty()) {
            throw new IllegalArgumentException("a resolution has addresses or an error, not both");
        }
    }

    public static Resolution resolved(List<String> addresses, String candidate, List<String> losses) {
        return new Resolution(addresses, null, candidate, losses);
    }

    public static Resolution failed(EaiError error, String candidate, List<String> losses) {
        return new Resolution(List.of(), error, candidate, losses);
    }

    /** The same resolution with {@code loss} explained before the others. */
    public Resolution withFirstLoss(String loss) {
        List<String> all = new ArrayList<>(losses.size() + 1);
        all.add(loss);
        all.addAll(losses);
        return new Resolution(addresses, error, candidate, all);
    }

    public boolean resolves() {
        return error == null;
    }

    public String summary() {
        return error != null ? error.symbol() : addresses.size() + " addr";
    }
}
