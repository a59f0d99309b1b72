package io.dnsprobe.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML document as a JSON tree, as kubectl reads it: aliases resolved to their anchored value
 * ({@code image: *img} is the anchored string, {@code env: *env} the anchored list), merge keys
 * ({@code <<: *base}) applied, the last of duplicate keys kept.
 *
 * <p>SnakeYAML composes a graph in which an alias is the anchored node itself, so a document of a few
 * hundred bytes can stand for billions of nodes. Before a tree is built, one pass over the graph
 * (each node once) measures what the tree would hold; a document whose aliases would add more than
 * {@link #MAX_ALIAS_NODES} nodes, or nest deeper than {@link #MAX_DEPTH}, or refer to themselves, is
 * refused. SnakeYAML's own guards stay: at most {@link #MAX_COLLECTION_ALIASES} aliases of maps or lists
 * per document, no recursive keys.
 */
final class YamlTree {
    /** Nodes that aliases may add to one document beyond those written in it. */
    static final int MAX_ALIAS_NODES = 100_000;
    /** Deepest nesting of maps and lists; CRD schemas, the deepest real manifests, reach about 40. */
    static final int MAX_DEPTH = 200;
    /** SnakeYAML's default, which the reader had through Jackson before. */
    static final int MAX_COLLECTION_ALIASES = 50;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A document that cannot be read: the line in it (1-based, 0 when unknown) and a reason for a person. */
    static final class Unreadable extends Exception {
        final int line;

        Unreadable(int line, String reason) {
            super(reason, null, false, false);
            this.line = line;
        }
    }

    private YamlTree() {}

    /**
     * The documents of {@code text} (usually one: the reader splits streams at {@code ---}); null for an
     * empty document.
     *
     * @param maxChars the most characters SnakeYAML may read (its code point limit)
     */
    static List<JsonNode> parse(String text, int maxChars) throws Unreadable {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(maxChars);
        options.setAllowDuplicateKeys(true);
        List<JsonNode> out = new ArrayList<>();
        try {
            for (Node root : new Yaml(options).composeAll(new StringReader(text))) {
                out.add(root == null ? null : tree(root));
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null
                    ? e.getProblemMark().getLine() + 1
                    : e.getContextMark() != null ? e.getContextMark().getLine() + 1 : 0;
            throw new Unreadable(line, YamlProblems.human(e.getProblem(), e.getContext()));
        } catch (YAMLException e) {
            throw new Unreadable(0, YamlProblems.human(e.getMessage(), null));
        }
        return out;
    }

    private static JsonNode tree(Node root) throws Unreadable {
        Measure m = new Measure();
        long size = m.size(root, 1);
        if (size - m.unique.size() > MAX_ALIAS_NODES) {
            throw new Unreadable(
                    line(root),
                    "its aliases expand to " + (size - m.unique.size())
                            + " more nodes, over the " + MAX_ALIAS_NODES
                            + " allowed: refused (a document that grows without "
                            + "bound, like billion laughs)");
        }
        return build(root);
    }

    /** One pass, each node once: how many nodes the tree would hold, and how deep it would nest. */
    private static final class Measure {
        /** Per node met: the nodes of its tree and its height. */
        final Map<Node, long[]> unique = new IdentityHashMap<>();

        final Map<Node, Boolean> open = new IdentityHashMap<>();

        long size(Node n, int depth) throws Unreadable {
            return measure(n, depth)[0];
        }

        private long[] measure(Node n, int depth) throws Unreadable {
            long[] known = unique.get(n);
            if (known == null) {
                if (open.containsKey(n)) {
                    throw new Unreadable(
                            line(n), "an alias refers to the map or list that holds it: refused " + "(it has no end)");
                }
                open.put(n, Boolean.TRUE);
                long size = 1;
                long height = 1;
                for (Node child : children(n)) {
                    long[] c = measure(child, depth + 1);
                    size = Math.min(Long.MAX_VALUE / 2, size + c[0]);
                    height = Math.max(height, c[1] + 1);
                }
                open.remove(n);
                known = new long[] {size, height};
                unique.put(n, known);
            }
            if (depth - 1 + known[1] > MAX_DEPTH) {
                throw new Unreadable(
                        line(n), "nested deeper than " + MAX_DEPTH + " levels (with its aliases): refused");
            }
            return known;
        }
    }

    private static List<Node> children(Node n) {
        if (n instanceof SequenceNode s) {
            return s.getValue();
        }
        if (n instanceof MappingNode m) {
            List<Node> out = new ArrayList<>(m.getValue().size());
            for (NodeTuple t : m.getValue()) {
                out.add(t.getValueNode());
            }
            return out;
        }
        return List.of();
    }

    private static JsonNode build(Node n) throws Unreadable {
        if (n instanceof ScalarNode s) {
            return scalar(s);
        }
        if (n instanceof SequenceNode s) {
            ArrayNode out = NODES.arrayNode(s.getValue().size());
            for (Node child : s.getValue()) {
                out.add(build(child));
            }
            return out;
        }
        MappingNode m = (MappingNode) n;
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        List<Node> merges = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            Node key = t.getKeyNode();
            if (key.getTag().equals(Tag.MERGE)) {
                merges.add(t.getValueNode());
                continue;
            }
            if (!(key instanceof ScalarNode k)) {
                throw new Unreadable(line(key), "a key is itself a map or a list, which JSON and kubectl do not allow");
            }
            fields.put(k.getValue(), build(t.getValueNode())); // the last of duplicate keys wins, as with kubectl
        }
        // Explicit keys win over merged ones; of several merged maps, the first wins.
        for (Node merge : merges) {
            List<Node> sources = merge instanceof SequenceNode s ? s.getValue() : List.of(merge);
            for (Node source : sources) {
                if (!(source instanceof MappingNode)) {
                    throw new Unreadable(line(source), "a merge key (<<) must name a map or a list of maps");
                }
                build(source).fields().forEachRemaining(f -> fields.putIfAbsent(f.getKey(), f.getValue()));
            }
        }
        ObjectNode out = NODES.objectNode();
        fields.forEach(out::set);
        return out;
    }

    /** Typed as YAML 1.1 resolves plain scalars (as go-yaml, under kubectl, does); anything else is text. */
    private static JsonNode scalar(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        if (tag.equals(Tag.NULL)) {
            return NODES.nullNode();
        }
        if (tag.equals(Tag.BOOL)) {
            String lower = v.toLowerCase(Locale.ROOT);
            return NODES.booleanNode(lower.equals("true") || lower.equals("yes") || lower.equals("on"));
        }
        if (tag.equals(Tag.INT) && isDecimal(v)) {
            return NODES.numberNode(Long.parseLong(v));
        }
        return NODES.textNode(v);
    }

    private static boolean isDecimal(String v) {
        int start = v.startsWith("-") || v.startsWith("+") ? 1 : 0;
        if (v.length() == start || v.length() - start > 18 || (v.charAt(start) == '0' && v.length() - start > 1)) {
            return false; // octal (0644) and long forms stay text
        }
        for (int i = start; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }
}
