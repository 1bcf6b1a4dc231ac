package io.datamart.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.local.TemplateModel.RouteDefinition;
import io.datamart.local.runner.HttpRequestReader.Request;
import io.datamart.local.runner.LoopbackHttpServer.Response;
import io.datamart.validation.Strings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The HTTP API on 127.0.0.1: each request becomes the payload 2.0 event API Gateway
 * would send, goes to the function template.yaml routes it to, and the function's
 * response goes back. An unrouted request gets API Gateway's own 404. The HTTP itself is
 * {@link LoopbackHttpServer}'s, which passes requests on as the client sent them.
 */
public final class LocalApiServer implements AutoCloseable {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final LocalEnvironment environment;
    private final List<RouteDefinition> routes;
    private final LoopbackHttpServer http;
    private final PrintStream errors;
    private final ApiDocs docs;

    private LocalApiServer(LocalEnvironment environment, LoopbackHttpServer http, PrintStream errors) {
        this.environment = environment;
        this.routes = environment.template().routes();
        this.http = http;
        this.errors = errors;
        this.docs = ApiDocs.of(environment.template().file().resolveSibling("docs/openapi.yaml"), url());
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port) and starts serving. */
    public static LocalApiServer start(LocalEnvironment environment, int port, PrintStream errors) throws IOException {
        LoopbackHttpServer http = LoopbackHttpServer.bind(port, errors);
        LocalApiServer api = new LocalApiServer(environment, http, errors);
        http.serve(api::handle);
        return api;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + http.port());
    }

    @Override
    public void close() {
        http.close();
    }

    private Response handle(Request request, InetAddress client) throws IOException {
        Match match = match(request.method(), request.rawPath());
        if (match == null) {
            // {"message":"Not Found"}, API Gateway's answer to an unrouted request; locally the
            // API's description and its try-it page live outside the template's routes.
            return docs.answer(request).orElseGet(() -> Response.message(404));
        }
        byte[] event = event(request, client, match).toString().getBytes(StandardCharsets.UTF_8);
        byte[] response;
        try {
            response = environment.function(match.route().functionId()).invoke(event);
        } catch (Exception failure) {
            failure.printStackTrace(errors);
            return Response.message(500);
        }
        JsonNode result = Json.MAPPER.readTree(response);
        Map<String, String> headers = new LinkedHashMap<>();
        result.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        String body = result.path("body").asText("");
        byte[] bytes = result.path("isBase64Encoded").asBoolean(false)
                ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        return new Response(result.path("statusCode").asInt(200), headers, bytes);
    }

    private record Match(RouteDefinition route, Map<String, String> pathParameters) {
    }

    /**
     * The route whose method and path match. Methods are case-sensitive (RFC 9110 9.1), so
     * {@code delete} is unrouted; literal segments must match the path as sent, so
     * {@code %64ata-app} is not {@code data-app}; only {@code {name}} segments are
     * percent-decoded, into path parameters.
     */
    private Match match(String method, String rawPath) {
        String[] actual = rawPath.split("/", -1);
        for (RouteDefinition route : routes) {
            if (!route.method().equals(method)) {
                continue;
            }
            String[] expected = route.path().split("/", -1);
            if (expected.length != actual.length) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            boolean matches = true;
            for (int i = 0; i < expected.length && matches; i++) {
                if (expected[i].startsWith("{") && expected[i].endsWith("}")) {
                    String value = decodePath(actual[i]);
                    matches = !value.isEmpty();
                    parameters.put(expected[i].substring(1, expected[i].length() - 1), value);
                } else {
                    matches = expected[i].equals(actual[i]);
                }
            }
            if (matches) {
                return new Match(route, parameters);
            }
        }
        return null;
    }

    private ObjectNode event(Request request, InetAddress client, Match match) {
        String rawQuery = request.rawQuery();
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", match.route().routeKey());
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", rawQuery);
        ObjectNode headers = event.putObject("headers");
        request.headers().forEach(headers::put);
        Map<String, List<String>> query = queryParameters(rawQuery);
        if (!query.isEmpty()) {
            ObjectNode parameters = event.putObject("queryStringParameters");
            query.forEach((name, values) -> parameters.put(name, String.join(",", values)));
        }
        if (!match.pathParameters().isEmpty()) {
            ObjectNode parameters = event.putObject("pathParameters");
            match.pathParameters().forEach(parameters::put);
        }
        Instant now = Instant.now();
        String requestId = UUID.randomUUID().toString();
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "000000000000").put("apiId", "local")
                .put("domainName", "127.0.0.1:" + http.port()).put("domainPrefix", "127")
                .put("requestId", requestId).put("routeKey", match.route().routeKey()).put("stage", "$default")
                .put("time", REQUEST_TIME.format(now)).put("timeEpoch", now.toEpochMilli());
        context.putObject("http").put("method", request.method())
                .put("path", request.rawPath()).put("protocol", request.version())
                .put("sourceIp", client.getHostAddress())
                .put("userAgent", request.header("user-agent"));
        byte[] body = request.body();
        if (body.length > 0) {
            // Like API Gateway: text bodies as they are, anything that is not UTF-8 in base64.
            String text = Strings.strictUtf8(body);
            event.put("body", text != null ? text : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", text == null);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    private static Map<String, List<String>> queryParameters(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException malformed) {
                // API Gateway passes such a pair in rawQueryString only; so do we.
            }
        }
        return query;
    }

    /** Percent-decoding of one path segment ('+' stays '+' in a path). */
    private static String decodePath(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }
}
