package io.dnsprobe.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link, image and anchor in README.md, CONTRIBUTING.md and docs/ resolves, and every page of
 * docs/ can be reached from the README. Nothing is fetched: links with a scheme (https:, mailto:) are left alone.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of(".");
    private static final Path DOCS = Path.of("docs");

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CONTRIBUTING.md")));
        try (Stream<Path> docs = Files.walk(DOCS)) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<Path> pages = pages();
        assertThat(pages).hasSizeGreaterThan(10);
        assertThat(MarkdownLinks.problems(ROOT, pages))
                .as("links that do not resolve")
                .isEmpty();
    }

    @Test
    void everyDocsPageCanBeReachedFromTheReadme() throws IOException {
        Set<Path> reached = new HashSet<>();
        Deque<Path> next =
                new ArrayDeque<>(List.of(Path.of("README.md").toAbsolutePath().normalize()));
        while (!next.isEmpty()) {
            Path page = next.pop();
            if (!reached.add(page) || !Files.isRegularFile(page)) {
                continue;
            }
            for (MarkdownLinks.Link link : MarkdownLinks.links(Files.readString(page))) {
                String path = link.target().replaceFirst("#.*", "");
                if (!MarkdownLinks.external(link.target()) && path.endsWith(".md")) {
                    next.push(page.getParent().resolve(path).normalize());
                }
            }
        }
        List<Path> unreached = pages().stream()
                .map(p -> p.toAbsolutePath().normalize())
                .filter(p -> p.startsWith(DOCS.toAbsolutePath().normalize()) && !reached.contains(p))
                .toList();
        assertThat(unreached).as("docs pages no link from the README leads to").isEmpty();
    }

    @Test
    void anchorsFollowGitHubsRules() {
        assertThat(MarkdownLinks.slug("Memory in the pod's limits: the soak"))
                .isEqualTo("memory-in-the-pods-limits-the-soak");
        assertThat(MarkdownLinks.slug("A hostile registry, under the pod's settings"))
                .isEqualTo("a-hostile-registry-under-the-pods-settings");
        assertThat(MarkdownLinks.slug("`dnsprobe.io/libc` and [the model](verdicts.md) (musl_1.2.4)"))
                .isEqualTo("dnsprobeiolibc-and-the-model-musl_124");
        assertThat(MarkdownLinks.slug("Install: scraping, selection, dashboard"))
                .isEqualTo("install-scraping-selection-dashboard");
        assertThat(MarkdownLinks.anchors("# Title\n## Setup\n```\n# not a heading\n```\n## Setup\n### Setup ##\n"))
                .containsExactly("title", "setup", "setup-1", "setup-2");
    }

    @Test
    void aMissingFileAnchorOrImageIsReportedWithItsLine(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/page.md"), "# Page\n\n## Known heading\n");
        Files.writeString(dir.resolve("pic.png"), "png");
        Files.writeString(
                dir.resolve("README.md"),
                String.join(
                        "\n",
                        "# Front",
                        "[ok](docs/page.md#known-heading) [self](#front) ![pic](pic.png) [web](https://example.com/x#y)",
                        "`[in code](nowhere.md)`",
                        "```",
                        "[in a fence](nowhere.md)",
                        "```",
                        "[gone](docs/gone.md)",
                        "[bad anchor](docs/page.md#unknown-heading)",
                        "![no picture](docs/missing.png)",
                        "[up](../outside.md)",
                        "[ref]: docs/also-gone.md",
                        ""));
        assertThat(MarkdownLinks.problems(dir, List.of(dir.resolve("README.md"))))
                .containsExactly(
                        "README.md:7: docs/gone.md: no such file",
                        "README.md:8: docs/page.md#unknown-heading: no heading with that anchor in docs/page.md",
                        "README.md:9: docs/missing.png: no such file",
                        "README.md:10: ../outside.md: leaves the repository",
                        "README.md:11: docs/also-gone.md: no such file");
    }
}
