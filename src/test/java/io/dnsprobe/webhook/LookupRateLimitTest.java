package io.dnsprobe.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.libc.MuslVersion;
import io.dnsprobe.libc.VerdictKind;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.workload.NameVerdicts;
import io.dnsprobe.workload.WorkloadChecker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.junit.jupiter.api.Test;

/**
 * New inline probes are bounded per second across all reviews; cached verdicts are not. The clock is a
 * counter the test steps, so nothing here depends on how fast the machine is.
 */
class LookupRateLimitTest {
    private static final ResolverConfig POD = ResolverConfig.of(List.of(ServerAddress.parse("127.0.0.1:53")));
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> probed = new ArrayList<>();
    private int rateLimited;

    private static NameVerdicts fails(String name) {
        return new NameVerdicts(
                name,
                Map.of(MuslVersion.UP_TO_1_2_3, new NameVerdicts.Judgement(VerdictKind.FAILS, "x")),
                "40 A records",
                "probe");
    }

    private InlineVerdicts inline(int perSecond) {
        InlineVerdicts v = new InlineVerdicts();
        v.start(
                now::get,
                Duration.ofMinutes(5),
                perSecond,
                (name, pod) -> {
                    probed.add(name);
                    return CompletableFuture.completedFuture(Optional.of(fails(name)));
                },
                () -> rateLimited++);
        return v;
    }

    private static Optional<NameVerdicts> lookup(InlineVerdicts v, String name) {
        return v.probed(name, POD).join();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void theBucketRefillsAtItsRateAndHoldsOneSecondAtMost() {
        TokenBucket b = new TokenBucket(4, 4, now::get);
        for (int i = 0; i < 4; i++) {
            assertThat(b.tryTake()).as("starts full: " + i).isTrue();
        }
        assertThat(b.tryTake()).isFalse();
        advance(Duration.ofMillis(249));
        assertThat(b.tryTake()).as("0.996 of a token").isFalse();
        advance(Duration.ofMillis(2));
        assertThat(b.tryTake()).isTrue();
        assertThat(b.tryTake()).isFalse();
        advance(Duration.ofHours(1));
        int granted = 0;
        while (b.tryTake()) {
            granted++;
        }
        assertThat(granted)
                .as("an idle hour saves up one second's worth, not 14,400")
                .isEqualTo(4);
        TokenBucket off = new TokenBucket(0, 0, now::get);
        advance(Duration.ofHours(1));
        assertThat(off.tryTake()).isFalse();
    }

    @Test
    void newNamesOverTheLimitAreUnknownAndNotCachedWhileKnownNamesAreFree() {
        InlineVerdicts v = inline(3);
        for (String n : List.of("a.example", "b.example", "c.example")) {
            assertThat(lookup(v, n)).isPresent();
        }
        assertThat(lookup(v, "d.example"))
                .as("fourth new name in the same second")
                .isEmpty();
        assertThat(lookup(v, "e.example")).isEmpty();
        assertThat(probed).containsExactly("a.example", "b.example", "c.example");
        assertThat(rateLimited).isEqualTo(2);

        // Cached verdicts cost nothing and are never refused, however many reviews ask.
        for (int i = 0; i < 100; i++) {
            assertThat(lookup(v, "b.example")).isPresent();
        }
        assertThat(probed).hasSize(3);
        assertThat(rateLimited).isEqualTo(2);

        // A third of a second later one token is back: the name refused before is probed now (it was
        // not remembered as unknown), and the next new one is refused again.
        advance(Duration.ofMillis(334));
        assertThat(lookup(v, "d.example")).isPresent();
        assertThat(lookup(v, "f.example")).isEmpty();
        assertThat(probed).containsExactly("a.example", "b.example", "c.example", "d.example");
        assertThat(rateLimited).isEqualTo(3);
    }

    @Test
    void zeroProbesNothingInline() {
        InlineVerdicts v = inline(0);
        assertThat(lookup(v, "a.example")).isEmpty();
        advance(Duration.ofMinutes(1));
        assertThat(lookup(v, "a.example")).isEmpty();
        assertThat(probed).isEmpty();
        assertThat(rateLimited).isEqualTo(2);
    }

    @Test
    void aReviewOverTheLimitWarnsAboutWhatWasProbedAndCountsTheRestUnknown() throws Exception {
        InlineVerdicts v = inline(2);
        JsonNode request = new ObjectMapper().readTree("""
                {"uid": "u1", "operation": "CREATE", "namespace": "shop",
                 "object": {"kind": "Pod", "metadata": {"name": "p"},
                            "spec": {"containers": [{"name": "app", "image": "alpine:3.14", "env": [
                                {"name": "A_HOST", "value": "a.example.com"}, {"name": "B_HOST", "value": "b.example.com"},
                                {"name": "C_HOST", "value": "c.example.com"}, {"name": "D_HOST", "value": "d.example.com"}]}]}}}""");
        WorkloadChecker.Verdicts verdicts = (ns, name, dns) -> v.probed(name, POD);
        DoubleAdder unknown = new DoubleAdder();

        AdmissionDecision first = review(request, verdicts, unknown);
        assertThat(first.warnings()).hasSize(2);
        assertThat(unknown.sum())
                .as("names over the limit are unknown for this review")
                .isEqualTo(2);
        assertThat(rateLimited).isEqualTo(2);

        AdmissionDecision sameSecond = review(request, verdicts, unknown);
        assertThat(sameSecond.warnings()).as("the two probed are cached").hasSize(2);
        assertThat(unknown.sum()).isEqualTo(4);
        assertThat(probed).hasSize(2);

        advance(Duration.ofSeconds(1));
        AdmissionDecision nextSecond = review(request, verdicts, unknown);
        assertThat(nextSecond.warnings()).hasSize(4);
        assertThat(unknown.sum()).isEqualTo(4);
        assertThat(probed).hasSize(4);
    }

    private static AdmissionDecision review(JsonNode request, WorkloadChecker.Verdicts verdicts, DoubleAdder unknown)
            throws Exception {
        return AdmissionReviewer.review(
                        request,
                        new LibcDetector(Map.of()),
                        WorkloadChecker.Images.NONE,
                        (ns, n) -> Optional.empty(),
                        verdicts,
                        ns -> false,
                        Duration.ofSeconds(5),
                        500,
                        unknown::add)
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }
}
