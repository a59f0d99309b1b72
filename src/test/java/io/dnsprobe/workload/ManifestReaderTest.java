package io.dnsprobe.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
    private static final InputStream NO_STDIN = InputStream.nullInputStream();
    private static final String NEEDS = "(kubectl needs a map with apiVersion and kind, or kind: List)";

    private static ManifestReader.Result stdin(String text) {
        return ManifestReader.read(List.of("-"), new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> names(ManifestReader.Result r) {
        return r.manifests().stream()
                .map(m -> m.object().at("/metadata/name").asText())
                .toList();
    }

    private static List<String> messages(ManifestReader.Result r) {
        return r.unreadable().stream().map(ManifestReader.Unreadable::message).toList();
    }

    /** What no reason may hold: parser events and tokens, exception or class names, Jackson's source tail. */
    private static void assertHuman(ManifestReader.Result r) {
        for (String m : messages(r)) {
            assertThat(m)
                    .doesNotContainPattern("Event|Exception|snakeyaml|jackson|\\[Source|<block|code \\d+|\\bjava\\.");
        }
    }

    @Test
    void aliasesGiveTheAnchoredValuesAndMergeKeysApply() {
        ManifestReader.Result r = stdin("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                x-defaults:
                  image: &img registry.example.com/web:1.2
                  env: &env
                  - {name: DB_HOST, value: db.example.com}
                  base: &base {name: base, image: alpine:3.19}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: *img
                        env: *env
                      - <<: *base
                        name: sidecar
                """);
        assertThat(r.unreadable()).isEmpty();
        Workload w = WorkloadParser.parse(r.manifests().get(0).object()).orElseThrow();
        assertThat(w.containers().get(0).image()).isEqualTo("registry.example.com/web:1.2");
        assertThat(w.containers().get(0).literalEnv()).containsEntry("DB_HOST", "db.example.com");
        assertThat(w.containers().get(1).name())
                .as("explicit keys win over merged ones")
                .isEqualTo("sidecar");
        assertThat(w.containers().get(1).image()).isEqualTo("alpine:3.19");
    }

    @Test
    void jsonWithTabsStreamsAndLeadingCommentsIsRead() {
        ManifestReader.Result r = stdin("# from a generator\n{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n"
                + "\t\"metadata\": {\"name\": \"a\"}\n}\n"
                + "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}\n"
                + "---\n{\"apiVersion\": \"v1\",\t\"kind\": \"Service\", \"metadata\": {\"name\": \"c\"}}\n");
        assertThat(r.unreadable()).isEmpty();
        assertThat(names(r)).containsExactly("a", "b", "c");
        assertThat(r.manifests().get(2).line())
                .as("the line its document starts on")
                .isEqualTo(9);
    }

    @Test
    void multiDocumentsAndListsOfAnyKind() {
        ManifestReader.Result r = stdin("""
                --- # first
                apiVersion: v1
                kind: Pod
                metadata: {name: a}
                ---
                ---
                # only a comment
                ---
                apiVersion: v1
                kind: List
                items:
                - {apiVersion: v1, kind: Pod, metadata: {name: b}}
                - {apiVersion: v1, kind: ConfigMapList, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}]}
                ...
                """);
        assertThat(r.unreadable()).isEmpty();
        assertThat(names(r)).containsExactly("a", "b", "c");
    }

    @Test
    void aBadDocumentIsSaidWithItsLineAndTheOthersAreStillRead(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: first}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: x
                   labels: y
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: third}
                """);
        Files.writeString(dir.resolve("b.yml"), "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tabbed\n");
        Files.writeString(
                dir.resolve("c.json"),
                "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"x\",}\n}\n");
        Files.writeString(dir.resolve("d.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: fourth}\n");
        Files.writeString(dir.resolve("notes.txt"), "not: [a manifest\n");
        ManifestReader.Result r = ManifestReader.read(
                List.of(dir.toString(), dir.resolve("gone.yaml").toString()), NO_STDIN);
        assertThat(names(r)).containsExactly("first", "third", "fourth");
        assertThat(messages(r))
                .containsExactly(
                        dir.resolve("a.yaml") + ":9: a ':' where no key can start: a value holding ': ' needs quotes, "
                                + "or the indentation is off",
                        dir.resolve("b.yml") + ":4: a tab where YAML allows only spaces (YAML indents with spaces)",
                        dir.resolve("c.json")
                                + ":4: not valid JSON: Unexpected character ('}'): was expecting double-quote "
                                + "to start field name",
                        dir.resolve("gone.yaml") + ": no such file or directory");
        assertHuman(r);
    }

    @Test
    void whatIsNotAnObjectIsSaid() {
        ManifestReader.Result r = stdin("- a\n- b\n---\njust text\n---\nmetadata: {name: x}\n---\nkind: Pod\n---\n"
                + "apiVersion: v1\nkind: List\nitems: {a: 1}\n");
        assertThat(messages(r))
                .containsExactly(
                        "<stdin>:1: a list, not a Kubernetes object " + NEEDS,
                        "<stdin>:4: a single value, not a Kubernetes object " + NEEDS,
                        "<stdin>:6: no kind: not a Kubernetes object",
                        "<stdin>:8: Pod without apiVersion: not a Kubernetes object",
                        "<stdin>:10: List whose items are not a list");
    }

    @Test
    void anUnrenderedHelmTemplateIsSaidOnceAndTheRestIsRead(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a-template.yaml"), """
                # comment
                {{- if .Values.enabled }}
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {{ include "x.fullname" . }}
                {{- end }}
                """);
        // Parses as YAML, but no object's name holds {{ }}: still a template.
        Files.writeString(
                dir.resolve("b-quoted.yaml"),
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"{{ .Release.Name }}-x\"\n");
        // Go templates in a ConfigMap's data are data.
        Files.writeString(dir.resolve("c-alerts.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: alert-templates}
                data:
                  slack.tmpl: |
                    {{ define "slack.title" }}{{ .Status }}{{ end }}
                """);
        ManifestReader.Result r = ManifestReader.read(List.of(dir.toString()), NO_STDIN);
        assertThat(messages(r))
                .containsExactly(
                        dir.resolve("a-template.yaml") + ":2: " + ManifestReader.HELM,
                        dir.resolve("b-quoted.yaml") + ":4: " + ManifestReader.HELM);
        assertThat(names(r)).containsExactly("alert-templates");
    }

    @Test
    void billionLaughsIsRefusedAndTheNextDocumentRead() {
        StringBuilder laughs = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nl0: &l0 [")
                .append(String.join(", ", Collections.nCopies(10, "lol")))
                .append("]\n");
        for (int i = 1; i <= 9; i++) {
            laughs.append("l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 5; j++) {
                laughs.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            laughs.append("]\n");
        }
        ManifestReader.Result r = stdin(laughs + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: after}\n");
        assertThat(messages(r))
                .singleElement()
                .asString()
                .startsWith("<stdin>:1: its aliases expand to ")
                .contains("over the 100000 allowed: refused");
        assertThat(names(r)).containsExactly("after");

        StringBuilder wide = new StringBuilder("apiVersion: v1\nkind: ConfigMap\na: &a [x]\nb: [");
        for (int i = 0; i < 51; i++) {
            wide.append(i == 0 ? "" : ", ").append("*a");
        }
        assertThat(messages(stdin(wide + "]\n")))
                .containsExactly("<stdin>:1: more than 50 aliases of maps or lists "
                        + "in one document: refused (a document that grows without bound, like billion laughs)");
        assertThat(messages(stdin("apiVersion: v1\nkind: ConfigMap\na: &a [x, *a]\n")))
                .containsExactly(
                        "<stdin>:3: an alias refers to the map or list that holds it: refused (it has no end)");
        assertThat(messages(stdin("apiVersion: v1\nkind: ConfigMap\na: " + "[".repeat(300) + "]".repeat(300) + "\n")))
                .containsExactly("<stdin>:1: nested deeper than 200 levels: refused");
        assertThat(messages(stdin("{\"a\": " + "[".repeat(300) + "]".repeat(300) + "}\n")))
                .containsExactly("<stdin>:1: not valid JSON: nested deeper than 200 levels: refused");
    }

    @Test
    void aliasesThatNestTooDeepAreRefused() {
        // 40 levels written, each reused 4 times through aliases: 160 deep when expanded.
        StringBuilder deep = new StringBuilder("apiVersion: v1\nkind: ConfigMap\n");
        deep.append("a0: &a0 ").append("[".repeat(40)).append("]".repeat(40)).append('\n');
        for (int i = 1; i <= 5; i++) {
            deep.append("a")
                    .append(i)
                    .append(": &a")
                    .append(i)
                    .append(" ")
                    .append("[".repeat(39))
                    .append("*a")
                    .append(i - 1)
                    .append("]".repeat(39))
                    .append('\n');
        }
        assertThat(messages(stdin(deep.toString())))
                .singleElement()
                .asString()
                .endsWith("nested deeper than 200 levels (with its aliases): refused");
    }

    @Test
    void filesAndDocumentsAreBounded(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(ManifestReader.MAX_FILE_BYTES + 1L);
        }
        String doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n";
        Path many = dir.resolve("many.yaml");
        Files.writeString(many, doc.repeat(ManifestReader.MAX_DOCUMENTS + 5));
        ManifestReader.Result r = ManifestReader.read(List.of(big.toString(), many.toString()), NO_STDIN);
        assertThat(messages(r))
                .containsExactly(
                        big + ": larger than 16 MiB (16777217 bytes): not read",
                        many + ":" + (4 * ManifestReader.MAX_DOCUMENTS + 1)
                                + ": more than 10000 documents: the rest of the file not read");
        assertThat(r.manifests()).hasSize(ManifestReader.MAX_DOCUMENTS);

        ManifestReader.Result piped = ManifestReader.read(
                List.of("-"), new ByteArrayInputStream(new byte[ManifestReader.MAX_FILE_BYTES + 1]));
        assertThat(messages(piped)).containsExactly("<stdin>: larger than 16 MiB: not read");
        String controls = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"\u001b[31mred\"}\nx: \"\\xff\" \u0007 : :\n";
        assertThat(messages(stdin(controls))).allSatisfy(m -> assertThat(m).doesNotContain("\u001b", "\u0007"));
    }

    @Test
    void notUtf8IsSaid() {
        ManifestReader.Result r = ManifestReader.read(
                List.of("-"), new ByteArrayInputStream(new byte[] {'a', ':', ' ', (byte) 0xc3, '\n'}));
        assertThat(messages(r)).containsExactly("<stdin>: not UTF-8 text: not read");
        byte[] bom = "\uFEFFapiVersion: v1\nkind: Pod\nmetadata: {name: bom}\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ManifestReader.read(List.of("-"), new ByteArrayInputStream(bom))
                        .manifests())
                .hasSize(1);
    }
}
