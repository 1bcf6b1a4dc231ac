package io.datamart.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.error.InvalidRequestException;
import io.datamart.validation.Strings;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an API Gateway event, HTTP API (payload 2.0) or REST API (proxy, payload 1.0),
 * into one {@link ApiRequest}, so that nothing after this point knows which it was.
 */
public final class ApiEventParser {
    private ApiEventParser() {
    }

    public static ApiRequest parse(InputStream event) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(event);
        } catch (JsonProcessingException notJson) {
            throw InvalidRequestException.of("The Lambda event is not JSON: expected an API Gateway event");
        }
        if (root == null || !root.isObject()) {
            throw InvalidRequestException.of("The Lambda event is not an API Gateway event");
        }
        return "2.0".equals(text(root, "version")) ? httpApi(root) : restApi(root);
    }

    private static ApiRequest httpApi(JsonNode event) {
        JsonNode context = event.path("requestContext");
        String method = text(context.path("http"), "method");
        String path;
        String routeKey = text(event, "routeKey");
        if (routeKey != null && !"$default".equals(routeKey) && routeKey.indexOf(' ') > 0) {
            // The route key is the path as template.yaml declares it, free of any stage prefix.
            path = routeKey.substring(routeKey.indexOf(' ') + 1);
        } else {
            path = withoutStage(text(event, "rawPath"), text(context, "stage"));
        }
        Map<String, String> headers = headers(event.path("headers"), null);
        return new ApiRequest(require(method, "requestContext.http.method"), require(path, "rawPath"), headers,
                text(event, "rawQueryString"), singleValued(event.path("queryStringParameters")),
                pathParameters(event), text(event, "body"), base64(event));
    }

    private static ApiRequest restApi(JsonNode event) {
        String method = text(event, "httpMethod");
        // The resource is the route's path as declared; a greedy {proxy+} resource says nothing.
        String resource = text(event, "resource");
        String path = resource != null && !resource.contains("+}") ? resource : text(event, "path");
        Map<String, String> headers = headers(event.path("headers"), event.path("multiValueHeaders"));
        JsonNode multi = event.path("multiValueQueryStringParameters");
        Map<String, List<String>> query = multi.isObject()
                ? multiValued(multi)
                : singleValued(event.path("queryStringParameters"));
        return new ApiRequest(require(method, "httpMethod"), require(path, "path"), headers, null, query,
                pathParameters(event), text(event, "body"), base64(event));
    }

    /** Both payloads carry path parameters already percent-decoded. */
    private static Map<String, String> pathParameters(JsonNode event) {
        Map<String, String> parameters = new LinkedHashMap<>();
        JsonNode node = event.path("pathParameters");
        if (node.isObject()) {
            node.fields().forEachRemaining(p -> parameters.put(p.getKey(), p.getValue().asText()));
        }
        return parameters;
    }

    /** Header names folded to one case; a repeated header's values joined by commas (RFC 9110). */
    private static Map<String, String> headers(JsonNode single, JsonNode multi) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (multi != null && multi.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = multi.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                List<String> values = new ArrayList<>();
                header.getValue().forEach(value -> values.add(value.asText()));
                headers.merge(header.getKey(), String.join(",", values), (a, b) -> a + "," + b);
            }
        }
        if (single.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = single.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                headers.putIfAbsent(header.getKey(), header.getValue().asText());
            }
        }
        return headers;
    }

    /**
     * Parses the raw query string rather than HTTP API's {@code queryStringParameters},
     * which joins repeated parameters with commas and so cannot tell {@code a,b} from two values.
     */
    static Map<String, List<String>> parseQueryString(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            query.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return query;
    }

    /**
     * Percent-decodes one query component ('+' is a space) as strict UTF-8: a malformed
     * escape or a byte sequence that is not UTF-8 is refused rather than replaced.
     */
    static String decode(String component) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '%') {
                int high = i + 2 < component.length() ? Character.digit(component.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(component.charAt(i + 2), 16);
                if (low < 0) {
                    throw InvalidRequestException.of("The query string is not valid percent-encoding");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        String decoded = Strings.strictUtf8(bytes.toByteArray());
        if (decoded == null) {
            throw InvalidRequestException.of("The query string is not percent-encoded UTF-8");
        }
        return decoded;
    }

    private static Map<String, List<String>> singleValued(JsonNode parameters) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (parameters.isObject()) {
            parameters.fields().forEachRemaining(p -> query.put(p.getKey(), List.of(p.getValue().asText())));
        }
        return query;
    }

    private static Map<String, List<String>> multiValued(JsonNode parameters) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        parameters.fields().forEachRemaining(p -> {
            List<String> values = new ArrayList<>();
            p.getValue().forEach(value -> values.add(value.asText()));
            query.put(p.getKey(), values);
        });
        return query;
    }

    private static String withoutStage(String rawPath, String stage) {
        if (rawPath == null || stage == null || "$default".equals(stage)) {
            return rawPath;
        }
        String prefix = "/" + stage;
        return rawPath.startsWith(prefix + "/") ? rawPath.substring(prefix.length()) : rawPath;
    }

    private static boolean base64(JsonNode event) {
        return event.path("isBase64Encoded").asBoolean(false);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    private static String require(String value, String field) {
        if (value == null) {
            throw InvalidRequestException.of("The Lambda event is not an API Gateway event: it has no " + field);
        }
        return value;
    }
}
