package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import io.datamart.local.ProjectFiles;
import io.datamart.local.SqsEventRecords;
import io.datamart.local.TemplateModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * bin/invoke: `sam local invoke` without a container. Every file in events/ runs
 * through the function template.yaml routes it to, loaded from its built jar; the
 * response is the only thing on stdout.
 */
class InvokeCommandTest {

    private static final String CREATE_EVENT = "events/create/http-api.json";

    record Run(int exitCode, String stdout, String stderr) {
        JsonNode response() throws IOException {
            return Json.MAPPER.readTree(stdout);
        }
    }

    static Run invoke(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = Stream.concat(Stream.of("invoke"), Stream.of(args)).toArray(String[]::new);
        int exit = LocalCli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every sample API Gateway event with the function whose route it targets, read from the template. */
    static Stream<String[]> sampleEvents() throws IOException {
        TemplateModel template = TemplateModel.load(ProjectFiles.template());
        return samples().filter(file -> read(file).has("requestContext")).map(file -> {
            JsonNode event = read(file);
            String routeKey = event.has("routeKey") ? event.path("routeKey").asText()
                    : event.path("httpMethod").asText() + " " + event.path("resource").asText();
            String function = template.routes().stream().filter(r -> r.routeKey().equals(routeKey))
                    .findFirst().orElseThrow(() -> new AssertionError(file + ": no route " + routeKey))
                    .functionId();
            return new String[] {function, ProjectFiles.root().relativize(file).toString()};
        });
    }

    /**
     * Every other sample (SQS batches, EventBridge events, stream records) with the function
     * template.yaml feeds such events to: through an event source mapping from a queue or
     * a table's stream, or through an EventBridge rule.
     */
    static Stream<String[]> eventDrivenSamples() throws IOException {
        TemplateModel template = TemplateModel.load(ProjectFiles.template());
        return samples().filter(file -> !read(file).has("requestContext")).map(file -> {
            JsonNode event = read(file);
            String function;
            if (event.has("detail-type")) {
                function = template.functions().keySet().stream().filter(id -> {
                    JsonNode events = template.resource(id).path("Properties").path("Events");
                    return events.toString().contains("\"EventBridgeRule\"")
                            && events.toString().contains(event.path("detail-type").asText());
                }).findFirst().orElseThrow(() -> new AssertionError(file + ": no rule for its detail-type"));
            } else {
                String source = event.path("Records").get(0).path("eventSource").asText();
                String type = source.equals("aws:sqs") ? "AWS::SQS::Queue" : "AWS::DynamoDB::Table";
                function = template.eventSources().stream()
                        .filter(mapping -> template.resource(mapping.sourceId()).path("Type").asText().equals(type))
                        .findFirst().orElseThrow(() -> new AssertionError(file + ": nothing consumes " + source))
                        .functionId();
            }
            return new String[] {function, ProjectFiles.root().relativize(file).toString()};
        });
    }

    private static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.walk(ProjectFiles.events())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    private static Run invokeOn(Path dataDir, String function, String eventFile) {
        return invoke(function, path(eventFile), "--data-dir", dataDir.toString(),
                "--template", ProjectFiles.template().toString(), "--seed", ProjectFiles.seed().toString());
    }

    /** The events the local bus printed, in order: detail-type and detail. */
    private static List<JsonNode> busEvents(Run run) {
        return run.stderr().lines().filter(line -> line.startsWith("{\"localEventBus\""))
                .map(line -> {
                    try {
                        return Json.MAPPER.readTree(line).path("localEventBus");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("eventDrivenSamples")
    void runsEveryEventDrivenSampleThroughItsFunctionAndWhatItSetsGoing(String function, String eventFile,
            @TempDir Path dataDir) throws IOException {
        if (eventFile.matches(".*(update|delete)\\.json")) {
            assertEquals(0, invokeOn(dataDir, "CreateDatamartFunction", CREATE_EVENT).exitCode());
        }
        Run run = invokeOn(dataDir, function, eventFile);

        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode response = run.response();
        List<String> detailTypes = busEvents(run).stream().map(event -> event.path("detail-type").asText()).toList();
        if (eventFile.startsWith("events/forward/")) {
            assertEquals("demo/sales-analytics", response.path("messageGroupId").asText(), run.stdout());
            // Forwarded to the local FIFO queue, provisioned from there, its change published.
            assertEquals("Datamart Provisioning Succeeded", detailTypes.get(0), run.stderr());
            assertTrue(detailTypes.size() == 2 && detailTypes.get(1).startsWith("Datamart "), run.stderr());
        } else {
            assertEquals(List.of(), SqsEventRecords.failedIds(response), run.stdout());
            int records = read(ProjectFiles.root().resolve(eventFile)).path("Records").size();
            long published = detailTypes.stream().filter(type -> type.startsWith(
                    function.equals("ProvisionDatamartsFunction") ? "Datamart Provisioning" : "Datamart ")).count();
            assertEquals(records, published, run.stderr());
        }
        assertTrue(run.stderr().contains("\"requestId\""), "the function's logs go to stderr");
    }

    @Test
    void runsABusRequestThroughTheQueueAndTheStreamToItsOutcomeAndChangeEvents(@TempDir Path dataDir)
            throws IOException {
        Run run = invokeOn(dataDir, "ForwardProvisioningEventsFunction", "events/forward/eventbridge-create.json");

        assertEquals(0, run.exitCode(), run.stderr());
        List<JsonNode> events = busEvents(run);
        assertEquals(List.of("Datamart Provisioning Succeeded", "Datamart Created"),
                events.stream().map(event -> event.path("detail-type").asText()).toList());
        assertEquals("signup-2026-11-22-0002", events.get(0).path("detail").path("correlationId").asText());
        assertEquals("created", events.get(0).path("detail").path("result").asText());
        assertEquals(1, events.get(1).path("detail").path("version").asInt());
        assertEquals("DatamartEventBus", events.get(1).path("bus").asText());
    }

    @Test
    void runsTheMixedBatchLocallyAsValidInvalidAndAlreadyDone(@TempDir Path dataDir) throws IOException {
        // Its third message fails transiently only where the tests inject a DynamoDB fault.
        Run run = invokeOn(dataDir, "ProvisionDatamartsFunction", "events/provision/sqs-mixed-batch.json");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of(), SqsEventRecords.failedIds(run.response()));
        assertEquals(List.of("created", "", "unchanged"), busEvents(run).stream()
                .filter(event -> event.path("source").asText().equals("datamart.provisioning"))
                .map(event -> event.path("detail").path("result").asText()).toList());
        assertEquals("INVALID_REQUEST_BODY",
                busEvents(run).get(1).path("detail").path("error").path("code").asText());
    }

    @Test
    void redeliversAMessageTheFunctionListsAsFailedUntilItsTriesAreUsedThenItIsDeadLetteredAndParked(
            @TempDir Path dataDir) throws Exception {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        try (LocalEnvironment environment = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(),
                dataDir, new PrintStream(logs, true, StandardCharsets.UTF_8))) {
            // No outcome can be told: the bus is gone, so every PutEvents of the provisioning function fails.
            environment.aws().eventBridge().deleteEventBus(r -> r.name("DatamartEventBus"));
            environment.function("ForwardProvisioningEventsFunction")
                    .invoke(Files.readAllBytes(ProjectFiles.events().resolve("forward/eventbridge-create.json")));

            environment.deliverPendingEvents();

            List<String> deliveries = logs.toString(StandardCharsets.UTF_8).lines()
                    .filter(line -> line.startsWith("{\"localQueue\"") && line.contains("\"delivered\"")).toList();
            int maxTries = Integer.parseInt(environment.template().variable(
                    io.datamart.provisioning.ProvisioningPipeline.MAX_TRIES_VARIABLE).orElseThrow());
            assertEquals(maxTries, deliveries.size(), String.join("\n", deliveries));
            assertTrue(deliveries.get(deliveries.size() - 1).contains("\"batchItemFailures\":[]"),
                    "the last delivery moved it to the dead-letter queue itself: " + deliveries);
            String deadLetterQueue = environment.aws().queueUrl("ProvisioningDeadLetterQueue.fifo");
            List<Message> deadLettered = environment.aws().sqs().receiveMessage(r -> r.queueUrl(deadLetterQueue)
                    .maxNumberOfMessages(10)).messages();
            assertEquals(1, deadLettered.size(), "the queue moved it to its dead-letter queue: " + deadLettered);
            assertEquals("signup-2026-11-22-0002", Json.MAPPER.readTree(deadLettered.get(0).body())
                    .path("detail").path("correlationId").asText());
            String created = environment.aws().dynamoDb().getItem(r -> r.tableName("DatamartsTable")
                    .key(java.util.Map.of("organizationId", AttributeValue.fromS("demo"),
                            "name", AttributeValue.fromS("sales-analytics")))).item().get("version").n();
            assertEquals("1", created, "applied once, however often delivered");
            assertEquals(1, environment.aws().dynamoDb().scan(r -> r.tableName("ParkedDatamartsTable")).count(),
                    "the datamart's later requests are parked");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sampleEvents")
    void runsEverySampleEventThroughItsFunction(String function, String eventFile, @TempDir Path dataDir)
            throws IOException {
        boolean needsTheDatamart = !eventFile.startsWith("events/create/");
        if (needsTheDatamart) {
            Run created = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--data-dir", dataDir.toString(),
                    "--template", ProjectFiles.template().toString(), "--seed", ProjectFiles.seed().toString());
            assertEquals(0, created.exitCode(), created.stderr());
        }
        Run run = invoke(function, path(eventFile), "--data-dir", dataDir.toString(),
                "--template", ProjectFiles.template().toString(), "--seed", ProjectFiles.seed().toString());

        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode response = run.response();
        assertEquals(200, response.path("statusCode").asInt(), run.stdout());
        JsonNode body = Json.MAPPER.readTree(response.path("body").asText());
        if (body.has("id")) {
            assertEquals("sales-analytics", body.path("id").asText());
        } else {
            assertTrue(body.path("data").isArray() || body.path("data").path("name").asText().equals("sales-analytics"),
                    run.stdout());
        }
        assertEquals(eventFile.contains("legacy"), response.path("headers").has("Deprecation"), run.stdout());
        assertTrue(run.stderr().contains("\"requestId\""), "the function's logs go to stderr");
    }

    @Test
    void failsLikeLambdaWhenTheTemplateNamesAMissingHandler(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        String broken = Files.readString(ProjectFiles.template()).replace(
                "io.datamart.functions.create.CreateDatamartHandler::handleRequest",
                "io.datamart.functions.create.CreateDatamartHandlr::handleRequest");
        Files.writeString(template, codeUriAt(broken, ProjectFiles.root()));

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", template.toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("CreateDatamartHandlr"), run.stderr());
        assertEquals("", run.stdout());
    }

    @Test
    void failsWhenTheTemplateNamesAMissingMethod(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        String broken = Files.readString(ProjectFiles.template()).replace(
                "CreateDatamartHandler::handleRequest", "CreateDatamartHandler::handle");
        Files.writeString(template, codeUriAt(broken, ProjectFiles.root()));

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", template.toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("no public handle(InputStream, OutputStream, Context)"), run.stderr());
    }

    /** The template with every CodeUri naming the given path, for a copy kept outside the project. */
    private static String codeUriAt(String template, Path codeUri) {
        String relocated = template.replace("CodeUri: .\n", "CodeUri: " + codeUri + "\n");
        assertTrue(!relocated.equals(template), "template.yaml's functions have CodeUri: .");
        return relocated;
    }

    @Test
    void failsWhenCodeUriPointsAtNothing(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, codeUriAt(Files.readString(ProjectFiles.template()), dir.resolve("missing.jar")));

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", template.toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("CodeUri") && run.stderr().contains("does not exist"), run.stderr());
    }

    @Test
    void refusesAnUnknownFunction() {
        Run run = invoke("NoSuchFunction", path(CREATE_EVENT), "--template", ProjectFiles.template().toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("NoSuchFunction is not a function"), run.stderr());
        assertTrue(run.stderr().contains("CreateDatamartFunction"), "lists the functions there are");
    }

    @Test
    void stopsOnAMalformedSeedSayingWhereAndWhat(@TempDir Path dir) throws IOException {
        Path seed = dir.resolve("seed.json");
        Files.writeString(seed, """
                {"organizations": [{"id": "demo", "serviceTokens": ["dbn_live_seeded_token"],
                  "datasources": [{"name": "postgres-main", "tables": [{"name": "orders", "colums": []}]}]}]}""");

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", ProjectFiles.template().toString(),
                "--seed", seed.toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains(seed.toString()), run.stderr());
        assertTrue(run.stderr().contains("organizations[0].datasources[0].tables[0].colums is not a known field"),
                run.stderr());
    }

    private static String path(String relative) {
        return ProjectFiles.root().resolve(relative).toString();
    }

    private static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
