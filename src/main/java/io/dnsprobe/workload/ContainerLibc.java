package io.dnsprobe.workload;

import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.Libc;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.image.ProgramFinder;
import java.util.Optional;

/**
 * Which libc's resolver a container uses, and how dnsprobe knows: declared (annotation, image rule),
 * read from the image (its files, and the program it runs), or guessed from the image's name. Pure.
 *
 * @param evidence one line: the annotation, the file and layer, or the name
 * @param program the program and whose resolver it uses, when the image was read; null otherwise
 * @param digest the manifest digest read, when the image was read; null otherwise
 */
public record ContainerLibc(Libc libc, Source source, String evidence, ProgramFinder.Program program, String digest) {

    /** Where the answer came from, strongest first. */
    /** How the libc is known; {@link #id()} is the word reports and {@code check --json} write. */
    public enum Source {
        ANNOTATION("annotation"),
        RULE("rule"),
        IMAGE("image"),
        /** The image's lower layers, known from other images; its upper layers were not read yet. */
        IMAGE_LOWER_LAYERS("image-lower-layers"),
        NAME("name");

        private final String id;

        Source(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * The order of issue 10: annotation, operator rules, the inspected image, then the name. A failed
     * inspection (registry down, bound hit) falls through to the name.
     */
    public static ContainerLibc decide(
            LibcDetector detector, Workload workload, Workload.Container c, Optional<ImageInspection> inspected) {
        Optional<LibcDetector.Declared> declared =
                detector.declared(c.image(), workload.annotations().get(LibcDetector.ANNOTATION));
        if (declared.isPresent()) {
            Source s = declared.get().by() == LibcDetector.Declared.By.ANNOTATION ? Source.ANNOTATION : Source.RULE;
            return new ContainerLibc(declared.get().libc(), s, declared.get().evidence(), null, null);
        }
        if (inspected.isPresent() && !inspected.get().failed()) {
            ImageInspection i = inspected.get();
            // The program as the kubelet starts it: $(VAR) in command and args expanded against what the spec
            // alone tells (ConfigMaps are not known here).
            ContainerEnv env = ContainerEnv.of(c, workload.namespace(), NameExtractor.ConfigMaps.NONE);
            ProgramFinder.Program program = i.program(env.command(), env.args(), c.literalEnv());
            Source s = i.basis() == ImageInspection.Basis.LOWER_LAYERS ? Source.IMAGE_LOWER_LAYERS : Source.IMAGE;
            Libc libc = i.libc();
            if (program.resolver() == ProgramFinder.Resolver.MUSL && !libc.isMusl()) {
                libc = Libc.MUSL_UNKNOWN_VERSION; // a musl-linked program in a glibc image: rare, but musl it is
            }
            return new ContainerLibc(
                    libc, s, i.where() + (i.release() == null ? "" : " (" + i.release() + ")"), program, i.digest());
        }
        Libc byName = detector.fromName(c.image());
        return new ContainerLibc(
                byName,
                Source.NAME,
                byName.kind() == Libc.Kind.UNKNOWN ? "image name says nothing" : "image name " + c.image(),
                null,
                null);
    }

    /** Whether musl's resolver answers this container's lookups: musl, and not a Go or glibc program. */
    public boolean usesMusl() {
        if (!libc.isMusl()) {
            return false;
        }
        return program == null
                || program.resolver() == ProgramFinder.Resolver.MUSL
                || program.resolver() == ProgramFinder.Resolver.IMAGE_LIBC;
    }

    /** Why this container gets no musl warning although its image is musl; empty otherwise. */
    public Optional<String> exemption() {
        return libc.isMusl() && !usesMusl() ? Optional.of(program.reason()) : Optional.empty();
    }
}
