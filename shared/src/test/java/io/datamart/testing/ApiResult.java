package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A function's API Gateway response, decoded: status, headers (any case) and JSON body,
 * and the size of the response object as the function returned it (what Lambda's 6 MB
 * limit counts).
 */
public record ApiResult(int status, Map<String, String> headers, JsonNode body, TestContext context,
        int responseBytes) {

    static ApiResult parse(byte[] output, TestContext context) {
        try {
            JsonNode response = Json.MAPPER.readTree(output);
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            if (response.path("isBase64Encoded").asBoolean()) {
                throw new AssertionError("the functions never base64-encode their responses");
            }
            JsonNode body = Json.MAPPER.readTree(response.path("body").asText());
            return new ApiResult(response.path("statusCode").asInt(), headers, body, context, output.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** {@code error.code}, or null on success. */
    public String errorCode() {
        JsonNode code = body.path("error").path("code");
        return code.isTextual() ? code.textValue() : null;
    }

    public String errorMessage() {
        JsonNode message = body.path("error").path("message");
        return message.isTextual() ? message.textValue() : null;
    }

    /** {@code error.details}: path to message, for assertions on where each violation was found. */
    public Map<String, String> details() {
        Map<String, String> details = new java.util.LinkedHashMap<>();
        body.path("error").path("details").forEach(d -> details.merge(d.path("path").asText(),
                d.path("message").asText(), (a, b) -> a + " | " + b));
        return details;
    }

    @Override
    public String toString() {
        return status + " " + headers + " " + body;
    }
}
