package io.dnsprobe.workload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Kubernetes objects from manifests: multi-document YAML or JSON (helm template output included),
 * {@code List} objects expanded, files or whole directories. A document that does not parse is an
 * error naming the file and line.
 */
public final class ManifestReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One object and where it came from. */
    public record Manifest(String source, JsonNode object) {
    }

    /** Unreadable input, with the file and line. */
    public static final class ManifestException extends IOException {
        public ManifestException(String message) {
            super(message);
        }
    }

    private ManifestReader() {
    }

    /** @param paths files, directories (their .yaml, .yml and .json files, recursively) or "-" for stdin */
    public static List<Manifest> read(List<String> paths, InputStream stdin) throws IOException {
        List<Manifest> out = new ArrayList<>();
        for (String p : paths) {
            if (p.equals("-")) {
                parse("<stdin>", stdin, out);
                continue;
            }
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path f : files.filter(Files::isRegularFile).filter(ManifestReader::isManifest).sorted().toList()) {
                        readFile(f, out);
                    }
                }
            } else if (Files.isRegularFile(path)) {
                readFile(path, out);
            } else {
                throw new ManifestException(p + ": no such file or directory");
            }
        }
        return out;
    }

    private static boolean isManifest(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    private static void readFile(Path f, List<Manifest> out) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            parse(f.toString(), in, out);
        }
    }

    private static void parse(String source, InputStream in, List<Manifest> out) throws IOException {
        try (JsonParser parser = YAML.getFactory().createParser(in);
             MappingIterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class)) {
            while (docs.hasNextValue()) {
                add(source, docs.nextValue(), out);
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new ManifestException(source + (line > 0 ? ":" + line : "") + ": " + firstLine(e.getOriginalMessage()));
        } catch (RuntimeException e) {
            // MappingIterator wraps parse errors in an unchecked exception.
            if (e.getCause() instanceof JsonProcessingException j) {
                int line = j.getLocation() == null ? -1 : j.getLocation().getLineNr();
                throw new ManifestException(source + (line > 0 ? ":" + line : "") + ": " + firstLine(j.getOriginalMessage()));
            }
            throw e;
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse(message).trim();
    }

    private static void add(String source, JsonNode doc, List<Manifest> out) {
        if (doc == null || !doc.isObject()) {
            return; // empty documents between --- separators
        }
        if (doc.path("kind").asText().endsWith("List") && doc.has("items")) {
            doc.get("items").forEach(item -> add(source, item, out));
            return;
        }
        out.add(new Manifest(source, doc));
    }
}
