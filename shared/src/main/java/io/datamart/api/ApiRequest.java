package io.datamart.api;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the functions see it, whichever API Gateway payload carried it.
 * {@code path} is the route's path as template.yaml declares it ({@code /datamarts/{name}});
 * header names are case-insensitive; the body is the decoded bytes (null if none).
 */
public record ApiRequest(
        String method,
        String path,
        Map<String, String> headers,
        Map<String, List<String>> query,
        Map<String, String> pathParameters,
        byte[] body) {

    public String header(String name) {
        return headers.get(name);
    }

    /** Every value the query string gave this parameter, in order; empty if none. */
    public List<String> queryValues(String name) {
        return query.getOrDefault(name, List.of());
    }
}
