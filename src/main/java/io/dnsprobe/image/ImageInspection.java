package io.dnsprobe.image;

import io.dnsprobe.text.Printable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What reading an image found, or why it could not be read.
 *
 * @param digest the manifest (or index) digest the reference resolved to; null when it never resolved
 * @param basis whether every layer was read, only the cached lower ones so far, or none (failed)
 * @param layersRead layers whose facts this answer rests on
 * @param problemKind why it failed; null unless {@code basis} is FAILED
 * @param bytesRead bytes this inspection took from the registry (cached layers cost none)
 */
public record ImageInspection(
        ImageRef ref,
        String digest,
        Platform platform,
        Libc libc,
        LibcFinder.Evidence evidence,
        String release,
        List<String> notes,
        ImageConfig config,
        ImageFiles files,
        Basis basis,
        int layersRead,
        int layers,
        RegistryException.Kind problemKind,
        String problem,
        long bytesRead,
        Duration took) {

    /** How complete the answer is. */
    public enum Basis {
        /** Every layer was read. */
        COMPLETE,
        /** Only the lower layers, known from other images; the upper ones are being read. */
        LOWER_LAYERS,
        /** Nothing usable: see {@code problem}. */
        FAILED
    }

    /** Everything here that an image or a registry wrote is made printable: it reaches terminals and statuses. */
    public ImageInspection {
        notes = notes.stream().map(Printable::line).toList();
        release = Printable.line(release, 128);
        problem = Printable.line(problem);
    }

    /** The same answer over other layer facts (a cached result is kept without them). */
    ImageInspection withFiles(ImageFiles other) {
        return new ImageInspection(
                ref,
                digest,
                platform,
                libc,
                evidence,
                release,
                notes,
                config,
                other,
                basis,
                layersRead,
                layers,
                problemKind,
                problem,
                bytesRead,
                took);
    }

    static ImageInspection failed(
            ImageRef ref, String digest, Platform platform, RegistryException e, long bytes, Duration took) {
        return new ImageInspection(
                ref,
                digest,
                platform,
                Libc.UNKNOWN,
                LibcFinder.Evidence.none(0, e.getMessage()),
                null,
                List.of(),
                null,
                null,
                Basis.FAILED,
                0,
                0,
                e.kind(),
                e.getMessage(),
                bytes,
                took);
    }

    public boolean failed() {
        return basis == Basis.FAILED;
    }

    /** The program a container with this {@code command}, {@code args} and env runs, and whose resolver it uses. */
    public ProgramFinder.Program program(List<String> command, List<String> args, Map<String, String> env) {
        if (files == null || config == null) {
            return new ProgramFinder.Program(null, ProgramFinder.Resolver.IMAGE_LIBC, "image not read");
        }
        if (basis == Basis.LOWER_LAYERS) {
            ProgramFinder.Program p = ProgramFinder.find(config, files, command, args, env);
            return p.path() != null
                    ? p
                    : new ProgramFinder.Program(
                            null, ProgramFinder.Resolver.IMAGE_LIBC, "upper layers not read yet: program not known");
        }
        return ProgramFinder.find(config, files, command, args, env);
    }

    /** {@code lib/apk/db/installed, layer 1/4}, or what stood in for it. */
    public String where() {
        return evidence.toString();
    }
}
