package io.dnsprobe.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an exception says, in the words a person uses: "no such file", "permission denied", never
 * {@code java.nio.file.NoSuchFileException} or a stack. For the CLI's messages and anything else a user reads.
 * Pure; no dependencies.
 */
public final class ErrorText {
    /**
     * A Java class name used as a prefix, as {@code Throwable.toString()} and wrapped causes write it:
     * {@code java.io.IOException: }, {@code sun.security.provider.certpath.SunCertPathBuilderException: }.
     */
    private static final Pattern CLASS_PREFIX =
            Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");

    private ErrorText() {}

    /** {@code t} as one line: the file it concerns first when there is one ({@code missing.txt: no such file}). */
    public static String of(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return Printable.line(f.getFile() + ": " + reason(e));
        }
        return Printable.line(reason(e));
    }

    /** Why {@code t} happened, without the file it concerns: {@code no such file}. */
    public static String reason(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemLoopException) {
            return "a loop of symbolic links";
        }
        if (e instanceof FileSystemException f) {
            return lower(f.getReason() != null ? f.getReason() : "cannot be read");
        }
        if (e instanceof CharacterCodingException) {
            return "not text (bytes that are not UTF-8)";
        }
        if (e instanceof InvalidPathException p) {
            return "not a valid path (" + lower(withoutClassNames(p.getReason())) + ")";
        }
        if (e instanceof OutOfMemoryError) {
            return "not enough memory";
        }
        if (e instanceof StackOverflowError) {
            return "nested too deeply";
        }
        String first =
                e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        String m = withoutClassNames(first).strip();
        if (m.isEmpty()) {
            return e instanceof IOException ? "an input/output error" : "an unexpected error";
        }
        return lower(m);
    }

    /** {@code s} without the Java class names used as prefixes in it (see {@link #CLASS_PREFIX}). */
    public static String withoutClassNames(String s) {
        return s == null ? null : CLASS_PREFIX.matcher(s).replaceAll("");
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while (e.getCause() != null
                && e.getCause() != e
                && (e instanceof UncheckedIOException
                        || e.getClass().getName().startsWith("java.util.concurrent.")
                                && e.getMessage() != null
                                && e.getMessage()
                                        .startsWith(e.getCause().getClass().getName()))) {
            e = e.getCause();
        }
        return e;
    }

    /** The JDK's "Is a directory" as "is a directory"; a message that starts with a name or acronym keeps its case. */
    private static String lower(String s) {
        if (s.length() < 2 || !Character.isUpperCase(s.charAt(0)) || Character.isUpperCase(s.charAt(1))) {
            return s;
        }
        return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
