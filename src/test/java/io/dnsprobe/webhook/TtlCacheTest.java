package io.dnsprobe.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TtlCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger made = new AtomicInteger();

    private String make(String key) {
        return key + "#" + made.incrementAndGet();
    }

    @Test
    void aValueIsReusedUntilItExpires() {
        TtlCache<String, String> cache = new TtlCache<>(10, Duration.ofSeconds(60), now::get);
        assertThat(cache.get("a", () -> make("a"))).isEqualTo("a#1");
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(cache.get("a", () -> make("a"))).isEqualTo("a#1");
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(cache.get("a", () -> make("a"))).isEqualTo("a#2");
    }

    @Test
    void getIfLiveNeverMakesAValue() {
        TtlCache<String, String> cache = new TtlCache<>(10, Duration.ofSeconds(60), now::get);
        assertThat(cache.getIfLive("a")).isNull();
        assertThat(cache.size()).isZero();
        cache.get("a", () -> make("a"));
        assertThat(cache.getIfLive("a")).isEqualTo("a#1");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(cache.getIfLive("a")).as("expired").isNull();
        assertThat(made.get()).isEqualTo(1);
    }

    @Test
    void fullOfLiveEntriesItDropsTheHalfThatExpiresSoonest() {
        TtlCache<String, String> cache = new TtlCache<>(10, Duration.ofSeconds(60), now::get);
        for (int i = 0; i < 10; i++) {
            cache.get("k" + i, () -> "v");
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(cache.size()).isEqualTo(10);
        cache.get("new", () -> "v");
        assertThat(cache.size()).isEqualTo(6);
        int before = made.get();
        assertThat(cache.get("k9", () -> make("k9"))).as("the newest survive").isEqualTo("v");
        assertThat(cache.get("k0", () -> make("k0")))
                .as("the oldest were dropped")
                .isEqualTo("k0#" + (before + 1));
        for (int i = 0; i < 10_000; i++) {
            cache.get("flood" + i, () -> "v");
        }
        assertThat(cache.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void expiredEntriesGoFirst() {
        TtlCache<String, String> cache = new TtlCache<>(4, Duration.ofSeconds(10), now::get);
        cache.get("old1", () -> "v");
        cache.get("old2", () -> "v");
        now.addAndGet(Duration.ofSeconds(8).toNanos());
        cache.get("live1", () -> "v");
        cache.get("live2", () -> "v");
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        cache.get("x", () -> "v");
        assertThat(cache.size()).as("two expired removed, no live one").isEqualTo(3);
        assertThat(cache.get("live1", () -> make("live1"))).isEqualTo("v");
    }
}
