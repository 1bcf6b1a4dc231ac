package io.datamart.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.datamart.validation.StrictJson;
import io.datamart.validation.Strings;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What makes two requests "the same request" for an idempotency key: the operation's
 * method and route, its query parameters, and its body, as the SHA-256 of a canonical
 * form. A JSON body counts by its content (keys in any order, any white space); any
 * other body by its bytes. Only the hash is stored, never the body or the token.
 */
public final class RequestFingerprint {
    private RequestFingerprint() {
    }

    /**
     * @param query the query parameters, each with its values in order; null when the
     *              query string could not be read (then {@code rawQuery} counts as it is)
     * @param body  the body's bytes; null when it has none
     */
    public static String of(String method, String route, Map<String, List<String>> query, String rawQuery,
            byte[] body) {
        StringBuilder canonical = new StringBuilder(method).append(' ').append(route).append('\n');
        if (query != null) {
            new TreeMap<>(query).forEach((name, values) -> values.forEach(value ->
                    canonical.append(escape(name)).append('=').append(escape(value)).append('&')));
        } else {
            canonical.append("raw:").append(rawQuery);
        }
        canonical.append('\n');
        if (body != null) {
            // Only what the API reads as JSON is read so here: strict UTF-8, nothing else.
            String text = Strings.strictUtf8(body);
            JsonNode json = text == null ? null : json(text);
            if (json != null) {
                canonical.append("json:");
                write(json, canonical);
            } else {
                canonical.append("bytes:").append(HexFormat.of().formatHex(body));
            }
        }
        return Strings.sha256Hex(canonical.toString());
    }

    private static JsonNode json(String body) {
        try {
            // The API's own reading: a body it refuses is never the same as one it accepts.
            return StrictJson.MAPPER.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** JSON with object keys sorted and no white space; numbers and strings as the parser read them. */
    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            String separator = "";
            for (String name : fieldNames(node)) {
                out.append(separator).append(quoted(name)).append(':');
                write(node.get(name), out);
                separator = ",";
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node.toString());
        }
    }

    private static TreeSet<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String quoted(String text) {
        return TextNode.valueOf(text).toString();
    }

    private static String escape(String text) {
        return text.replace("%", "%25").replace("&", "%26").replace("=", "%3D").replace("\n", "%0A");
    }

}
