package io.dnsprobe.image;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON from a registry (manifests, indexes, configs, tokens, error bodies) read into a tree only once its
 * size in values is known to be sane. A manifest may be 4 MiB, and 4 MiB of {@code [[],[],...]} is two
 * million nodes, some 100 MB of heap: so a first streaming pass counts the values (no tree, a parser's
 * buffers only) and refuses more than {@link #MAX_VALUES}, nesting deeper than {@link #MAX_DEPTH}, and
 * numbers longer than 64 digits, before the tree is built. A real manifest of 128 layers has about 700
 * values, an index of 50 platforms about 500, a config with its history a few thousand.
 */
final class BoundedJson {
    static final int MAX_VALUES = 20_000;
    static final int MAX_DEPTH = 32;
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(64)
                    .build())
            .build());

    private BoundedJson() {}

    /**
     * The document as a tree, or a {@code PROTOCOL} error ({@code LIMIT} for a document over the bounds) that
     * names {@code what} ("the manifest of acme/orders:1.4").
     */
    static JsonNode parse(byte[] body, String what) throws RegistryException {
        try (JsonParser p = MAPPER.createParser(body)) {
            int values = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.FIELD_NAME
                        && t != JsonToken.END_ARRAY
                        && t != JsonToken.END_OBJECT
                        && ++values > MAX_VALUES) {
                    throw new RegistryException(
                            RegistryException.Kind.LIMIT,
                            what + " holds more than " + MAX_VALUES + " JSON values: not read");
                }
            }
        } catch (StreamConstraintsException e) {
            throw new RegistryException(
                    RegistryException.Kind.LIMIT,
                    what + " is nested deeper than " + MAX_DEPTH
                            + " levels or has a number longer than 64 digits: not read");
        } catch (RegistryException e) {
            throw e;
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + " is not JSON");
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, what + " is empty");
            }
            return n;
        } catch (IOException e) {
            if (e instanceof RegistryException r) {
                throw r;
            }
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + " is not JSON");
        }
    }

    /** {@link #parse}, and the document must be an object. */
    static JsonNode object(byte[] body, String what) throws RegistryException {
        JsonNode n = parse(body, what);
        if (!n.isObject()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + " is not a JSON object");
        }
        return n;
    }

    /** A string field, or null when absent or JSON null; a field of another type is a protocol error. */
    static String text(JsonNode parent, String field, String what) throws RegistryException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": " + field + " is not a string");
        }
        return n.textValue();
    }

    /** An array field (empty when absent or null); a field of another type is a protocol error. */
    static JsonNode array(JsonNode parent, String field, String what) throws RegistryException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return MAPPER.createArrayNode();
        }
        if (!n.isArray()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": " + field + " is not a list");
        }
        return n;
    }

    /** An object field (empty when absent or null); a field of another type is a protocol error. */
    static JsonNode object(JsonNode parent, String field, String what) throws RegistryException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return MAPPER.createObjectNode();
        }
        if (!n.isObject()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": " + field + " is not an object");
        }
        return n;
    }

    /**
     * A byte count: a whole number from 0 to 2^53 (what JSON numbers hold exactly), -1 when absent; anything
     * else (a string, a fraction, a negative or absurd number) is a protocol error.
     */
    static long size(JsonNode parent, String field, String what) throws RegistryException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return -1;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0 || n.longValue() > (1L << 53)) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": " + field + " is not a byte count");
        }
        return n.longValue();
    }
}
