package io.dnsprobe.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The two patch kinds an API server applies to any resource, on Jackson nodes, as kube-apiserver applies
 * them: JSON merge patch (RFC 7386: objects merge recursively, {@code null} deletes a key, everything else,
 * arrays included, replaces) and JSON patch (RFC 6902, failures answered 422 as kube-apiserver answers them).
 * fabric8's mock merges with Jackson's {@code readerForUpdating}, which appends arrays and keeps nulls, and
 * creates missing parents before a JSON patch; the mock's dispatcher uses these instead.
 *
 * <p>Inputs are never changed: each method works on a copy and returns it.
 */
public final class ApiServerPatches {
    /** How kube-apiserver answers a JSON patch that does not apply (test failed, path missing). */
    public static final int UNPROCESSABLE = 422;

    private static final Comparator<JsonNode> SAME = ApiServerPatches::compare;
    /** Duplicate keys are an error (RFC 6902 A.13), not "the last wins". */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ApiServerPatches() {}

    /** A patch the API server refuses: the HTTP code it answers with and why, in one line. */
    public static final class Rejected extends Exception {
        private final int code;

        Rejected(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** A patch body; not JSON, or JSON with a key twice, is answered 400. */
    public static JsonNode parse(String body) throws Rejected {
        try {
            return STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Rejected(400, "the patch is not JSON: " + e.getOriginalMessage());
        }
    }

    /** RFC 7386 section 2, MergePatch(Target, Patch). A null {@code patch} is JSON null (the result is null). */
    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch == null ? null : patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : ((ObjectNode) patch).objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    /** RFC 6902: the operations in order; the first that does not apply rejects the whole patch. */
    public static JsonNode jsonPatch(JsonNode target, JsonNode patch) throws Rejected {
        if (patch == null || !patch.isArray()) {
            throw new Rejected(400, "a JSON patch is an array of operations");
        }
        JsonNode doc = target == null ? null : target.deepCopy();
        int i = 0;
        for (JsonNode op : patch) {
            try {
                doc = apply(doc, op);
            } catch (Rejected r) {
                throw new Rejected(r.code(), "operation " + i + ": " + r.getMessage());
            }
            i++;
        }
        return doc;
    }

    private static JsonNode apply(JsonNode doc, JsonNode op) throws Rejected {
        if (!op.isObject()) {
            throw unprocessable("not an object");
        }
        String name = text(op, "op");
        List<String> path = pointer(text(op, "path"));
        switch (name) {
            case "add":
                return add(doc, path, value(op));
            case "remove":
                return remove(doc, path);
            case "replace":
                return add(remove(doc, path), path, value(op)); // RFC 6902 4.3: remove, then add
            case "move": {
                List<String> from = pointer(text(op, "from"));
                if (from.size() < path.size() && path.subList(0, from.size()).equals(from)) {
                    throw unprocessable("cannot move " + text(op, "from") + " into one of its children");
                }
                JsonNode moved = get(doc, from);
                return add(remove(doc, from), path, moved);
            }
            case "copy":
                return add(doc, path, get(doc, pointer(text(op, "from"))).deepCopy());
            case "test": {
                JsonNode actual = get(doc, path);
                if (!actual.equals(SAME, value(op))) {
                    throw unprocessable("testing value " + text(op, "path") + " failed");
                }
                return doc;
            }
            default:
                throw unprocessable("unknown op " + name);
        }
    }

    private static JsonNode add(JsonNode doc, List<String> path, JsonNode value) throws Rejected {
        if (path.isEmpty()) {
            return value.deepCopy();
        }
        JsonNode parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent.isObject()) {
            ((ObjectNode) parent).set(last, value.deepCopy());
        } else if (parent.isArray()) {
            ArrayNode array = (ArrayNode) parent;
            int index = last.equals("-") ? array.size() : index(last, array.size() + 1);
            array.insert(index, value.deepCopy());
        } else {
            throw unprocessable("the parent of " + last + " is neither an object nor an array");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, List<String> path) throws Rejected {
        if (path.isEmpty()) {
            return null;
        }
        JsonNode parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent.isObject() && parent.has(last)) {
            ((ObjectNode) parent).remove(last);
        } else if (parent.isArray()) {
            ((ArrayNode) parent).remove(index(last, parent.size()));
        } else {
            throw unprocessable("doc is missing path: " + last);
        }
        return doc;
    }

    /** The node at {@code path}; a path that does not exist is rejected (RFC 6902 section 5). */
    private static JsonNode get(JsonNode doc, List<String> path) throws Rejected {
        JsonNode node = doc;
        for (String token : path) {
            JsonNode next = null;
            if (node != null && node.isObject()) {
                next = node.get(token);
            } else if (node != null && node.isArray()) {
                next = node.get(index(token, node.size()));
            }
            if (next == null) {
                throw unprocessable("doc is missing path: " + token);
            }
            node = next;
        }
        if (node == null) {
            throw unprocessable("doc is missing");
        }
        return node;
    }

    /** An array index as RFC 6901 spells it (digits, no leading zero), below {@code bound}. */
    private static int index(String token, int bound) throws Rejected {
        if (!token.matches("0|[1-9][0-9]{0,8}")) {
            throw unprocessable("not an array index: " + token);
        }
        int i = Integer.parseInt(token);
        if (i >= bound) {
            throw unprocessable("array index out of bounds: " + token);
        }
        return i;
    }

    /** RFC 6901: "" is the whole document, otherwise "/"-separated tokens with ~1 for / and ~0 for ~. */
    private static List<String> pointer(String pointer) throws Rejected {
        List<String> tokens = new ArrayList<>();
        if (pointer.isEmpty()) {
            return tokens;
        }
        if (!pointer.startsWith("/")) {
            throw unprocessable("not a JSON pointer: " + pointer);
        }
        for (String raw : pointer.substring(1).split("/", -1)) {
            if (raw.replace("~0", "").replace("~1", "").contains("~")) {
                throw unprocessable("bad escape in JSON pointer: " + pointer);
            }
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }

    private static String text(JsonNode op, String member) throws Rejected {
        JsonNode v = op.get(member);
        if (v == null || !v.isTextual()) {
            throw unprocessable("missing " + member);
        }
        return v.asText();
    }

    private static JsonNode value(JsonNode op) throws Rejected {
        JsonNode v = op.get("value");
        if (v == null) {
            throw unprocessable("missing value");
        }
        return v;
    }

    /** RFC 6902 4.6: numbers are equal when their values are (1 and 1.0), everything else structurally. */
    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    private static Rejected unprocessable(String why) {
        return new Rejected(UNPROCESSABLE, why);
    }
}
