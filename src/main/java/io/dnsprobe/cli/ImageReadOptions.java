package io.dnsprobe.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** How {@code check} reads images: how many at once, and how it shows the progress. */
public final class ImageReadOptions {
    /** Each image read may take about 23 MiB of heap at worst (ImageInspector): 16 of them, a third of a GiB. */
    static final int MAX_PARALLEL = 16;

    @Option(
            names = "--parallel-images",
            paramLabel = "N",
            defaultValue = "4",
            description = "Images read at once, 1 to " + MAX_PARALLEL + " (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(
            names = "--progress",
            paramLabel = "auto|plain|none",
            defaultValue = "auto",
            description = "Progress of image reads on stderr once they take more than a moment: auto is a bar on a "
                    + "terminal and plain lines elsewhere (default: ${DEFAULT-VALUE}).")
    String progress;

    int parallel() {
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new CliException("--parallel-images: " + parallel + " is not between 1 and " + MAX_PARALLEL);
        }
        return parallel;
    }

    ImageProgress.Mode progress() {
        try {
            return ImageProgress.Mode.valueOf(progress.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("--progress: '" + progress + "' is not auto, plain or none");
        }
    }
}
