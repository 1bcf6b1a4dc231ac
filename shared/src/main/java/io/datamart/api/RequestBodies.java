package io.datamart.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.error.InvalidRequestException;
import io.datamart.validation.JsonSyntaxErrors;
import java.io.IOException;
import java.util.Locale;

/** Turns a request's body into JSON, enforcing the contract's Content-Type and syntax rules. */
public final class RequestBodies {
    /**
     * The largest body read: a datamart is stored in one DynamoDB item of at most 400 KB,
     * and this leaves room for indentation. Anything larger cannot be a storable datamart,
     * and refusing it before parsing bounds the work (and the error response) per request.
     */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private RequestBodies() {
    }

    /** The parsed body; whether it is an object is for the validator to say, with the rest. */
    public static JsonNode json(ApiRequest request) {
        requireJsonContentType(request.header("content-type"));
        byte[] body = request.body();
        if (body == null || body.length == 0) {
            throw InvalidRequestException.of("Request body is required: a JSON object");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw InvalidRequestException.of("Request body is " + body.length + " bytes; the limit is 1 MiB ("
                    + MAX_BODY_BYTES + " bytes), as a datamart is stored in at most 400 KB");
        }
        JsonNode json;
        try {
            String text = io.datamart.validation.Strings.strictUtf8(body);
            if (text == null) {
                throw InvalidRequestException.of("Request body is not valid JSON: it is not valid UTF-8");
            }
            json = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException malformed) {
            // In the client's terms: the parser's own message names its classes and settings.
            throw InvalidRequestException.of("Request body " + JsonSyntaxErrors.describe(malformed));
        } catch (IOException unreadable) {
            throw InvalidRequestException.of("Request body could not be read as JSON");
        }
        if (json == null || json.isMissingNode()) {
            throw InvalidRequestException.of("Request body is required: a JSON object");
        }
        return json;
    }

    /** {@code application/json}, optionally with {@code charset=utf-8}: JSON is UTF-8 (RFC 8259). */
    static void requireJsonContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw InvalidRequestException.of("Content-Type must be application/json; the request has none");
        }
        String[] parts = contentType.split(";");
        boolean json = parts[0].strip().equalsIgnoreCase("application/json");
        for (int i = 1; json && i < parts.length; i++) {
            String parameter = parts[i].strip();
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).strip().equalsIgnoreCase("charset")) {
                String charset = parameter.substring(equals + 1).strip().replace("\"", "");
                json = charset.toLowerCase(Locale.ROOT).matches("utf-?8");
            }
        }
        if (!json) {
            throw InvalidRequestException.of("Content-Type must be application/json (UTF-8), not '"
                    + io.datamart.validation.Strings.quotable(contentType, 100) + "'");
        }
    }
}
