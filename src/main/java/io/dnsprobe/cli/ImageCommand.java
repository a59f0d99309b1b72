package io.dnsprobe.cli;

import io.dnsprobe.image.Digests;
import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.ProgramFinder;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.probe.ProbeJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Reads images from their registries and says which libc they carry, from which file and layer. */
@Command(
        name = "image",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = {
            "Reads each IMAGE from its registry (manifest, config, layers; every digest checked) and prints its "
                    + "libc and version, the file and layer that tell, and the program it runs with whose DNS resolver.",
            "",
            "Exit status: 0 every image was read, 2 some image could not be (not found, auth, unreachable, over a bound) "
                    + "or usage error."
        })
final class ImageCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "IMAGE",
            arity = "1..*",
            description = "Image references: [registry/]repository[:tag][@digest].")
    List<String> images;

    @Mixin
    RegistryOptions registry;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "120s",
            description = "Most time one image may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print what was found as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RegistryAuths auths = registry.auths(err);
        List<ImageInspection> results = new ArrayList<>();
        try (ImageInspector inspector = registry.inspector(timeout)) {
            List<CompletableFuture<ImageInspection>> running = new ArrayList<>();
            for (String image : images) {
                running.add(inspector.inspect(
                        ImageRef.parse(image), registry.platform(), auths, ImageInspector.Priority.INTERACTIVE));
            }
            running.forEach(f -> results.add(f.join()));
        }
        if (json) {
            out.println(ProbeJson.write(results.stream().map(ImageCommand::json).toList()));
        } else {
            for (ImageInspection r : results) {
                print(out, r);
            }
        }
        out.flush();
        boolean failed = false;
        for (ImageInspection r : results) {
            if (r.failed()) {
                err.println("dnsprobe: " + r.ref() + ": " + r.problem());
                failed = true;
            }
        }
        return failed ? ExitCodes.USAGE_OR_PROBE_ERROR : ExitCodes.OK;
    }

    static void print(PrintWriter out, ImageInspection r) {
        if (r.failed()) {
            out.println(r.ref() + "  unknown  "
                    + r.problemKind().name().toLowerCase().replace('_', ' '));
            return;
        }
        out.println(r.ref() + "  " + r.libc().label() + (r.release() == null ? "" : " (" + r.release() + ")") + "  "
                + r.where());
        ProgramFinder.Program p = r.program(List.of(), List.of(), Map.of());
        out.println("  " + p.reason());
        for (String note : r.notes()) {
            out.println("  " + note);
        }
        out.printf(
                "  %s, %s, %d layer%s, %s read in %.2f s%n",
                r.platform(),
                Digests.shortForm(r.digest()),
                r.layers(),
                r.layers() == 1 ? "" : "s",
                size(r.bytesRead()),
                r.took().toMillis() / 1000.0);
    }

    static String size(long bytes) {
        return bytes < 10_000 ? bytes + " B" : bytes < 10_000_000 ? bytes / 1000 + " kB" : bytes / 1_000_000 + " MB";
    }

    static Map<String, Object> json(ImageInspection r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", r.ref().toString());
        m.put("digest", r.digest());
        m.put("platform", r.platform().toString());
        if (r.failed()) {
            m.put("error", Map.of("class", r.problemKind().name().toLowerCase(), "message", r.problem()));
            return m;
        }
        Map<String, Object> libc = new LinkedHashMap<>();
        libc.put("kind", r.libc().kind().name().toLowerCase());
        libc.put("label", r.libc().label());
        r.libc().model().ifPresent(model -> libc.put("model", model.id()));
        m.put("libc", libc);
        m.put("release", r.release());
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("file", r.evidence().file());
        evidence.put("layer", r.evidence().layer());
        evidence.put("layers", r.evidence().layers());
        evidence.put("detail", r.evidence().detail());
        m.put("evidence", evidence);
        ProgramFinder.Program p = r.program(List.of(), List.of(), Map.of());
        Map<String, Object> program = new LinkedHashMap<>();
        program.put("path", p.path());
        program.put("resolver", p.resolver().name().toLowerCase());
        program.put("reason", p.reason());
        m.put("program", program);
        m.put("notes", r.notes());
        m.put("basis", r.basis().name().toLowerCase());
        m.put("bytesRead", r.bytesRead());
        m.put("seconds", r.took().toMillis() / 1000.0);
        return m;
    }
}
