package io.dnsprobe.cli;

import io.dnsprobe.text.Printable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * How far reading images has got, on stderr, once it takes longer than a moment: on a terminal one line
 * redrawn in place ({@code reading images 3/10 (2 failed)}), elsewhere (CI logs) a plain line at most every few
 * seconds ({@code reading images: 3 of 10 done, 2 failed, waiting on docker.io/library/nginx:1.25}). Nothing at
 * all when the reads end within the delay. It draws only when {@link #tick()} is called, with the time of its
 * clock: the caller's wait loop ticks it, a test ticks it with a clock of its own.
 */
final class ImageProgress {
    /** Shown only when reading takes longer than this: a quick check prints nothing. */
    static final Duration DELAY = Duration.ofMillis(1500);
    /** Plain lines at most this often. */
    static final Duration LINE_EVERY = Duration.ofSeconds(5);
    /** With nothing new to say, a plain line still says every so often that the reads are waiting. */
    static final Duration QUIET_LINE_EVERY = Duration.ofSeconds(30);
    /** Image names are cut to this in a line: the bar must fit on one terminal line to be redrawn. */
    private static final int NAME_CHARS = 48;

    private static final int BAR_CELLS = 20;

    /** {@code --progress}: auto is a bar on a terminal, plain lines elsewhere. */
    enum Mode {
        AUTO,
        PLAIN,
        NONE
    }

    /** How progress is drawn. */
    enum Style {
        BAR,
        LINES,
        NONE
    }

    private final PrintWriter err;
    private final Style style;
    private final int total;
    private final Set<String> pending;
    private final LongSupplier clock;
    private final long start;
    private final long delay;
    private int done;
    private int failed;
    private boolean shown;
    private long lastLine;
    private String lastSaid = "";
    private int barWidth;

    /**
     * @param images what is being read, in the order they were asked for: the first not done is named as waited on
     * @param clock nanoseconds, the reads' start being now
     */
    ImageProgress(PrintWriter err, Style style, Collection<String> images, LongSupplier clock, Duration delay) {
        this.err = err;
        this.style = style;
        this.total = images.size();
        this.pending = new LinkedHashSet<>(images);
        this.clock = clock;
        this.start = clock.getAsLong();
        this.delay = delay.toNanos();
    }

    /** The style for {@code --progress}: a bar only when stderr is the terminal. */
    static Style style(Mode mode) {
        return switch (mode) {
            case NONE -> Style.NONE;
            case PLAIN -> Style.LINES;
            case AUTO -> stderrIsTerminal() ? Style.BAR : Style.LINES;
        };
    }

    /**
     * Java only says whether stdin and stdout are a terminal ({@code System.console()}); stderr is that terminal
     * when it goes where stdout goes (Linux: the same /dev/pts). Where /proc is not there, the console decides.
     */
    static boolean stderrIsTerminal() {
        if (System.console() == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Path err = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
            return err.equals(Files.readSymbolicLink(Path.of("/proc/self/fd/1")));
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
    }

    /** One read ended. Any thread; nothing is drawn until the next tick. */
    synchronized void finished(String image, boolean ok) {
        if (pending.remove(image)) {
            done++;
            if (!ok) {
                failed++;
            }
        }
    }

    /** Draws if it is time to. */
    synchronized void tick() {
        long now = clock.getAsLong();
        if (style == Style.NONE || now - start < delay) {
            return;
        }
        if (style == Style.BAR) {
            String bar = bar();
            if (!shown || !bar.equals(lastSaid)) {
                draw(bar);
            }
            return;
        }
        String line = line();
        boolean changed = !line.equals(lastSaid);
        long since = now - lastLine;
        if (!shown || changed && since >= LINE_EVERY.toNanos() || since >= QUIET_LINE_EVERY.toNanos()) {
            err.println(line);
            err.flush();
            shown = true;
            lastLine = now;
            lastSaid = line;
        }
    }

    /** The reads are over: a bar is finished with its last state and a line break, so what follows starts clean. */
    synchronized void end() {
        if (!shown) {
            return;
        }
        if (style == Style.BAR) {
            if (!bar().equals(lastSaid)) {
                draw(bar());
            }
            err.print('\n');
        } else if (!line().equals(lastSaid)) {
            err.println(line());
        }
        err.flush();
    }

    private void draw(String bar) {
        // Spaces over what a longer earlier bar left; \r puts the cursor back at the start of the line.
        err.print('\r' + bar + " ".repeat(Math.max(0, barWidth - bar.length())));
        err.flush();
        barWidth = bar.length();
        shown = true;
        lastSaid = bar;
    }

    private String bar() {
        int cells = total == 0 ? BAR_CELLS : done * BAR_CELLS / total;
        return "reading images " + done + "/" + total + (failed == 0 ? "" : " (" + failed + " failed)") + " ["
                + "#".repeat(cells) + ".".repeat(BAR_CELLS - cells) + "]";
    }

    private String line() {
        String first =
                pending.isEmpty() ? "" : Printable.line(pending.iterator().next(), NAME_CHARS);
        String waiting = pending.isEmpty()
                ? ""
                : ", waiting on " + first + (pending.size() > 1 ? " and " + (pending.size() - 1) + " more" : "");
        return "reading images: " + done + " of " + total + " done" + (failed == 0 ? "" : ", " + failed + " failed")
                + waiting;
    }
}
