package io.dnsprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The progress of image reads, drawn on the test's own clock: what appears when, counted, never timed. */
class ImageProgressTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final StringWriter err = new StringWriter();
    private final List<String> images = IntStream.rangeClosed(1, 10)
            .mapToObj(n -> "quay.example/acme/app" + n + ":1")
            .toList();

    private ImageProgress progress(ImageProgress.Style style) {
        return new ImageProgress(new PrintWriter(err), style, images, now::get, ImageProgress.DELAY);
    }

    /** Moves the clock on by {@code d} in ticks of 100 ms, as the wait loop ticks. */
    private void run(ImageProgress p, Duration d) {
        for (long t = 0; t < d.toMillis(); t += 100) {
            now.addAndGet(Duration.ofMillis(100).toNanos());
            p.tick();
        }
    }

    private List<String> lines() {
        return err.toString().lines().toList();
    }

    @Test
    void readsThatEndWithinTheDelayPrintNothing() {
        for (ImageProgress.Style style : ImageProgress.Style.values()) {
            ImageProgress p = progress(style);
            run(p, Duration.ofMillis(1400));
            images.forEach(i -> p.finished(i, true));
            p.tick();
            p.end();
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void plainLinesComeAfterTheDelayAtMostEveryFiveSecondsAndWhileNothingChangesEveryThirty() {
        ImageProgress p = progress(ImageProgress.Style.LINES);
        run(p, Duration.ofMillis(1400));
        assertThat(err.toString()).isEmpty();
        run(p, Duration.ofMillis(100));
        assertThat(lines())
                .containsExactly("reading images: 0 of 10 done, waiting on quay.example/acme/app1:1 and 9 more");

        // Three reads end within the next second: said once five seconds after the first line, not three times.
        p.finished(images.get(0), true);
        run(p, Duration.ofMillis(300));
        p.finished(images.get(1), false);
        p.finished(images.get(2), false);
        run(p, Duration.ofMillis(4600));
        assertThat(lines()).hasSize(1);
        run(p, Duration.ofMillis(100));
        assertThat(lines())
                .hasSize(2)
                .last()
                .isEqualTo(
                        "reading images: 3 of 10 done, 2 failed, waiting on " + "quay.example/acme/app4:1 and 6 more");

        // A hung registry: nothing changes; a line every 30 s says the reads still wait.
        run(p, Duration.ofSeconds(60));
        assertThat(lines()).hasSize(4);
        assertThat(lines().subList(2, 4)).containsOnly(lines().get(1));

        images.subList(3, 10).forEach(i -> p.finished(i, false));
        p.end();
        assertThat(lines()).hasSize(5).last().isEqualTo("reading images: 10 of 10 done, 9 failed");
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlaceAndEndsWithALineBreak() {
        ImageProgress p = progress(ImageProgress.Style.BAR);
        run(p, Duration.ofMillis(1500));
        assertThat(err.toString()).isEqualTo("\rreading images 0/10 [....................]");
        run(p, Duration.ofSeconds(10));
        assertThat(err.toString())
                .as("nothing new: not redrawn")
                .isEqualTo("\rreading images 0/10 [....................]");
        p.finished(images.get(0), true);
        p.finished(images.get(1), false);
        p.finished(images.get(2), false);
        p.tick();
        images.subList(3, 10).forEach(i -> p.finished(i, true));
        p.end();
        assertThat(err.toString())
                .doesNotContain("waiting on")
                .isEqualTo("\rreading images 0/10 [....................]"
                        + "\rreading images 3/10 (2 failed) [######..............]"
                        + "\rreading images 10/10 (2 failed) [####################]\n");
        assertThat(err.toString().split("\n", -1)).as("one line, redrawn").hasSize(2);
    }

    @Test
    void noneDrawsNothingAndImageNamesAreMadePrintable() {
        ImageProgress none = progress(ImageProgress.Style.NONE);
        run(none, Duration.ofMinutes(2));
        none.end();
        assertThat(err.toString()).isEmpty();

        ImageProgress p = new ImageProgress(
                new PrintWriter(err),
                ImageProgress.Style.LINES,
                List.of("evil.example/x:1\u001b[2J\rreading images: 10 of 10 done"),
                now::get,
                ImageProgress.DELAY);
        run(p, Duration.ofSeconds(2));
        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0)).doesNotContain("\u001b").doesNotContain("\r");
    }
}
