package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.datamart.api.Json;
import io.datamart.local.ProjectFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * docs/openapi.yaml read as data: its routes, the requests it documents, and the check
 * that an answer of a handler is one it documents (status, headers and body schema).
 */
public final class OpenApiDocument {
    public static final String FILE = "docs/openapi.yaml";
    /** Where the schema registry files the document; $refs inside it resolve against this. */
    private static final String DOCUMENT_IRI = "https://datamart.invalid/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private static volatile OpenApiDocument checkout;

    private final JsonNode root;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemasByPointer = new ConcurrentHashMap<>();

    private OpenApiDocument(JsonNode root) {
        this.root = root;
        String json = root.toString();
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(),
                builder -> builder.schemas(Map.of(DOCUMENT_IRI, json)));
    }

    /** This checkout's document, read once. */
    public static OpenApiDocument checkout() {
        if (checkout == null) {
            synchronized (OpenApiDocument.class) {
                if (checkout == null) {
                    checkout = read(ProjectFiles.root().resolve(FILE));
                }
            }
        }
        return checkout;
    }

    public static OpenApiDocument read(Path file) {
        try {
            return new OpenApiDocument(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** "METHOD /path" of every operation, the HTTP API's route keys. */
    public Set<String> routeKeys() {
        Set<String> keys = new TreeSet<>();
        root.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (METHODS.contains(operation.getKey())) {
                keys.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return keys;
    }

    /** The operation object of a route; a missing node when the document has none. */
    public JsonNode operation(String method, String path) {
        return root.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    }

    /** A node with its {@code $ref} (within the document) followed, else the node itself. */
    public JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? root.at(pointer(node.get("$ref").asText())) : node;
    }

    /** The operation's parameters, resolved. */
    public List<JsonNode> parameters(JsonNode operation) {
        List<JsonNode> parameters = new ArrayList<>();
        operation.path("parameters").forEach(parameter -> parameters.add(resolve(parameter)));
        return parameters;
    }

    /** One request the document shows, as a client would send it. */
    public record DocumentedRequest(String title, String method, String path, Map<String, String> pathParameters,
            Map<String, String> query, Map<String, String> headers, JsonNode body) {
        @Override
        public String toString() {
            return title;
        }
    }

    /**
     * Every request the document's examples make: for each operation, each example body
     * with the examples of its required parameters, and each optional parameter's example
     * added to the first of those on its own (so that no two optional examples that
     * exclude each other, such as nextToken and pageNumber, meet).
     */
    public List<DocumentedRequest> documentedRequests() {
        List<DocumentedRequest> requests = new ArrayList<>();
        root.path("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            if (!METHODS.contains(entry.getKey())) {
                return;
            }
            String method = entry.getKey().toUpperCase(Locale.ROOT);
            JsonNode operation = entry.getValue();
            Map<String, JsonNode> bodies = bodyExamples(operation);
            List<JsonNode> parameters = parameters(operation);
            List<DocumentedRequest> base = new ArrayList<>();
            for (Map.Entry<String, JsonNode> body : bodies.entrySet()) {
                DocumentedRequest request = new DocumentedRequest(method + " " + path.getKey() + " " + body.getKey(),
                        method, path.getKey(), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                        body.getValue());
                parameters.stream().filter(p -> p.path("required").asBoolean()).forEach(p -> add(request, p));
                base.add(request);
            }
            requests.addAll(base);
            for (JsonNode parameter : parameters) {
                if (!parameter.path("required").asBoolean() && parameter.has("example")) {
                    DocumentedRequest first = base.get(0);
                    DocumentedRequest request = new DocumentedRequest(first.title() + " with "
                            + parameter.path("name").asText(), method, path.getKey(),
                            new LinkedHashMap<>(first.pathParameters()), new LinkedHashMap<>(first.query()),
                            new LinkedHashMap<>(first.headers()), first.body());
                    add(request, parameter);
                    requests.add(request);
                }
            }
        }));
        return requests;
    }

    /** The example bodies by name ("no body" with null when the operation takes none). */
    private Map<String, JsonNode> bodyExamples(JsonNode operation) {
        Map<String, JsonNode> bodies = new LinkedHashMap<>();
        JsonNode media = resolve(operation.path("requestBody")).path("content").path("application/json");
        media.path("examples").properties().forEach(example ->
                bodies.put(example.getKey(), resolve(example.getValue()).path("value")));
        if (media.has("example")) {
            bodies.put("example", media.get("example"));
        }
        if (bodies.isEmpty()) {
            if (!media.isMissingNode()) {
                throw new AssertionError(FILE + ": an operation with a request body shows no example of it: " + operation);
            }
            bodies.put("without a body", null);
        }
        return bodies;
    }

    private static void add(DocumentedRequest request, JsonNode parameter) {
        String name = parameter.path("name").asText();
        JsonNode example = parameter.get("example");
        if (example == null) {
            throw new AssertionError(FILE + ": parameter " + name + " of " + request.title() + " shows no example");
        }
        switch (parameter.path("in").asText()) {
            case "path" -> request.pathParameters().put(name, example.asText());
            case "query" -> request.query().put(name, example.asText());
            case "header" -> request.headers().put(name, example.asText());
            default -> throw new AssertionError(FILE + ": parameter " + name + " is in " + parameter.path("in"));
        }
    }

    /**
     * Fails unless the document has {@code result}'s status for the route and the answer
     * fits it: every header the response requires is there, every header other than
     * Content-Type is one it describes and fits its schema, and the body fits its schema.
     */
    public void assertDocuments(String method, String path, ApiResult result) {
        String route = method + " " + path;
        JsonNode operation = operation(method, path);
        if (operation.isMissingNode()) {
            throw new AssertionError(FILE + " does not document " + route);
        }
        String at = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + result.status();
        JsonNode declared = operation.path("responses").path(Integer.toString(result.status()));
        if (declared.isMissingNode()) {
            throw new AssertionError(FILE + " does not document status " + result.status() + " for " + route
                    + "; the answer was " + result);
        }
        String responseAt = pointerOf(declared, at);
        JsonNode response = resolve(declared);
        List<String> problems = new ArrayList<>();
        headerProblems(response, responseAt, result, problems);
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            problems.add("the response has no application/json schema");
        } else {
            problems.addAll(violations(pointerOf(schema, responseAt + "/content/application~1json/schema"),
                    result.body()));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(FILE + ": the " + result.status() + " answer of " + route
                    + " is not the one documented: " + problems + "; the answer was " + result);
        }
    }

    private void headerProblems(JsonNode response, String responseAt, ApiResult result, List<String> problems) {
        Map<String, JsonNode> documented = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> pointers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.path("headers").properties().forEach(header -> {
            documented.put(header.getKey(), resolve(header.getValue()));
            pointers.put(header.getKey(), pointerOf(header.getValue(), responseAt + "/headers/" + escape(header.getKey())));
        });
        documented.forEach((name, header) -> {
            if (header.path("required").asBoolean() && result.header(name) == null) {
                problems.add("header " + name + " is missing");
            }
        });
        result.headers().forEach((name, value) -> {
            if (name.equalsIgnoreCase("Content-Type")) {
                return;
            }
            JsonNode header = documented.get(name);
            if (header == null) {
                problems.add("header " + name + " is not documented for this answer");
                return;
            }
            JsonNode schema = header.path("schema");
            JsonNode instance = "integer".equals(resolve(schema).path("type").asText()) && value.matches("-?\\d{1,18}")
                    ? LongNode.valueOf(Long.parseLong(value)) : TextNode.valueOf(value);
            violations(pointerOf(schema, pointers.get(name) + "/schema"), instance)
                    .forEach(problem -> problems.add("header " + name + ": " + problem));
        });
    }

    /** What is wrong with {@code instance} by the schema at {@code pointer} in the document; empty if nothing. */
    public List<String> violations(String pointer, JsonNode instance) {
        Schema schema = schemasByPointer.computeIfAbsent(pointer,
                p -> registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p)));
        return schema.validate(instance).stream().map(Error::toString).toList();
    }

    /** What is wrong with a request body by the operation's request schema; empty if nothing. */
    public List<String> requestBodyViolations(String method, String path, JsonNode body) {
        JsonNode operation = operation(method, path);
        String at = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/requestBody";
        JsonNode declared = operation.path("requestBody");
        JsonNode schema = resolve(declared).path("content").path("application/json").path("schema");
        return violations(pointerOf(schema, pointerOf(declared, at) + "/content/application~1json/schema"), body);
    }

    /** Where a node's content is: its {@code $ref}'s target, else where the node itself is. */
    private static String pointerOf(JsonNode node, String at) {
        return node.has("$ref") ? pointer(node.get("$ref").asText()) : at;
    }

    private static String pointer(String ref) {
        if (!ref.startsWith("#/")) {
            throw new AssertionError(FILE + ": only references within the document are followed, not " + ref);
        }
        return ref.substring(1);
    }

    /** A JSON Pointer token (RFC 6901), percent-encoded where a URI fragment needs it. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D");
    }

    /**
     * The check every handler test makes through {@link ApiCall}: an answer to an event for
     * a route the document describes must be one it documents. Left alone: events for no
     * route of the document (API Gateway answers them itself, before any function), and a
     * function's 404 NOT_FOUND for another function's route (API Gateway sends each route
     * only to its own function, which template.yaml's tests check).
     */
    static void assertDocumentsAnswer(String event, ApiResult result) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(event);
        } catch (IOException notJson) {
            return; // a test of what a function does with a broken event: no route to check against
        }
        String method;
        String path;
        if (json.path("routeKey").isTextual() && json.path("routeKey").asText().contains(" ")) {
            String[] routeKey = json.path("routeKey").asText().split(" ", 2);
            method = routeKey[0];
            path = routeKey[1];
        } else if (json.path("httpMethod").isTextual() && json.path("resource").isTextual()) {
            method = json.path("httpMethod").asText();
            path = json.path("resource").asText();
        } else {
            return;
        }
        OpenApiDocument document = checkout();
        if (document.operation(method, path).isMissingNode()
                || result.status() == 404 && "NOT_FOUND".equals(result.errorCode())) {
            return;
        }
        document.assertDocuments(method, path, result);
        document.assertNotStricterThanTheApi(method, path, json, result);
    }

    /**
     * A body the document's request schema refuses must not be one the API accepts: a
     * client validating against the document would otherwise be kept from a valid request.
     */
    private void assertNotStricterThanTheApi(String method, String path, JsonNode event, ApiResult result) {
        boolean success = result.status() >= 200 && result.status() < 300;
        JsonNode body = parsedBody(event);
        if (!success || body == null || !operation(method, path).has("requestBody")) {
            return;
        }
        List<String> refusals = requestBodyViolations(method, path, body);
        if (!refusals.isEmpty()) {
            throw new AssertionError(FILE + ": " + method + " " + path + " accepted a body its request schema refuses: "
                    + refusals + "; the body was " + body);
        }
    }

    private static JsonNode parsedBody(JsonNode event) {
        try {
            String body = SampleEvents.body(event);
            return body == null ? null : Json.MAPPER.readTree(body);
        } catch (IOException | IllegalArgumentException unreadable) {
            return null; // not JSON, or not base64: the API refuses it, whatever the document says
        }
    }
}
