package io.dnsprobe.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.dnsprobe.text.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Kubernetes objects from manifests, read as kubectl reads them: multi-document YAML (aliases, anchors and
 * merge keys resolved), JSON (tabs and all) in a document that starts with <code>&#123;</code> or {@code [},
 * {@code List} kinds expanded, files or whole directories, {@code -} for stdin.
 *
 * <p>Inputs may be anything, so every read is bounded ({@link #MAX_FILE_BYTES} a file, {@link #MAX_TOTAL_BYTES}
 * in all, {@link #MAX_FILES} files, {@link #MAX_DOCUMENTS} documents a file, and {@link YamlTree}'s bounds on
 * nesting and aliases), and what cannot be read is an {@link Unreadable} with the file, the line and a reason
 * for a person, after which the reader goes on with the next document or file. A file that does not parse
 * and holds {@code {{ ... }}} is an unrendered Helm template, said as such once for the file.
 */
public final class ManifestReader {
    public static final int MAX_FILE_BYTES = 16 << 20;
    public static final long MAX_TOTAL_BYTES = 64L << 20;
    public static final int MAX_FILES = 10_000;
    public static final int MAX_DOCUMENTS = 10_000;
    static final String HELM = "looks like an unrendered Helm template: render it with `helm template` first";
    private static final ObjectReader JSON = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(YamlTree.MAX_DEPTH)
                            .maxNumberLength(100)
                            .build())
                    .build())
            .readerFor(JsonNode.class);

    /** One object and where it came from: the file (or {@code <stdin>}) and the line its document starts on. */
    public record Manifest(String source, int line, JsonNode object) {}

    /** Input that was not read: the file, the line (0 when the whole file), and why. */
    public record Unreadable(String source, int line, String reason) {
        /** {@code file:line: reason}, one line, safe for a terminal. */
        public String message() {
            return Printable.line(source + (line > 0 ? ":" + line : "") + ": " + reason, 2 * Printable.REASON_CHARS);
        }
    }

    /** What was read and what was not; the caller decides what unread input means (check exits 2). */
    public record Result(List<Manifest> manifests, List<Unreadable> unreadable) {
        public Result {
            manifests = List.copyOf(manifests);
            unreadable = List.copyOf(unreadable);
        }
    }

    private ManifestReader() {}

    /** @param paths files, directories (their .yaml, .yml and .json files, recursively) or "-" for stdin */
    public static Result read(List<String> paths, InputStream stdin) {
        Reading r = new Reading();
        for (String p : paths) {
            if (p.equals("-")) {
                r.stream("<stdin>", stdin);
                continue;
            }
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                r.directory(p, path);
            } else if (Files.exists(path)) {
                r.file(path.toString(), path);
            } else {
                r.unreadable(p, 0, "no such file or directory");
            }
        }
        return new Result(r.manifests, r.unreadable);
    }

    /** The state of one read: what was found, and the bytes and files spent of the bounds. */
    private static final class Reading {
        final List<Manifest> manifests = new ArrayList<>();
        final List<Unreadable> unreadable = new ArrayList<>();
        long bytes;
        int files;

        void unreadable(String source, int line, String reason) {
            unreadable.add(new Unreadable(source, line, reason));
        }

        void directory(String name, Path dir) {
            List<Path> found;
            try (Stream<Path> walk = Files.walk(dir)) {
                found = walk.filter(f -> isManifest(f) && Files.isRegularFile(f))
                        .limit(MAX_FILES + 1L)
                        .sorted()
                        .toList();
            } catch (IOException | UncheckedIOException e) {
                Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
                unreadable(name, 0, "cannot be listed (" + reason(cause) + ")");
                return;
            }
            for (Path f : found) {
                file(f.toString(), f);
            }
        }

        void file(String source, Path f) {
            if (++files > MAX_FILES) {
                if (files == MAX_FILES + 1) {
                    unreadable(source, 0, "more than " + MAX_FILES + " files: this one and the rest not read");
                }
                return;
            }
            try {
                long size = Files.size(f);
                if (size > MAX_FILE_BYTES) {
                    unreadable(
                            source, 0, "larger than " + (MAX_FILE_BYTES >> 20) + " MiB (" + size + " bytes): not read");
                    return;
                }
                try (InputStream in = Files.newInputStream(f)) {
                    stream(source, in);
                }
            } catch (IOException e) {
                unreadable(source, 0, "cannot be read (" + reason(e) + ")");
            }
        }

        void stream(String source, InputStream in) {
            byte[] data;
            try {
                data = in.readNBytes(MAX_FILE_BYTES + 1);
            } catch (IOException e) {
                unreadable(source, 0, "cannot be read (" + reason(e) + ")");
                return;
            }
            if (data.length > MAX_FILE_BYTES) {
                unreadable(source, 0, "larger than " + (MAX_FILE_BYTES >> 20) + " MiB: not read");
                return;
            }
            if (bytes + data.length > MAX_TOTAL_BYTES) {
                unreadable(source, 0, "the inputs pass " + (MAX_TOTAL_BYTES >> 20) + " MiB in all here: not read");
                return;
            }
            bytes += data.length;
            String text;
            try {
                text = decode(data);
            } catch (CharacterCodingException e) {
                unreadable(source, 0, "not UTF-8 text: not read");
                return;
            }
            text(source, text);
        }

        /** The documents of one file; a Helm template is said once, in place of its documents' errors. */
        void text(String source, String text) {
            List<Manifest> docs = new ArrayList<>();
            List<Unreadable> errors = new ArrayList<>();
            List<Piece> pieces = Piece.split(text);
            for (int i = 0; i < pieces.size(); i++) {
                Piece piece = pieces.get(i);
                if (i == MAX_DOCUMENTS) {
                    errors.add(new Unreadable(
                            source,
                            piece.firstLine(),
                            "more than " + MAX_DOCUMENTS + " documents: the rest of the file not read"));
                    break;
                }
                try {
                    for (JsonNode doc : piece.parse()) {
                        add(source, piece.firstLine(), doc, docs, errors);
                    }
                } catch (YamlTree.Unreadable e) {
                    errors.add(new Unreadable(source, piece.line(e.line), e.getMessage()));
                }
            }
            int helm = helmLine(text);
            if (helm > 0 && (!errors.isEmpty() || docs.stream().anyMatch(ManifestReader::templatedName))) {
                unreadable(source, helm, HELM);
                return;
            }
            manifests.addAll(docs);
            unreadable.addAll(errors);
        }
    }

    /** A document of a stream, cut at {@code ---} lines as kubectl cuts them, and the line it starts on. */
    private record Piece(int firstLine, String text) {
        static List<Piece> split(String text) {
            List<Piece> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            int first = 1;
            int line = 0;
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf('\n', start);
                int next = end < 0 ? text.length() : end + 1;
                String l = text.substring(start, end < 0 ? text.length() : end);
                line++;
                if (l.startsWith("---") && (l.length() == 3 || Character.isWhitespace(l.charAt(3)))) {
                    String rest = l.substring(3).trim();
                    addIfAny(out, first, current);
                    current = new StringBuilder();
                    if (rest.isEmpty() || rest.startsWith("#")) {
                        first = line + 1;
                    } else {
                        first = line; // "--- value": YAML reads the marker itself
                        current.append(l).append('\n');
                    }
                } else {
                    current.append(l).append('\n');
                }
                start = next;
            }
            addIfAny(out, first, current);
            return out;
        }

        private static void addIfAny(List<Piece> out, int first, StringBuilder text) {
            for (String l : text.toString().split("\n")) {
                String t = l.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(new Piece(first, text.toString()));
                    return;
                }
            }
        }

        /** The file's line for a line of the piece, at most its last (an error at the end says "line N+1"). */
        int line(int inPiece) {
            long lines = text.chars().filter(c -> c == '\n').count();
            return firstLine + (int) Math.max(0, Math.min(inPiece - 1, lines - 1));
        }

        /** JSON when it starts like JSON (kubectl reads tabs there), else YAML; a JSON error is said as such. */
        List<JsonNode> parse() throws YamlTree.Unreadable {
            String json = leadingJson();
            if (json == null) {
                return YamlTree.parse(text, MAX_FILE_BYTES);
            }
            List<JsonNode> out = new ArrayList<>();
            try (MappingIterator<JsonNode> values = JSON.readValues(json)) {
                while (values.hasNextValue()) {
                    out.add(values.nextValue());
                }
                return out;
            } catch (IOException | RuntimeException e) {
                JsonProcessingException j = e instanceof JsonProcessingException p
                        ? p
                        : e.getCause() instanceof JsonProcessingException p ? p : null;
                try {
                    return YamlTree.parse(text, MAX_FILE_BYTES); // a YAML flow mapping starts with { too
                } catch (YamlTree.Unreadable yaml) {
                    int line = j != null && j.getLocation() != null
                            ? j.getLocation().getLineNr()
                            : 0;
                    throw new YamlTree.Unreadable(
                            line, "not valid JSON: " + YamlProblems.json(j != null ? j.getOriginalMessage() : null));
                }
            }
        }

        /** The text with its leading comment lines blanked (lines kept), when it then starts with { or [; else null. */
        private String leadingJson() {
            StringBuilder out = new StringBuilder(text.length());
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf('\n', start);
                String l = text.substring(start, end < 0 ? text.length() : end);
                String t = l.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    out.append('\n');
                } else if (t.startsWith("{") || t.startsWith("[")) {
                    return out.append(text, start, text.length()).toString();
                } else {
                    return null;
                }
                start = end < 0 ? text.length() : end + 1;
            }
            return null;
        }
    }

    private static void add(String source, int line, JsonNode doc, List<Manifest> out, List<Unreadable> errors) {
        if (doc == null || doc.isNull()) {
            return; // an empty document
        }
        if (!doc.isObject()) {
            errors.add(
                    new Unreadable(
                            source,
                            line,
                            (doc.isArray() ? "a list" : "a single value")
                                    + ", not a Kubernetes object (kubectl needs a map with apiVersion and kind, or kind: List)"));
            return;
        }
        String kind = doc.path("kind").asText("");
        if (kind.isBlank()) {
            errors.add(new Unreadable(source, line, "no kind: not a Kubernetes object"));
            return;
        }
        if (kind.endsWith("List") && doc.has("items")) {
            JsonNode items = doc.get("items");
            if (!items.isArray() && !items.isNull()) {
                errors.add(new Unreadable(source, line, kind + " whose items are not a list"));
                return;
            }
            items.forEach(item -> add(source, line, item, out, errors));
            return;
        }
        if (doc.path("apiVersion").asText("").isBlank()) {
            errors.add(new Unreadable(source, line, kind + " without apiVersion: not a Kubernetes object"));
            return;
        }
        out.add(new Manifest(source, line, doc));
    }

    /** <code>&#123;&#123;</code> in an object's name: no Kubernetes name holds one, a Helm template does. */
    private static boolean templatedName(Manifest m) {
        return m.object().at("/metadata/name").asText("").contains("{{")
                || m.object().at("/metadata/namespace").asText("").contains("{{");
    }

    /** The first line holding {@code {{ ... }}}, or 0. */
    private static int helmLine(String text) {
        int line = 1;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            int stop = end < 0 ? text.length() : end;
            int open = text.indexOf("{{", start);
            if (open < 0) {
                return 0;
            }
            if (open < stop) {
                int close = text.indexOf("}}", open + 2);
                if (close >= 0 && close < stop) {
                    return line;
                }
            }
            line++;
            start = stop + 1;
        }
        return 0;
    }

    private static boolean isManifest(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    /** UTF-8, or UTF-16 with a byte order mark; a UTF-8 byte order mark is dropped. */
    private static String decode(byte[] data) throws CharacterCodingException {
        if (data.length >= 2 && (data[0] & 0xff) == 0xfe && (data[1] & 0xff) == 0xff) {
            return new String(data, 2, data.length - 2, StandardCharsets.UTF_16BE);
        }
        if (data.length >= 2 && (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xfe) {
            return new String(data, 2, data.length - 2, StandardCharsets.UTF_16LE);
        }
        boolean bom =
                data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf;
        int skip = bom ? 3 : 0;
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data, skip, data.length - skip))
                .toString();
    }

    private static String reason(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "an I/O error" : m;
    }
}
