package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.image.ImageFilesTest.L;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgramFinderTest {
    private static final FileFact.Executable GO =
            new FileFact.Executable(FileFact.ExecKind.GO, null, "go1.19.8", Set.of(), false);
    private static final FileFact.Executable GO_CGO =
            new FileFact.Executable(FileFact.ExecKind.GO, "/lib/ld-musl-x86_64.so.1", "go1.21.0", Set.of(), true);
    private static final FileFact.Executable GO_NETCGO =
            new FileFact.Executable(FileFact.ExecKind.GO, null, "go1.19.8", Set.of("netcgo"), false);
    private static final ImageConfig CONFIG = new ImageConfig(
            Platform.LINUX_AMD64,
            List.of("gateway"),
            List.of("--serve"),
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "/app",
            List.of());

    private static ImageFiles image() {
        return ImageFilesTest.image(
                ImageFilesTest.alpine316(),
                new L()
                        .file("usr/local/bin/gateway", GO)
                        .file("usr/local/bin/gw-cgo", GO_CGO)
                        .file("usr/local/bin/gw-netcgo", GO_NETCGO)
                        .file(
                                "app/run.sh",
                                new FileFact.Executable(FileFact.ExecKind.SCRIPT, "/bin/sh", null, Set.of(), null))
                        .file(
                                "sbin/tini",
                                new FileFact.Executable(FileFact.ExecKind.ELF_STATIC, null, null, Set.of(), null))
                        .link("usr/bin/gw", "/usr/local/bin/gateway")
                        .link("lib/ld-linux-x86-64.so.2", "/lib/ld-musl-x86_64.so.1")
                        .file(
                                "opt/glibc-app",
                                new FileFact.Executable(
                                        FileFact.ExecKind.ELF_DYNAMIC,
                                        "/lib/ld-linux-x86-64.so.2",
                                        null,
                                        Set.of(),
                                        null)));
    }

    private static ProgramFinder.Program run(List<String> command, List<String> args, Map<String, String> env) {
        return ProgramFinder.find(CONFIG, image(), command, args, env);
    }

    @Test
    void theImageEntrypointOnPathIsGo() {
        ProgramFinder.Program p = run(List.of(), List.of(), Map.of());
        assertThat(p.path()).isEqualTo("/usr/local/bin/gateway");
        assertThat(p.resolver()).isEqualTo(ProgramFinder.Resolver.GO);
        assertThat(p.reason()).contains("Go (go1.19.8)").contains("retries over TCP");
        assertThat(run(List.of("/usr/bin/gw"), List.of(), Map.of()).resolver())
                .as("through a link")
                .isEqualTo(ProgramFinder.Resolver.GO);
        assertThat(run(List.of("/sbin/tini", "--", "gateway"), List.of(), Map.of())
                        .path())
                .as("past init wrappers")
                .isEqualTo("/usr/local/bin/gateway");
    }

    @Test
    void goUsesTheLibcResolverOnlyWhenBuiltOrToldTo() {
        assertThat(run(List.of("gw-netcgo"), List.of(), Map.of()).resolver())
                .isEqualTo(ProgramFinder.Resolver.IMAGE_LIBC);
        assertThat(run(List.of("gw-netcgo"), List.of(), Map.of()).reason()).contains("netcgo");
        assertThat(run(List.of("gw-cgo"), List.of(), Map.of("GODEBUG", "netdns=cgo+1"))
                        .resolver())
                .isEqualTo(ProgramFinder.Resolver.MUSL);
        assertThat(run(List.of("gw-cgo"), List.of(), Map.of("RES_OPTIONS", "ndots:2"))
                        .resolver())
                .isEqualTo(ProgramFinder.Resolver.MUSL);
        assertThat(run(List.of("gw-cgo"), List.of(), Map.of()).resolver()).isEqualTo(ProgramFinder.Resolver.GO);
        assertThat(run(List.of("gateway"), List.of(), Map.of("GODEBUG", "netdns=cgo"))
                        .resolver())
                .as("without cgo the setting cannot take effect")
                .isEqualTo(ProgramFinder.Resolver.GO);
        assertThat(run(List.of("gw-netcgo"), List.of(), Map.of("GODEBUG", "netdns=go"))
                        .resolver())
                .isEqualTo(ProgramFinder.Resolver.GO);
    }

    @Test
    void scriptsAndMissingProgramsAreJudgedByTheImage() {
        assertThat(run(List.of("./run.sh"), List.of(), Map.of()).reason()).contains("/app/run.sh is a script");
        assertThat(run(List.of("/bin/sh", "-c", "gateway"), List.of(), Map.of()).resolver())
                .isEqualTo(ProgramFinder.Resolver.MUSL);
        assertThat(run(List.of("nope"), List.of(), Map.of()).reason()).contains("nope not found");
        assertThat(run(List.of("gateway"), List.of(), Map.of("PATH", "/usr/bin"))
                        .resolver())
                .as("the container's PATH wins")
                .isEqualTo(ProgramFinder.Resolver.IMAGE_LIBC);
    }

    @Test
    void gcompatsGlibcLoaderIsMusl() {
        assertThat(run(List.of("/opt/glibc-app"), List.of(), Map.of()).resolver())
                .isEqualTo(ProgramFinder.Resolver.MUSL);
    }

    @Test
    void aPathOfAMillionDirectoriesEndsInGaveUpWithinItsAllowance() {
        String path = String.join(":", java.util.Collections.nCopies(1_000_000, "/nope"));
        ProgramFinder.Program p = run(List.of("gateway"), List.of(), Map.of("PATH", path));
        assertThat(p.resolver()).isEqualTo(ProgramFinder.Resolver.IMAGE_LIBC);
        assertThat(p.reason()).contains("took too many steps");
        assertThat(p.reason().length()).isLessThan(io.dnsprobe.text.Printable.REASON_CHARS + 40);
    }

    @Test
    void resolvingAPathCostsWorkInProportionToItsComponents() {
        ImageFiles files = image();
        long[] spent = new long[2];
        for (int n = 0; n < 2; n++) {
            // 800 and 1,600 components (a/.. pairs), under PATH_MAX both.
            ImageFiles.Work work = new ImageFiles.Work(Long.MAX_VALUE / 2);
            String deep = "/usr/local/" + "a/../".repeat(400 * (n + 1)) + "bin/gateway";
            assertThat(files.find(deep, work)).isPresent();
            spent[n] = work.spent();
        }
        assertThat(spent[0]).isPositive();
        assertThat(spent[1])
                .as("twice the components, about twice the work: linear, not quadratic")
                .isLessThanOrEqualTo(spent[0] * 5 / 2);
        assertThat(files.find("/" + "a/".repeat(3000) + "gateway"))
                .as("over PATH_MAX: not looked up")
                .isEmpty();
        ImageFiles loop = ImageFilesTest.image(new L().link("bin/a", "b").link("bin/b", "a"));
        ImageFiles.Work work = ImageFiles.Work.lookup();
        assertThat(loop.find("/bin/a", work)).as("a link loop ends at 40 links").isEmpty();
        assertThat(work.spent()).isLessThan(1_000);
    }
}
