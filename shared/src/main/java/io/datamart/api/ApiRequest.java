package io.datamart.api;

import io.datamart.error.InvalidRequestException;
import io.datamart.validation.Strings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the functions see it, whichever API Gateway payload carried it.
 * {@code path} is the route's path as template.yaml declares it ({@code /datamarts/{name}});
 * header names are case-insensitive; the body is kept as the event carried it.
 */
public record ApiRequest(
        String method,
        String path,
        Map<String, String> headers,
        String rawQuery,
        Map<String, List<String>> queryParameters,
        Map<String, String> pathParameters,
        String rawBody,
        boolean base64Encoded) {

    /**
     * The body's bytes, decoded only when an operation reads it, so that a broken body
     * is reported after the route and the token were checked, like any other body error.
     * Null when the request has none.
     */
    public byte[] body() {
        if (rawBody == null) {
            return null;
        }
        if (base64Encoded) {
            try {
                return Base64.getDecoder().decode(rawBody);
            } catch (IllegalArgumentException notBase64) {
                throw InvalidRequestException.of("Request body is marked base64-encoded but is not valid base64");
            }
        }
        if (!Strings.isWellFormedUnicode(rawBody)) {
            // Only a hand-made event can carry one; UTF-8 would silently turn it into '?'.
            throw InvalidRequestException.of("Request body is not valid Unicode");
        }
        return rawBody.getBytes(StandardCharsets.UTF_8);
    }

    public String header(String name) {
        return headers.get(name);
    }

    /**
     * The query parameters, each with every value in order. Decoded from the raw query
     * string when the event has one (HTTP API joins repeated parameters with commas in
     * {@code queryStringParameters}), and only when an operation asks: a malformed query is
     * reported after the route and the token were checked, like a malformed body.
     */
    public Map<String, List<String>> query() {
        return rawQuery != null ? ApiEventParser.parseQueryString(rawQuery) : queryParameters;
    }

    /** Every value the query string gave this parameter, in order; empty if none. */
    public List<String> queryValues(String name) {
        return query().getOrDefault(name, List.of());
    }
}
