package io.dnsprobe.operator;

import io.dnsprobe.server.Leading;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the Leading events of the application under test: the audit starts on them, and only on them. */
@ApplicationScoped
public class LeadingRecorder {
    public record Seen(Leading leading, Instant at) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    void on(@Observes Leading leading) {
        seen.add(new Seen(leading, Instant.now()));
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }
}
