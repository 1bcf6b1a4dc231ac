package io.datamart.provisioning;

import static io.datamart.testing.SqsEvents.batch;
import static io.datamart.testing.SqsEvents.failedIds;
import static io.datamart.testing.SqsEvents.message;
import static io.datamart.testing.SqsEvents.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.events.EventPublisher;
import io.datamart.events.OutboundEvent;
import io.datamart.persistence.ParkedDatamartRepository;
import io.datamart.testing.ColdStarts;
import io.datamart.testing.Databases;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalBus;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.LocalQueue;
import io.datamart.testing.LogLines;
import io.datamart.testing.StandardOutput;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestContext;
import io.datamart.wiring.DatamartApi;
import io.datamart.wiring.DatamartProvisioning;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the provisioning pipeline does with a batch, and what it logs and counts of each
 * message: on the test AWS's tables and queues, its outcomes published through the real
 * EventBridge client to a bus no rule reads (refusals and outages injected into it).
 * How the whole function behaves is ProvisionDatamartsHandlerTest's.
 */
class ProvisioningPipelineTest {
    private static final String FUNCTION = "ProvisionDatamartsFunction";
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final String NAME = "sales-analytics";
    private static final String GROUP = ORG + "/" + NAME;

    private LocalDynamoDb db;
    private LocalBus bus;
    private FaultInjectingDynamoDbClient dynamoDb;
    private ProvisioningPipeline pipeline;
    /** The outcomes the bus took, in order. */
    private final List<OutboundEvent> published = new ArrayList<>();
    private final TestContext context = new TestContext();

    @BeforeEach
    void freshPipeline() {
        db = Databases.fresh();
        bus = LocalBus.fresh();
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
        pipeline = pipeline(Map.of());
    }

    /** The function's pipeline, its environment as the template gives it but for {@code overrides}. */
    private ProvisioningPipeline pipeline(Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>(LocalBus.environment(db, FUNCTION));
        environment.putAll(overrides);
        EventPublisher untapped = bus.untappedPublisher();
        EventPublisher recorded = events -> {
            int accepted = untapped.publish(events);
            published.addAll(events.subList(0, accepted));
            return accepted;
        };
        return DatamartProvisioning.pipeline(DatamartApi.create(dynamoDb, environment, Clock.systemUTC()), recorded);
    }

    private JsonNode run(ObjectNode... records) {
        return StreamHandlers.invoke(pipeline::handle, batch(List.of(records)), context);
    }

    private static String create(String correlationId) {
        return request("create", ORG, correlationId, Fixtures.documentedCreateBody());
    }

    /** A create the service refuses for good: its body names no datasource and no tables. */
    private static String invalidCreate(String correlationId) {
        return request("create", ORG, correlationId, Fixtures.object("{\"name\": \"" + NAME + "\"}"));
    }

    /** The log line of each message, in order. */
    private List<JsonNode> messageLines() {
        return context.logs().stream().map(LogLines::parse)
                .filter(line -> line.path("message").asText().startsWith("provisioning message ")).toList();
    }

    private JsonNode messageLine(String messageId) {
        List<JsonNode> lines = messageLines().stream()
                .filter(line -> messageId.equals(line.path("messageId").asText())).toList();
        assertEquals(1, lines.size(), () -> "one line of message " + messageId + ": " + context.logs());
        LogLines.assertLogLine(lines.get(0));
        return lines.get(0);
    }

    /** The metric lines of the messages, in order. */
    private List<JsonNode> metricLines() {
        return context.logs().stream().map(LogLines::parse)
                .filter(line -> LogLines.isMetricLine(line) && line.has(ProvisioningPipeline.MESSAGES_METRIC))
                .toList();
    }

    private JsonNode onlyMetricLine() {
        List<JsonNode> lines = metricLines();
        assertEquals(1, lines.size(), () -> "one metric line: " + context.logs());
        LogLines.assertEmbeddedMetricFormat(lines.get(0));
        return lines.get(0);
    }

    private static void assertDurationWithin(JsonNode line, double tookMs) {
        double durationMs = line.path("durationMs").asDouble(-1);
        assertTrue(durationMs >= 0 && durationMs <= tookMs,
                () -> "durationMs " + durationMs + " within the " + tookMs + " ms the batch took: " + line);
    }

    private List<String> errorCodes() {
        return published.stream().map(event -> event.detail().path("error").path("code").asText(null)).toList();
    }

    private List<String> results() {
        return published.stream().map(event -> event.detail().path("result").asText(null)).toList();
    }

    // ---------------------------------------------------------------------------------------------
    // What a message's log line and metric line say
    // ---------------------------------------------------------------------------------------------

    @Test
    void logsAnAppliedMessageAtInfoWithItsRequestAndCountsItAs2xxWithoutErrorCode() {
        long before = System.nanoTime();
        JsonNode response = run(message("m-1", GROUP, 1, create("c-1")));
        double tookMs = (System.nanoTime() - before) / 1_000_000.0;

        assertEquals(List.of(), failedIds(response));
        assertEquals(List.of("created"), results());
        JsonNode line = messageLine("m-1");
        assertEquals("INFO", line.path("level").asText());
        assertEquals("provisioning message succeeded", line.path("message").asText());
        assertEquals("succeeded", line.path("status").asText());
        assertEquals("created", line.path("result").asText());
        assertEquals("c-1", line.path("correlationId").asText());
        assertEquals("CREATE", line.path("operation").asText());
        assertEquals(ORG, line.path("organization").asText());
        assertEquals(NAME, line.path("name").asText());
        assertDurationWithin(line, tookMs);

        JsonNode metric = onlyMetricLine();
        assertEquals("CREATE", metric.path(EmbeddedMetrics.OPERATION).asText());
        assertEquals("2xx", metric.path(EmbeddedMetrics.STATUS_CLASS).asText());
        assertEquals(EmbeddedMetrics.NO_ERROR, metric.path(EmbeddedMetrics.ERROR_CODE).asText());
        assertEquals(1, metric.path(ProvisioningPipeline.MESSAGES_METRIC).asInt());
        assertEquals(line.path("durationMs").asDouble(), metric.path(ProvisioningPipeline.LATENCY_METRIC).asDouble());
        assertFalse(context.logged("WARN", "Could not set when messages"), context.logs()::toString);
    }

    @Test
    void logsARefusedMessageAsFailedAndCountsItAs4xxUnderItsErrorCode() {
        JsonNode response = run(message("m-1", GROUP, 1, "not json"));

        assertEquals(List.of(), failedIds(response), "a permanent failure is consumed");
        assertEquals(List.of(ProvisioningOutcomes.INVALID_MESSAGE), errorCodes());
        JsonNode line = messageLine("m-1");
        assertEquals("INFO", line.path("level").asText());
        assertEquals("failed", line.path("status").asText());
        assertEquals(ProvisioningOutcomes.INVALID_MESSAGE, line.path("errorCode").asText());
        JsonNode metric = onlyMetricLine();
        assertEquals(ProvisioningPipeline.UNKNOWN_OPERATION, metric.path(EmbeddedMetrics.OPERATION).asText());
        assertEquals("4xx", metric.path(EmbeddedMetrics.STATUS_CLASS).asText());
        assertEquals(ProvisioningOutcomes.INVALID_MESSAGE, metric.path(EmbeddedMetrics.ERROR_CODE).asText());
    }

    @Test
    void logsATryThatFailedAtWarnAndCountsItAs5xxRetry() {
        dynamoDb.fail(Operation.TRANSACT_WRITE_ITEMS, 1, Failures::throttled);
        long before = System.nanoTime();
        JsonNode response = run(message("m-1", GROUP, 1, create("c-1")));
        double tookMs = (System.nanoTime() - before) / 1_000_000.0;

        assertEquals(List.of("m-1"), failedIds(response));
        JsonNode line = messageLine("m-1");
        assertEquals("WARN", line.path("level").asText());
        assertEquals("retry", line.path("status").asText());
        assertDurationWithin(line, tookMs);
        JsonNode metric = onlyMetricLine();
        assertEquals("5xx", metric.path(EmbeddedMetrics.STATUS_CLASS).asText());
        assertEquals("RETRY", metric.path(EmbeddedMetrics.ERROR_CODE).asText());
    }

    @Test
    void logsAMessageNotStartedForLackOfTimeAsHeldAndCountsItAs5xxHeld() {
        context.remainingTimeMillis(ProvisioningPipeline.RESERVED_MILLIS - 1);
        long before = System.nanoTime();
        JsonNode response = run(message("m-1", GROUP, 1, create("c-1")));
        double tookMs = (System.nanoTime() - before) / 1_000_000.0;

        assertEquals(List.of("m-1"), failedIds(response));
        assertEquals(null, db.rawDatamart(ORG, NAME), "not started");
        JsonNode line = messageLine("m-1");
        assertEquals("WARN", line.path("level").asText());
        assertEquals("held", line.path("status").asText());
        assertDurationWithin(line, tookMs);
        JsonNode metric = onlyMetricLine();
        assertEquals("5xx", metric.path(EmbeddedMetrics.STATUS_CLASS).asText());
        assertEquals("HELD", metric.path(EmbeddedMetrics.ERROR_CODE).asText());
    }

    @Test
    void warnsWhenItCannotSetWhenAMessageComesAgain() {
        // A record the queue never delivered: its receipt handle is not one SQS knows.
        context.remainingTimeMillis(ProvisioningPipeline.RESERVED_MILLIS - 1);

        assertEquals(List.of("m-1"), failedIds(run(message("m-1", GROUP, 1, create("c-1")))));

        assertTrue(context.logged("WARN", "Could not set when messages [m-1] come again"), context.logs()::toString);
    }

    @Test
    void recordsAColdStartOnTheFirstInvocationOfAnExecutionEnvironment() throws Exception {
        newExecutionEnvironment();

        run();

        List<JsonNode> coldStarts = context.logs().stream().map(LogLines::parse)
                .filter(line -> LogLines.isMetricLine(line) && line.has(EmbeddedMetrics.COLD_STARTS)).toList();
        assertEquals(1, coldStarts.size(), () -> "one cold start line: " + context.logs());
        assertEquals(context.getFunctionName(), coldStarts.get(0).path(EmbeddedMetrics.FUNCTION).asText());
    }

    /** This JVM as Lambda's new execution environment: its next invocation is a cold start. */
    private static void newExecutionEnvironment() throws ReflectiveOperationException {
        ColdStarts.asInANewExecutionEnvironment();
    }

    @Test
    void runsABatchWithoutALambdaContextWithNoTimeLimit() {
        AtomicReference<JsonNode> response = new AtomicReference<>();
        List<String> printed = StandardOutput.during(() -> response.set(StreamHandlers.invoke(pipeline::handle,
                batch(List.of(message("m-1", GROUP, 1, "not json"))), null)));

        assertEquals(List.of(), failedIds(response.get()));
        assertEquals(List.of(ProvisioningOutcomes.INVALID_MESSAGE), errorCodes());
        assertTrue(printed.stream().anyMatch(line -> line.contains("provisioning message failed")), printed::toString);
    }

    // ---------------------------------------------------------------------------------------------
    // Outcomes, and the record of each request
    // ---------------------------------------------------------------------------------------------

    @Test
    void reportsACreateAlreadyInEffectAsUnchangedAndRecordsAppliedAndRefusedRequests() {
        JsonNode response = run(message("m-1", GROUP, 1, create("c-1")), message("m-2", GROUP, 1, create("c-2")),
                message("m-3", GROUP, 1, invalidCreate("c-3")));

        assertEquals(List.of(), failedIds(response));
        assertEquals(java.util.Arrays.asList("created", "unchanged", null), results());
        assertEquals(Map.of("m-2", 200, "m-3", 400), recordedStatuses(),
                "the requests that wrote nothing, recorded with their status (the create, with its change)");
    }

    /** The status recorded for each request whose answer is recorded, by message id. */
    private Map<String, Integer> recordedStatuses() {
        Map<String, Integer> statuses = new HashMap<>();
        for (Map<String, AttributeValue> item : db.client().scan(r -> r.tableName(db.idempotencyKeysTable())
                .consistentRead(true)).items()) {
            if (item.containsKey("status") && !item.get("answer").s().contains("\"result\":\"created\"")) {
                statuses.put(Fixtures.object(item.get("answer").s()).path("detail").path("messageId").asText(),
                        Integer.parseInt(item.get("status").n()));
            }
        }
        return statuses;
    }

    @Test
    void givesUpTheClaimOfARequestThatFailedUnexpectedlySoItsNextDeliveryRunsAfresh() {
        dynamoDb.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> new IllegalStateException("unexpected"));
        assertEquals(List.of("m-1"), failedIds(run(message("m-1", GROUP, 1, create("c-1")))));

        assertEquals(List.of(), failedIds(run(message("m-1", GROUP, 2, create("c-1")))),
                "not held up by its own claim");
        assertEquals(List.of("created"), results());
    }

    @Test
    void givesUpTheClaimOfARefusedRequestWhoseRecordCouldNotBeStored() {
        dynamoDb.failOn(db.idempotencyKeysTable(), Operation.UPDATE_ITEM, 1, Failures::throttled);
        assertEquals(List.of(), failedIds(run(message("m-1", GROUP, 1, invalidCreate("c-1")))));

        assertEquals(List.of(), failedIds(run(message("m-2", GROUP, 1, invalidCreate("c-1")))),
                "decided afresh, not held up by the claim");
        assertEquals(2, errorCodes().size(), errorCodes()::toString);
        assertEquals(Map.of("m-2", 400), recordedStatuses());
    }

    @Test
    void warnsWhenTheBusRefusesAnOutcomeAndTriesAgain() {
        bus.client().refuseEntries(entry -> true);

        assertEquals(List.of("m-1"), failedIds(run(message("m-1", GROUP, 1, "not json"))));

        assertTrue(context.logged("WARN", "The bus refused the outcome event"), context.logs()::toString);
    }

    @Test
    void warnsWhenPublishingAnOutcomeFailsAndTriesAgain() {
        bus.client().failCallsFrom(1);

        assertEquals(List.of("m-1"), failedIds(run(message("m-1", GROUP, 1, "not json"))));

        assertTrue(context.logged("WARN", "Publishing the outcome event failed: "), context.logs()::toString);
    }

    // ---------------------------------------------------------------------------------------------
    // Failing for good: parking, the dead-letter queue
    // ---------------------------------------------------------------------------------------------

    private int maxReceiveCount() {
        return Integer.parseInt(LocalBus.environment(db, FUNCTION).get(ProvisioningPipeline.MAX_RECEIVE_COUNT_VARIABLE));
    }

    @Test
    void parksTheDatamartOfAMessageHeldOnItsLastReceiveAndSaysSo() {
        context.remainingTimeMillis(ProvisioningPipeline.RESERVED_MILLIS - 1);

        assertEquals(List.of("m-1"), failedIds(run(message("m-1", GROUP, maxReceiveCount(), create("c-1")))));

        assertEquals(List.of(ProvisioningOutcomes.RETRIES_EXHAUSTED), errorCodes());
        String said = published.get(0).detail().path("error").path("message").asText();
        assertTrue(said.contains("parked until an operator releases them"), said);
        assertTrue(parkings().find(ORG, NAME).isPresent());
    }

    @Test
    void parksNothingForAMessageHeldOnItsLastReceiveThatNamesNoDatamart() {
        context.remainingTimeMillis(ProvisioningPipeline.RESERVED_MILLIS - 1);

        assertEquals(List.of("m-1"), failedIds(run(message("m-1", GROUP, maxReceiveCount(), "not json"))));

        assertEquals(List.of(ProvisioningOutcomes.RETRIES_EXHAUSTED), errorCodes());
        String said = published.get(0).detail().path("error").path("message").asText();
        assertFalse(said.contains("parked"), said);
        assertFalse(context.logs().stream().anyMatch(line -> line.contains("\"level\":\"ERROR\"")),
                context.logs()::toString);
    }

    @Test
    void logsAnErrorWhenTheDatamartCannotBeParked() {
        context.remainingTimeMillis(ProvisioningPipeline.RESERVED_MILLIS - 1);
        dynamoDb.failOn(db.parkedDatamartsTable(), Operation.PUT_ITEM, 1, Failures::throttled);

        assertEquals(List.of("m-1"), failedIds(run(message("m-1", GROUP, maxReceiveCount(), create("c-1")))));

        assertTrue(context.logged("ERROR", "Could not park the requests of datamart " + NAME + " of organization "
                + ORG + ": "), context.logs()::toString);
        String said = published.get(0).detail().path("error").path("message").asText();
        assertFalse(said.contains("parked"), said);
    }

    @Test
    void deadLettersARequestThatNamesNoDatamartOnceItsTriesAreUsedUp() {
        LocalQueue deadLetters = LocalQueue.of("ProvisioningDeadLetterQueue");
        pipeline = pipeline(Map.of(ProvisioningPipeline.MAX_TRIES_VARIABLE, "1"));
        bus.client().refuseEntries(entry -> true);

        String id = unique();

        assertEquals(List.of(), failedIds(run(message(id, GROUP, 1, "not json"))),
                "moved to the dead-letter queue, though nothing could be parked");

        assertEquals("dead-lettered", messageLine(id).path("status").asText());
        assertFalse(context.logs().stream().anyMatch(line -> line.contains("\"level\":\"ERROR\"")),
                context.logs()::toString);
        assertEquals(1, deadLettered(deadLetters, id));
    }

    @Test
    void movesARequestItsDatamartIsParkedBehindToTheDeadLetterQueueAndLogsIt() {
        LocalQueue deadLetters = LocalQueue.of("ProvisioningDeadLetterQueue");
        String id = unique();
        parkings().park(ORG, NAME, id, "failed for good before");

        long before = System.nanoTime();
        JsonNode response = run(message(id, GROUP, 2, create("c-1")));
        double tookMs = (System.nanoTime() - before) / 1_000_000.0;

        assertEquals(List.of(), failedIds(response));
        assertEquals(List.of(), published, "its outcome was told when it failed for good");
        JsonNode line = messageLine(id);
        assertEquals("WARN", line.path("level").asText());
        assertEquals("dead-lettered", line.path("status").asText());
        assertDurationWithin(line, tookMs);
        assertEquals("5xx", onlyMetricLine().path(EmbeddedMetrics.STATUS_CLASS).asText());
        assertEquals(1, deadLettered(deadLetters, id));
    }

    /** A message id no earlier run sent: SQS drops a FIFO message whose deduplication id it saw in the last 5 minutes. */
    private static String unique() {
        return "m-" + UUID.randomUUID();
    }

    /** How many messages with the deduplication id {@code messageId} the dead-letter queue holds (taken off it). */
    private static long deadLettered(LocalQueue deadLetters, String messageId) {
        return deadLetters.take().stream().filter(message -> messageId.equals(message.deduplicationId())).count();
    }

    private ParkedDatamartRepository parkings() {
        return new ParkedDatamartRepository(db.client(), db.parkedDatamartsTable(), Clock.systemUTC());
    }

    // ---------------------------------------------------------------------------------------------
    // Settings, and the status class of an outcome
    // ---------------------------------------------------------------------------------------------

    @Test
    void allowsOneTryAndOneReceive() {
        ProvisioningPipeline.Settings settings = new ProvisioningPipeline.Settings(1, 1, "AROAF", "AROAP");
        assertEquals(1, settings.maxReceiveCount());
        assertEquals(1, settings.maxTries());
        assertEquals(1, ProvisioningPipeline.count(Map.of("N", "1"), "N", 10));
        assertThrows(IllegalArgumentException.class, () -> new ProvisioningPipeline.Settings(0, 1, "AROAF", "AROAP"));
        assertThrows(IllegalArgumentException.class, () -> new ProvisioningPipeline.Settings(1, 0, "AROAF", "AROAP"));
    }

    @Test
    void countsARequestThatFailedForGoodAsTheServicesFaultOnlyWhenItsRetriesRanOut() {
        assertEquals("2xx", ProvisioningPipeline.statusClass("succeeded", null));
        assertEquals("4xx", ProvisioningPipeline.statusClass("failed", ProvisioningPipeline.PRODUCER_NOT_ALLOWED));
        assertEquals("5xx", ProvisioningPipeline.statusClass("failed", ProvisioningOutcomes.RETRIES_EXHAUSTED));
        assertEquals("5xx", ProvisioningPipeline.statusClass("held", null));
    }
}
