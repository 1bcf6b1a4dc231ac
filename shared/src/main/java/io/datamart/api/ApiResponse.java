package io.datamart.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response, written in the shape both API Gateway payload versions accept. */
public record ApiResponse(int statusCode, Map<String, String> headers, JsonNode body) {
    static final String SUCCESSOR = "</api/v2/data-app/datamarts>; rel=\"successor-version\"";

    public static ApiResponse json(int statusCode, JsonNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        return new ApiResponse(statusCode, headers, body);
    }

    /** The same response with one more header. */
    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(statusCode, more, body);
    }

    /** The headers every legacy route adds, pointing at the route that replaces it. */
    ApiResponse deprecated() {
        Map<String, String> withNotice = new LinkedHashMap<>(headers);
        withNotice.put("Deprecation", "true");
        withNotice.put("Link", SUCCESSOR);
        return new ApiResponse(statusCode, withNotice, body);
    }

    void writeTo(OutputStream output) throws IOException {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("statusCode", statusCode);
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);
        event.put("body", Json.MAPPER.writeValueAsString(body));
        event.put("isBase64Encoded", false);
        Json.MAPPER.writeValue(output, event);
    }
}
