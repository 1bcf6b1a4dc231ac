package io.datamart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * template.yaml read as data: the functions (handler, code, routes, environment) and
 * the DynamoDB tables. Running locally from this model, rather than from a copy of it,
 * means local routes and tables cannot drift from the deployed ones. The template uses
 * only long-form intrinsics, so it is plain YAML.
 */
public final class TemplateModel {
    /** A route an HTTP API event wires to a function. Paths may hold {@code {parameters}}. */
    public record RouteDefinition(String method, String path, String functionId) {
        /** "POST /api/v2/data-app/datamarts", the HTTP API route key. */
        public String routeKey() {
            return method + " " + path;
        }
    }

    /**
     * A function as deployed: {@code Class::method} handler, the jar it runs (CodeUri's, or
     * the one its Maven module builds when CodeUri names sources), its routes, and its environment with every
     * {@code Ref} resolved locally: to a table's or an event bus's local name (its logical
     * id), to a queue's URL (see {@link #LOCAL_QUEUE_URL_PREFIX}).
     */
    public record FunctionDefinition(String logicalId, String handler, Path code, List<RouteDefinition> routes,
            Map<String, String> environment, int timeoutSeconds) {
    }

    /**
     * What a {@code Ref} to a queue resolves to locally, followed by the queue's local name
     * ({@link QueueDefinition#localName()}): a well-formed queue URL (Ref of a queue is its
     * URL) in moto's default account. The clients' endpoint override decides where it goes;
     * SQS reads the queue from the URL's last segment.
     */
    public static final String LOCAL_QUEUE_URL_PREFIX = "https://sqs.us-east-1.amazonaws.com/123456789012/";

    /**
     * What a role's {@code RoleId} resolves to locally: moto stamps every message it takes
     * with this one {@code SenderId}, so locally every sender is this principal.
     */
    public static final String LOCAL_PRINCIPAL_ID = "AIDAIT2UOQQY3AUEKVGXU";

    /**
     * A queue as the template declares it. Locally a queue is named by its logical id, with
     * {@code .fifo} when it is FIFO (SQS requires it); its attributes are those SQS takes at
     * CreateQueue, its redrive policy is kept apart because it names another queue.
     *
     * @param deadLetterQueueId the logical id of its dead-letter queue, or null
     * @param maxReceiveCount   receives before the dead-letter queue takes a message; 0 without one
     */
    public record QueueDefinition(String logicalId, String localName, Map<String, String> attributes,
            String deadLetterQueueId, int maxReceiveCount) {
        public boolean fifo() {
            return "true".equals(attributes.get("FifoQueue"));
        }

        /** The URL a Ref to this queue resolves to locally. */
        public String localUrl() {
            return LOCAL_QUEUE_URL_PREFIX + localName;
        }
    }

    /**
     * An event source mapping: which function Lambda feeds from which queue or table
     * stream, in batches of at most {@code batchSize}.
     */
    public record EventSourceDefinition(String sourceId, String functionId, int batchSize) {
    }

    private static final String TABLE_TYPE = "AWS::DynamoDB::Table";
    private static final String EVENT_BUS_TYPE = "AWS::Events::EventBus";
    private static final String QUEUE_TYPE = "AWS::SQS::Queue";
    private static final String FUNCTION_TYPE = "AWS::Serverless::Function";

    /** What SQS takes at CreateQueue and the template may set as plain values. */
    private static final List<String> QUEUE_ATTRIBUTES = List.of("FifoQueue", "ContentBasedDeduplication",
            "DeduplicationScope", "FifoThroughputLimit", "VisibilityTimeout", "MessageRetentionPeriod",
            "DelaySeconds", "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds");

    private final Path file;
    private final JsonNode root;

    private TemplateModel(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    public static TemplateModel load(Path templateFile) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(templateFile.toFile());
            if (root == null || !root.path("Resources").isObject()) {
                throw new IllegalArgumentException(templateFile + " has no Resources");
            }
            return new TemplateModel(templateFile.toAbsolutePath().normalize(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + templateFile + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public JsonNode root() {
        return root;
    }

    public JsonNode resource(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
        }
        return resource;
    }

    /** Logical ids of the resources of one type, in template order. */
    public List<String> resourcesOfType(String type) {
        List<String> ids = new ArrayList<>();
        root.path("Resources").fields().forEachRemaining(resource -> {
            if (type.equals(resource.getValue().path("Type").asText())) {
                ids.add(resource.getKey());
            }
        });
        return ids;
    }

    /**
     * Each DynamoDB table as a CreateTableRequest; locally a table is named by its logical id.
     * A table the template gives a stream gets the same stream.
     */
    public Map<String, CreateTableRequest> tables() {
        Map<String, CreateTableRequest> tables = new LinkedHashMap<>();
        for (String id : resourcesOfType(TABLE_TYPE)) {
            JsonNode properties = resource(id).path("Properties");
            List<AttributeDefinition> attributes = new ArrayList<>();
            properties.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                    .attributeName(a.path("AttributeName").asText())
                    .attributeType(a.path("AttributeType").asText()).build()));
            List<KeySchemaElement> keys = keySchema(properties.path("KeySchema"));
            List<GlobalSecondaryIndex> indexes = new ArrayList<>();
            properties.path("GlobalSecondaryIndexes").forEach(index -> indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(index.path("IndexName").asText())
                    .keySchema(keySchema(index.path("KeySchema")))
                    .projection(Projection.builder()
                            .projectionType(index.path("Projection").path("ProjectionType").asText("ALL")).build())
                    .build()));
            CreateTableRequest.Builder table = CreateTableRequest.builder().tableName(id)
                    .attributeDefinitions(attributes).keySchema(keys).billingMode(BillingMode.PAY_PER_REQUEST);
            if (!indexes.isEmpty()) {
                table.globalSecondaryIndexes(indexes);
            }
            JsonNode stream = properties.path("StreamSpecification");
            if (stream.isObject()) {
                table.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                        .streamViewType(stream.path("StreamViewType").asText()).build());
            }
            tables.put(id, table.build());
        }
        return tables;
    }

    private static List<KeySchemaElement> keySchema(JsonNode elements) {
        List<KeySchemaElement> keys = new ArrayList<>();
        elements.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    /** Every AWS::Lambda::EventSourceMapping whose source and function are resources of this template. */
    public List<EventSourceDefinition> eventSources() {
        List<EventSourceDefinition> sources = new ArrayList<>();
        for (String id : resourcesOfType("AWS::Lambda::EventSourceMapping")) {
            JsonNode properties = resource(id).path("Properties");
            JsonNode source = properties.path("EventSourceArn").path("Fn::GetAtt");
            String function = properties.path("FunctionName").path("Ref").asText();
            if (!source.isArray() || function.isEmpty()) {
                continue;
            }
            // A function's alias (Function.Alias) feeds the function itself.
            String functionId = function.endsWith(".Alias") ? function.substring(0, function.length() - 6) : function;
            // Lambda's default batch: 10 messages from a queue, 100 records from a stream.
            int defaultBatch = "StreamArn".equals(source.path(1).asText()) ? 100 : 10;
            sources.add(new EventSourceDefinition(source.get(0).asText(), functionId,
                    properties.path("BatchSize").asInt(defaultBatch)));
        }
        return sources;
    }

    /** How often a queue delivers a message before its redrive policy moves it to the dead-letter queue. */
    public int maxReceiveCount(String queueId) {
        JsonNode count = resource(queueId).path("Properties").path("RedrivePolicy").path("maxReceiveCount");
        if (!count.canConvertToInt() && !count.isTextual()) {
            throw new IllegalArgumentException(queueId + " has no RedrivePolicy.maxReceiveCount");
        }
        return Integer.parseInt(count.asText());
    }

    /** Every SQS queue, in template order. */
    public Map<String, QueueDefinition> queues() {
        Map<String, QueueDefinition> queues = new LinkedHashMap<>();
        for (String id : resourcesOfType(QUEUE_TYPE)) {
            queues.put(id, queue(id));
        }
        return queues;
    }

    /** Every event bus; locally a bus is named by its logical id, which is what a Ref to it resolves to. */
    public List<String> eventBuses() {
        return resourcesOfType(EVENT_BUS_TYPE);
    }

    private QueueDefinition queue(String id) {
        JsonNode properties = resource(id).path("Properties");
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String name : QUEUE_ATTRIBUTES) {
            JsonNode value = properties.path(name);
            if (value.isValueNode()) {
                attributes.put(name, value.asText());
            }
        }
        boolean fifo = "true".equals(attributes.get("FifoQueue"));
        JsonNode redrive = properties.path("RedrivePolicy");
        String deadLetterQueueId = redrive.path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText(null);
        return new QueueDefinition(id, fifo ? id + ".fifo" : id, Map.copyOf(attributes), deadLetterQueueId,
                deadLetterQueueId == null ? 0 : maxReceiveCount(id));
    }

    /** Every function, in template order. */
    public Map<String, FunctionDefinition> functions() {
        Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
        for (String id : resourcesOfType(FUNCTION_TYPE)) {
            functions.put(id, function(id));
        }
        return functions;
    }

    public Optional<FunctionDefinition> function(String logicalId, boolean required) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (!FUNCTION_TYPE.equals(resource.path("Type").asText())) {
            if (required) {
                throw new IllegalArgumentException(logicalId + " is not a function of " + file.getFileName()
                        + "; its functions are " + resourcesOfType(FUNCTION_TYPE));
            }
            return Optional.empty();
        }
        return Optional.of(function(logicalId));
    }

    /** The value, resolved locally, that the first function to have the variable gets. */
    public Optional<String> variable(String name) {
        return functions().values().stream().map(function -> function.environment().get(name))
                .filter(java.util.Objects::nonNull).findFirst();
    }

    /** Every HTTP API route of every function. */
    public List<RouteDefinition> routes() {
        return functions().values().stream().flatMap(f -> f.routes().stream()).toList();
    }

    private FunctionDefinition function(String id) {
        JsonNode properties = resource(id).path("Properties");
        JsonNode globals = root.path("Globals").path("Function");
        String handler = text(properties, globals, "Handler");
        String codeUri = text(properties, globals, "CodeUri");
        if (handler == null || codeUri == null) {
            throw new IllegalArgumentException(id + " needs a Handler and a CodeUri");
        }
        List<RouteDefinition> routes = new ArrayList<>();
        properties.path("Events").forEach(event -> {
            if ("HttpApi".equals(event.path("Type").asText())) {
                JsonNode route = event.path("Properties");
                routes.add(new RouteDefinition(route.path("Method").asText().toUpperCase(java.util.Locale.ROOT),
                        route.path("Path").asText(), id));
            }
        });
        Map<String, String> environment = new LinkedHashMap<>();
        putVariables(environment, globals.path("Environment").path("Variables"));
        putVariables(environment, properties.path("Environment").path("Variables"));
        return new FunctionDefinition(id, handler, code(id, handler, file.getParent().resolve(codeUri).normalize()),
                List.copyOf(routes), environment, timeout(properties, globals));
    }

    /**
     * The jar a function runs: CodeUri itself when it names one; when it names the source
     * folder sam build builds (the Makefile's), the shaded jar of the Maven module whose main
     * sources hold the handler's package, {@code target/<finalName>.jar}: what the Makefile's
     * target puts in the function's lib/. The package, not the class, picks the module, so a
     * handler naming a missing class still fails as it would on Lambda: not in the jar.
     */
    private static Path code(String id, String handler, Path codeUri) {
        if (!Files.isDirectory(codeUri)) {
            return codeUri;
        }
        if (!Files.isRegularFile(codeUri.resolve("pom.xml"))) {
            throw new IllegalArgumentException(id + ": CodeUri " + codeUri + " is a folder without a pom.xml: "
                    + "locally a function runs the jar its Maven module builds");
        }
        String className = handler.split("::", 2)[0];
        Path packagePath = Path.of("src/main/java", className.substring(0, Math.max(className.lastIndexOf('.'), 0))
                .replace('.', '/'));
        List<Path> modules = mavenModules(codeUri).stream()
                .filter(module -> Files.isDirectory(module.resolve(packagePath))).toList();
        if (modules.size() != 1) {
            throw new IllegalArgumentException(id + ": CodeUri " + codeUri + " is a source folder, and "
                    + (modules.isEmpty() ? "none" : modules.size()) + " of the Maven modules it builds "
                    + (modules.size() > 1 ? "hold " : "holds ") + packagePath + ", the package of " + className);
        }
        Path module = modules.get(0);
        return module.resolve("target").resolve(pomText(module.resolve("pom.xml"), "build", "finalName")
                .orElseThrow(() -> new IllegalArgumentException(module.resolve("pom.xml")
                        + " sets no build/finalName, the name of the jar a function runs")) + ".jar");
    }

    /** The folders of the modules that the pom.xml in {@code projectDir} lists. */
    private static List<Path> mavenModules(Path projectDir) {
        Path pom = projectDir.resolve("pom.xml");
        NodeList modules = pom(pom).getElementsByTagName("module");
        List<Path> folders = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            folders.add(projectDir.resolve(modules.item(i).getTextContent().trim()).normalize());
        }
        return folders;
    }

    /** The text of the element at {@code path} below the project element of a pom, if there is one. */
    private static Optional<String> pomText(Path pom, String... path) {
        Element element = pom(pom).getDocumentElement();
        for (String name : path) {
            Element child = null;
            for (org.w3c.dom.Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element candidate && name.equals(candidate.getTagName())) {
                    child = candidate;
                    break;
                }
            }
            if (child == null) {
                return Optional.empty();
            }
            element = child;
        }
        return Optional.of(element.getTextContent().trim());
    }

    private static Document pom(Path pom) {
        try {
            return DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().parse(pom.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalArgumentException("cannot read " + pom + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private void putVariables(Map<String, String> environment, JsonNode variables) {
        variables.fields().forEachRemaining(variable -> environment.put(variable.getKey(),
                resolve(variable.getKey(), variable.getValue())));
    }

    /**
     * A plain value, a Ref to a table or an event bus (whose local name is its logical id),
     * to a queue (its {@link QueueDefinition#localUrl()}) or to a parameter (its default),
     * or a role's RoleId ({@link #LOCAL_PRINCIPAL_ID}).
     */
    private String resolve(String name, JsonNode value) {
        if (value.isValueNode()) {
            return value.asText();
        }
        JsonNode getAtt = value.get("Fn::GetAtt");
        if (getAtt != null && "RoleId".equals(getAtt.path(1).asText())) {
            return LOCAL_PRINCIPAL_ID;
        }
        JsonNode ref = value.get("Ref");
        if (ref != null) {
            String id = ref.asText();
            String type = root.path("Resources").path(id).path("Type").asText();
            if (TABLE_TYPE.equals(type) || EVENT_BUS_TYPE.equals(type)) {
                return id;
            }
            if (QUEUE_TYPE.equals(type)) {
                return queue(id).localUrl();
            }
            JsonNode parameter = root.path("Parameters").path(id);
            if (parameter.path("Default").isValueNode()) {
                return parameter.path("Default").asText();
            }
        }
        throw new IllegalArgumentException("environment variable " + name + " is " + value
                + ": locally only plain values, Refs to tables, event buses, queues and parameters with a default, "
                + "and roles' RoleId can be "
                + "resolved");
    }

    /** The function's Timeout in seconds; Lambda's default, 3, when neither it nor Globals sets one. */
    private static int timeout(JsonNode properties, JsonNode globals) {
        JsonNode value = properties.has("Timeout") ? properties.get("Timeout") : globals.get("Timeout");
        return value == null ? 3 : value.asInt(3);
    }

    private static String text(JsonNode properties, JsonNode globals, String field) {
        JsonNode value = properties.has(field) ? properties.get(field) : globals.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }
}
