package io.dnsprobe.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown files and the anchors GitHub gives their headings, enough to tell whether a
 * link resolves without rendering anything: inline links and images, and reference definitions, outside fenced
 * code and code spans. External links (a scheme such as https: or mailto:) are not followed.
 */
final class MarkdownLinks {
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1", Pattern.DOTALL);
    private static final Pattern INLINE =
            Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern DEFINITION = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s+<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    /** What GitHub drops from a heading's text: everything but letters, marks, digits, '_' (and other
     * connector punctuation), '-' and spaces. */
    private static final Pattern NOT_IN_SLUG = Pattern.compile("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]");

    private MarkdownLinks() {}

    /** A link as written: its target and the line it is on. */
    record Link(String target, int line) {}

    /** The file's text with fenced blocks and code spans blanked out, newlines kept so offsets keep their line. */
    static String prose(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            boolean fence = FENCE.matcher(line).find();
            out.append(fenced || fence ? " ".repeat(line.length()) : line).append('\n');
            if (fence) {
                fenced = !fenced;
            }
        }
        Matcher spans = CODE_SPAN.matcher(out);
        StringBuilder blanked = new StringBuilder(out.length());
        while (spans.find()) {
            spans.appendReplacement(
                    blanked, Matcher.quoteReplacement(spans.group().replaceAll("[^\n]", " ")));
        }
        spans.appendTail(blanked);
        return blanked.toString();
    }

    static List<Link> links(String text) {
        String prose = prose(text);
        List<Link> links = new ArrayList<>();
        for (Pattern p : List.of(INLINE, DEFINITION)) {
            Matcher m = p.matcher(prose);
            while (m.find()) {
                links.add(new Link(m.group(1), lineOf(prose, m.start())));
            }
        }
        return links;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The anchors of the file's headings, in GitHub's form; a repeated heading gets -1, -2, ... */
    static Set<String> anchors(String text) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (!fenced && h.matches()) {
                String slug = slug(h.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /**
     * GitHub's anchor for a heading: its text as rendered (link and code markup gone, their text kept),
     * lowercased, punctuation other than '-' and '_' removed, each space a '-'.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replace("`", "")
                .replace("*", "")
                .replaceAll("<[^>]+>", "");
        return NOT_IN_SLUG
                .matcher(text.strip().toLowerCase(Locale.ROOT))
                .replaceAll("")
                .replace(' ', '-');
    }

    static boolean external(String target) {
        return SCHEME.matcher(target).find();
    }

    /**
     * Every relative link of these files that does not resolve, as "file:line: target: why": the file (or
     * directory, or image) must exist inside the root, and an anchor must be a heading of the Markdown file
     * it names (of the linking file itself for a bare #anchor).
     */
    static List<String> problems(Path root, List<Path> files) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<Path, Set<String>> anchorsOf = new HashMap<>();
        Path top = root.toAbsolutePath().normalize();
        for (Path file : files) {
            Path from = file.toAbsolutePath().normalize();
            for (Link link : links(Files.readString(from))) {
                if (external(link.target())) {
                    continue;
                }
                String where = top.relativize(from) + ":" + link.line() + ": " + link.target() + ": ";
                int hash = link.target().indexOf('#');
                String path = hash < 0 ? link.target() : link.target().substring(0, hash);
                String anchor = hash < 0 ? null : link.target().substring(hash + 1);
                Path target =
                        path.isEmpty() ? from : from.getParent().resolve(path).normalize();
                if (!target.startsWith(top)) {
                    problems.add(where + "leaves the repository");
                } else if (!Files.exists(target)) {
                    problems.add(where + "no such file");
                } else if (anchor != null && target.toString().endsWith(".md")) {
                    Set<String> anchors = anchorsOf.computeIfAbsent(target, t -> {
                        try {
                            return anchors(Files.readString(t));
                        } catch (IOException e) {
                            throw new IllegalStateException(t + ": " + e.getMessage(), e);
                        }
                    });
                    if (!anchors.contains(anchor)) {
                        problems.add(where + "no heading with that anchor in " + top.relativize(target));
                    }
                }
            }
        }
        return problems;
    }
}
