package io.datamart.testing;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the API Gateway event a real request would produce, HTTP API (payload 2.0) or
 * REST API (payload 1.0), and runs it through a handler the way Lambda does: bytes in,
 * bytes out. Every answer must be one docs/openapi.yaml documents for the route.
 */
public final class ApiCall {
    public enum Payload { HTTP_API, REST_API }

    private final Payload payload;
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<Map.Entry<String, String>> query = new ArrayList<>();
    private final Map<String, String> pathParameters = new LinkedHashMap<>();
    private String body;
    private boolean base64;

    private ApiCall(Payload payload, String method, String path) {
        this.payload = payload;
        this.method = method;
        this.path = path;
    }

    public static ApiCall to(Payload payload, String method, String path) {
        return new ApiCall(payload, method, path);
    }

    public static ApiCall httpApi(String method, String path) {
        return new ApiCall(Payload.HTTP_API, method, path);
    }

    public static ApiCall restApi(String method, String path) {
        return new ApiCall(Payload.REST_API, method, path);
    }

    public ApiCall header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public ApiCall bearer(String token) {
        return header(payload == Payload.HTTP_API ? "authorization" : "Authorization", "Bearer " + token);
    }

    /** A JSON body with {@code Content-Type: application/json}. */
    public ApiCall json(String json) {
        header(payload == Payload.HTTP_API ? "content-type" : "Content-Type", "application/json");
        return body(json);
    }

    public ApiCall body(String text) {
        this.body = text;
        return this;
    }

    public ApiCall base64Encoded() {
        this.base64 = true;
        return this;
    }

    /** A value for a {@code {name}} segment of the route's path (which stays the route key). */
    public ApiCall pathParameter(String name, String value) {
        pathParameters.put(name, value);
        return this;
    }

    /** The path a client requests: the route's path with each parameter percent-encoded in place. */
    private String requestPath() {
        String actual = path;
        for (Map.Entry<String, String> parameter : pathParameters.entrySet()) {
            actual = actual.replace("{" + parameter.getKey() + "}",
                    URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return actual;
    }

    private void putPathParameters(ObjectNode event) {
        if (!pathParameters.isEmpty()) {
            ObjectNode parameters = event.putObject("pathParameters");
            pathParameters.forEach(parameters::put);
        }
    }

    public ApiCall query(String name, String value) {
        query.add(Map.entry(name, value));
        return this;
    }

    public String event() {
        ObjectNode event = payload == Payload.HTTP_API ? httpApiEvent() : restApiEvent();
        if (body != null) {
            event.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        }
        event.put("isBase64Encoded", base64);
        return event.toString();
    }

    public ApiResult invoke(RequestStreamHandler handler) {
        return invokeEvent(handler, event());
    }

    /** Runs the call in an invocation that has {@code remainingMillis} left when it starts. */
    public ApiResult invokeWithin(RequestStreamHandler handler, int remainingMillis) {
        return invokeEvent(handler, event(), new TestContext().remainingTimeMillis(remainingMillis));
    }

    /** Runs any event, such as a file from events/, through a handler. */
    public static ApiResult invokeEvent(RequestStreamHandler handler, String event) {
        return invokeEvent(handler, event, new TestContext());
    }

    private static ApiResult invokeEvent(RequestStreamHandler handler, String event, TestContext context) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), output, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ApiResult result = ApiResult.parse(output.toByteArray(), context);
        OpenApiDocument.assertDocumentsAnswer(event, result);
        return result;
    }

    private ObjectNode httpApiEvent() {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", method + " " + path);
        event.put("rawPath", requestPath());
        event.put("rawQueryString", query.stream()
                .map(p -> encode(p.getKey()) + "=" + encode(p.getValue())).collect(Collectors.joining("&")));
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach((name, value) -> headerNode.put(name.toLowerCase(java.util.Locale.ROOT), value));
        if (!query.isEmpty()) {
            ObjectNode parameters = event.putObject("queryStringParameters");
            query.forEach(p -> parameters.put(p.getKey(), parameters.has(p.getKey())
                    ? parameters.get(p.getKey()).asText() + "," + p.getValue() : p.getValue()));
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012").put("apiId", "abc123").put("domainName", "abc123.example.com")
                .put("requestId", "test-request").put("routeKey", method + " " + path).put("stage", "$default")
                .put("time", "22/Nov/2026:03:00:00 +0000").put("timeEpoch", 1795316400000L);
        putPathParameters(event);
        context.putObject("http").put("method", method).put("path", requestPath()).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1").put("userAgent", "datamart-tests");
        return event;
    }

    private ObjectNode restApiEvent() {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("resource", path).put("path", requestPath()).put("httpMethod", method);
        ObjectNode headerNode = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        headers.forEach((name, value) -> {
            headerNode.put(name, value);
            multiHeaders.putArray(name).add(value);
        });
        if (query.isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            query.forEach(p -> {
                single.put(p.getKey(), p.getValue());
                ArrayNode values = multi.has(p.getKey()) ? (ArrayNode) multi.get(p.getKey()) : multi.putArray(p.getKey());
                values.add(p.getValue());
            });
        }
        if (pathParameters.isEmpty()) {
            event.putNull("pathParameters");
        } else {
            putPathParameters(event);
        }
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext");
        context.put("resourcePath", path).put("httpMethod", method).put("path", "/prod" + requestPath())
                .put("stage", "prod").put("requestId", "test-request").put("accountId", "123456789012");
        return event;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
