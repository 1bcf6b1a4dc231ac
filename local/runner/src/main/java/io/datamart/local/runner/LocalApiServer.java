package io.datamart.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.datamart.api.Json;
import io.datamart.local.TemplateModel.RouteDefinition;
import io.datamart.validation.Strings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP API on 127.0.0.1: each request becomes the payload 2.0 event API Gateway
 * would send, goes to the function template.yaml routes it to, and the function's
 * response goes back. An unrouted request gets API Gateway's own 404.
 */
public final class LocalApiServer implements AutoCloseable {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final LocalEnvironment environment;
    private final List<RouteDefinition> routes;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final PrintStream errors;

    private LocalApiServer(LocalEnvironment environment, HttpServer server, PrintStream errors) {
        this.environment = environment;
        this.routes = environment.template().routes();
        this.server = server;
        this.errors = errors;
    }

    /** Binds 127.0.0.1:{@code port} (0: any free port) and starts serving. */
    public static LocalApiServer start(LocalEnvironment environment, int port, PrintStream errors) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        LocalApiServer api = new LocalApiServer(environment, server, errors);
        server.createContext("/", api::handle);
        server.setExecutor(api.executor);
        server.start();
        return api;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String rawPath = exchange.getRequestURI().getRawPath();
            Match match = match(method, rawPath);
            if (match == null) {
                send(exchange, 404, Map.of("Content-Type", "application/json"),
                        "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] event = event(exchange, match).toString().getBytes(StandardCharsets.UTF_8);
            byte[] response;
            try {
                response = environment.function(match.route().functionId()).invoke(event);
            } catch (Exception failure) {
                failure.printStackTrace(errors);
                send(exchange, 500, Map.of("Content-Type", "application/json"),
                        "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            JsonNode result = Json.MAPPER.readTree(response);
            Map<String, String> headers = new LinkedHashMap<>();
            result.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            String body = result.path("body").asText("");
            byte[] bytes = result.path("isBase64Encoded").asBoolean(false)
                    ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
            send(exchange, result.path("statusCode").asInt(200), headers, bytes);
        }
    }

    private record Match(RouteDefinition route, Map<String, String> pathParameters) {
    }

    /** The route whose method and path match; {@code {name}} segments become path parameters. */
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
                String segment = decodePath(actual[i]);
                if (expected[i].startsWith("{") && expected[i].endsWith("}")) {
                    matches = !segment.isEmpty();
                    parameters.put(expected[i].substring(1, expected[i].length() - 1), segment);
                } else {
                    matches = expected[i].equals(segment);
                }
            }
            if (matches) {
                return new Match(route, parameters);
            }
        }
        return null;
    }

    private ObjectNode event(HttpExchange exchange, Match match) throws IOException {
        URI uri = exchange.getRequestURI();
        String rawQuery = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", match.route().routeKey());
        event.put("rawPath", uri.getRawPath());
        event.put("rawQueryString", rawQuery);
        ObjectNode headers = event.putObject("headers");
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
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
                .put("domainName", "127.0.0.1:" + server.getAddress().getPort()).put("domainPrefix", "127")
                .put("requestId", requestId).put("routeKey", match.route().routeKey()).put("stage", "$default")
                .put("time", REQUEST_TIME.format(now)).put("timeEpoch", now.toEpochMilli());
        context.putObject("http").put("method", exchange.getRequestMethod().toUpperCase(Locale.ROOT))
                .put("path", uri.getRawPath()).put("protocol", exchange.getProtocol())
                .put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress())
                .put("userAgent", exchange.getRequestHeaders().getFirst("User-Agent"));
        byte[] body = exchange.getRequestBody().readAllBytes();
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

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream output = exchange.getResponseBody()) {
                output.write(body);
            }
        }
    }
}
