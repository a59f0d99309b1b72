package io.dnsprobe.image;

import io.dnsprobe.text.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which program a container runs and whose resolver it uses. The program is the pod's {@code command},
 * else the image's {@code Entrypoint}, else the first of {@code args}/{@code Cmd} (as Kubernetes combines
 * them), looked up on the container's {@code PATH} when it has no slash, through links, past init
 * wrappers ({@code tini}, {@code dumb-init}, {@code su-exec}, {@code gosu}) to what they start.
 *
 * <p>A Go program uses Go's own resolver, which retries over TCP on truncation, unless it may use the
 * libc's: built with the {@code netcgo} tag, or cgo-enabled and told to ({@code GODEBUG=netdns=cgo}, or
 * {@code LOCALDOMAIN}, {@code RES_OPTIONS} or {@code HOSTALIASES} set). A dynamically linked ELF uses the
 * libc its interpreter belongs to. A script or anything else is judged by the image's libc. Pure.
 *
 * <p>Bounded: all lookups of one search (every PATH directory, every wrapper hop, the interpreter) share
 * one {@link ImageFiles.Work} allowance, so a PATH of a million entries or links that loop end in "gave up"
 * within milliseconds, not minutes.
 */
public final class ProgramFinder {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Set<String> WRAPPERS = Set.of("tini", "tini-static", "dumb-init", "catatonit");
    /** Wrappers whose first argument is a user, then the program. */
    private static final Set<String> USER_WRAPPERS = Set.of("su-exec", "gosu");

    private static final Set<String> CGO_ENV = Set.of("LOCALDOMAIN", "RES_OPTIONS", "HOSTALIASES");

    /** Whose DNS resolver the program uses. */
    public enum Resolver {
        /** Go's own: falls back to TCP, so musl's limits do not apply. */
        GO,
        /** musl's getaddrinfo. */
        MUSL,
        /** glibc's getaddrinfo. */
        GLIBC,
        /** Not known from the files: the image's libc decides. */
        IMAGE_LIBC
    }

    /**
     * @param path the program's path in the image, null when not found
     * @param reason one line for people, naming the program
     */
    public record Program(String path, Resolver resolver, String reason) {
        /** Paths and reasons quote the image: printable, bounded. */
        public Program {
            path = Printable.line(path, ImageFiles.MAX_PATH);
            reason = Printable.line(reason);
        }
    }

    private ProgramFinder() {}

    /**
     * @param command the container's {@code command} (empty: the image's Entrypoint)
     * @param args the container's {@code args} (empty: the image's Cmd, unless command is set)
     * @param env the container's own env; it overrides the image's
     */
    public static Program find(
            ImageConfig config, ImageFiles files, List<String> command, List<String> args, Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        if (!command.isEmpty()) {
            argv.addAll(command);
            argv.addAll(args);
        } else {
            argv.addAll(config.entrypoint());
            argv.addAll(args.isEmpty() ? config.cmd() : args);
        }
        Map<String, String> effective = new LinkedHashMap<>(config.env());
        effective.putAll(env);
        String workingDir = config.workingDir().isEmpty() ? "/" : config.workingDir();
        ImageFiles.Work work = ImageFiles.Work.lookup();
        for (int hop = 0; hop < 4 && !argv.isEmpty(); hop++) {
            String program = argv.get(0);
            Optional<ImageFiles.Found> found =
                    locate(program, effective.getOrDefault("PATH", DEFAULT_PATH), workingDir, files, work);
            if (work.exhausted()) {
                return new Program(
                        null,
                        Resolver.IMAGE_LIBC,
                        "looking up program " + Printable.line(program, 200)
                                + " took too many steps (PATH, path or links too long): judged by the image's libc");
            }
            if (found.isEmpty()) {
                return new Program(
                        null,
                        Resolver.IMAGE_LIBC,
                        "program " + program + " not found in the image: judged by its libc");
            }
            String name = found.get().path().substring(found.get().path().lastIndexOf('/') + 1);
            String base = program.substring(program.lastIndexOf('/') + 1);
            if (WRAPPERS.contains(name)
                    || WRAPPERS.contains(base)
                    || USER_WRAPPERS.contains(name)
                    || USER_WRAPPERS.contains(base)) {
                boolean user = USER_WRAPPERS.contains(name) || USER_WRAPPERS.contains(base);
                argv = unwrap(argv, user);
                continue;
            }
            return judge("/" + found.get().path(), found.get().fact(), effective, files, work);
        }
        return new Program(null, Resolver.IMAGE_LIBC, "no program to run found: judged by the image's libc");
    }

    private static List<String> unwrap(List<String> argv, boolean user) {
        int i = 1;
        while (i < argv.size() && argv.get(i).startsWith("-")) {
            boolean end = argv.get(i).equals("--");
            i++;
            if (end) {
                break;
            }
        }
        if (user && i < argv.size()) {
            i++;
        }
        return new ArrayList<>(argv.subList(Math.min(i, argv.size()), argv.size()));
    }

    private static Optional<ImageFiles.Found> locate(
            String program, String path, String workingDir, ImageFiles files, ImageFiles.Work work) {
        if (program.contains("/")) {
            String p = program.startsWith("/") ? program : workingDir + "/" + program;
            return files.find(p, work).filter(f -> f.fact() instanceof FileFact.Executable);
        }
        int start = 0;
        while (start <= path.length() && !work.exhausted()) {
            int colon = path.indexOf(':', start);
            int end = colon < 0 ? path.length() : colon;
            String dir = path.substring(start, end);
            start = end + 1;
            if (!dir.isEmpty()) {
                Optional<ImageFiles.Found> f =
                        files.find(dir + "/" + program, work).filter(x -> x.fact() instanceof FileFact.Executable);
                if (f.isPresent()) {
                    return f;
                }
            }
            if (colon < 0) {
                break;
            }
        }
        return Optional.empty();
    }

    static Program judge(String path, FileFact fact, Map<String, String> env, ImageFiles files) {
        return judge(path, fact, env, files, ImageFiles.Work.lookup());
    }

    private static Program judge(
            String path, FileFact fact, Map<String, String> env, ImageFiles files, ImageFiles.Work work) {
        FileFact.Executable exe = (FileFact.Executable) fact;
        switch (exe.kind()) {
            case GO: {
                String godebug = env.getOrDefault("GODEBUG", "");
                String netdns = netdns(godebug);
                String what = "program " + path + " is Go"
                        + (exe.goVersion() == null || exe.goVersion().isEmpty() ? "" : " (" + exe.goVersion() + ")");
                if (exe.goTags().contains("netgo") || netdns.equals("go")) {
                    return new Program(
                            path, Resolver.GO, what + " with its own resolver forced, which retries over TCP");
                }
                boolean cgoPossible =
                        !Boolean.FALSE.equals(exe.cgo()) && (exe.cgo() != null || exe.interpreter() != null);
                Optional<String> why = exe.goTags().contains("netcgo")
                        ? Optional.of("built with the netcgo tag")
                        : !cgoPossible
                                ? Optional.empty()
                                : netdns.equals("cgo")
                                        ? Optional.of("GODEBUG=" + godebug)
                                        : CGO_ENV.stream()
                                                .filter(k ->
                                                        !env.getOrDefault(k, "").isEmpty())
                                                .findFirst()
                                                .map(k -> k + " is set");
                if (why.isPresent()) {
                    return new Program(
                            path,
                            libcOf(exe.interpreter(), files, work),
                            what + ", " + why.get() + ": it uses the libc's resolver");
                }
                return new Program(path, Resolver.GO, what + ": Go's own resolver retries over TCP");
            }
            case ELF_DYNAMIC: {
                Resolver r = libcOf(exe.interpreter(), files, work);
                return new Program(path, r, "program " + path + " is linked against " + exe.interpreter());
            }
            case ELF_STATIC:
                return new Program(
                        path,
                        Resolver.IMAGE_LIBC,
                        "program " + path + " is static and not Go: the libc linked "
                                + "into it cannot be told (dnsprobe.io/libc=musl if it was built with musl)");
            case SCRIPT:
                return new Program(
                        path,
                        Resolver.IMAGE_LIBC,
                        "program " + path + " is a script (" + exe.interpreter() + "): judged by the image's libc");
            default:
                return new Program(
                        path,
                        Resolver.IMAGE_LIBC,
                        "program " + path + " is not an ELF binary: judged by the image's libc");
        }
    }

    /** The {@code netdns} value of GODEBUG: {@code go}, {@code cgo} (a {@code +N} debug level stripped), or empty. */
    static String netdns(String godebug) {
        for (String kv : godebug.split(",")) {
            String t = kv.trim();
            if (t.startsWith("netdns=")) {
                String v = t.substring(7);
                int plus = v.indexOf('+');
                return plus >= 0 ? v.substring(0, plus) : v.matches("\\d+") ? "" : v;
            }
        }
        return "";
    }

    /**
     * The libc of an ELF interpreter. On Alpine, gcompat's {@code ld-linux-x86-64.so.2} is a link to musl's
     * loader: a glibc-linked program then runs on musl, so the link is followed before trusting the name.
     */
    private static Resolver libcOf(String interpreter, ImageFiles files, ImageFiles.Work work) {
        if (interpreter == null) {
            return Resolver.IMAGE_LIBC;
        }
        Optional<ImageFiles.Found> loader = files.find(interpreter, work);
        if (loader.isPresent() && loader.get().fact() instanceof FileFact.MuslLibrary
                || interpreter.contains("ld-musl")) {
            return Resolver.MUSL;
        }
        if (interpreter.contains("ld-linux")) {
            return Resolver.GLIBC;
        }
        return Resolver.IMAGE_LIBC;
    }
}
