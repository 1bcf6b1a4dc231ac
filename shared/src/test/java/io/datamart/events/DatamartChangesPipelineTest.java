package io.datamart.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.testing.ColdStarts;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalBus;
import io.datamart.testing.LogLines;
import io.datamart.testing.SqsEvents;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestContext;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the change-publishing pipeline logs of a batch of stream records, published through
 * the real EventBridge client to a bus of the test AWS (refusals and outages injected into
 * it). What reaches the template's bus is PublishDatamartChangesHandlerTest's.
 */
class DatamartChangesPipelineTest {
    private LocalBus bus;
    private DatamartChangesPipeline pipeline;
    private final TestContext context = new TestContext();

    @BeforeEach
    void freshBus() {
        bus = LocalBus.fresh();
        pipeline = new DatamartChangesPipeline(bus.untappedPublisher());
    }

    /** A stream record of a datamart's creation, {@code sequenceNumber} its place in the shard. */
    private static ObjectNode created(String sequenceNumber) {
        return Fixtures.object("""
                {"eventID": "e%1$s", "eventName": "INSERT", "eventSource": "aws:dynamodb", "dynamodb": {
                  "ApproximateCreationDateTime": 1795330800,
                  "Keys": {"organizationId": {"S": "demo"}, "name": {"S": "sales-%1$s"}},
                  "NewImage": {"organizationId": {"S": "demo"}, "name": {"S": "sales-%1$s"},
                    "datasourceName": {"S": "postgres-main"}, "createdAt": {"S": "2026-11-22T05:00:00Z"},
                    "updatedAt": {"S": "2026-11-22T05:00:00Z"}, "version": {"N": "1"}},
                  "SequenceNumber": "%1$s", "StreamViewType": "NEW_AND_OLD_IMAGES"}}""".formatted(sequenceNumber));
    }

    /** The batch's response (its batchItemFailures' identifiers), the batch run in {@link #context}. */
    private List<String> handle(JsonNode... records) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode list = event.putArray("Records");
        for (JsonNode record : records) {
            list.add(record);
        }
        return SqsEvents.failedIds(StreamHandlers.invoke(pipeline::handle, event, context));
    }

    /** The one line that sums the batch up. */
    private JsonNode summary() {
        List<JsonNode> lines = context.logs().stream().map(LogLines::parse)
                .filter(line -> line.path("message").asText().startsWith("published ")).toList();
        assertEquals(1, lines.size(), () -> "one summary line: " + context.logs());
        LogLines.assertLogLine(lines.get(0));
        return lines.get(0);
    }

    @Test
    void sumsUpABatchPublishedWholeInOneInfoLine() {
        assertEquals(List.of(), handle(created("101"), created("102")));

        JsonNode line = summary();
        assertEquals("INFO", line.path("level").asText());
        assertEquals("published 2 of 2 datamart changes", line.path("message").asText());
        assertEquals(2, line.path("records").asInt());
        assertEquals(2, line.path("published").asInt());
        assertTrue(line.has("retryFrom") && line.path("retryFrom").isNull(), line::toString);
        assertEquals(context.getAwsRequestId(), line.path("requestId").asText());
    }

    @Test
    void sumsUpABatchTheBusRefusedPartOfInAWarnLineNamingTheRecordToRetryFrom() {
        bus.client().refuseEntries(entry -> entry.detail().contains("sales-102"));

        assertEquals(List.of("102"), handle(created("101"), created("102"), created("103")));

        JsonNode line = summary();
        assertEquals("WARN", line.path("level").asText());
        assertEquals(3, line.path("records").asInt());
        assertEquals(1, line.path("published").asInt());
        assertEquals("102", line.path("retryFrom").asText());
    }

    @Test
    void logsTheBatchsDurationAsNoMoreThanTheTimeTheCallTook() {
        long before = System.nanoTime();
        handle(created("101"));
        double tookMs = (System.nanoTime() - before) / 1_000_000.0;

        double durationMs = summary().path("durationMs").asDouble(-1);
        assertTrue(durationMs >= 0 && durationMs <= tookMs,
                () -> "durationMs " + durationMs + " within the " + tookMs + " ms the call took");
    }

    @Test
    void logsAnErrorNamingTheRecordThatIsNotADatamartChange() {
        ObjectNode truncate = created("102").put("eventName", "TRUNCATE");

        assertEquals(List.of("102"), handle(created("101"), truncate));

        assertTrue(context.logged("ERROR", "Stream record 102 is not a datamart change"), context.logs()::toString);
        assertEquals(1, summary().path("published").asInt(), "the record before it published");
    }

    @Test
    void logsAWarningWhenTheBusItselfFails() {
        bus.client().failCallsFrom(1);

        assertEquals(List.of("101"), handle(created("101"), created("102")));

        assertTrue(context.logged("WARN", "Publishing change events failed, to be retried: "),
                context.logs()::toString);
        assertEquals(0, summary().path("published").asInt());
    }

    @Test
    void recordsAColdStartOnTheFirstInvocationOfAnExecutionEnvironmentOnly() throws Exception {
        newExecutionEnvironment();

        handle(created("101"));
        TestContext second = new TestContext();
        StreamHandlers.invoke(pipeline::handle, Fixtures.object("{\"Records\": []}"), second);

        List<JsonNode> coldStarts = coldStartLines(context);
        assertEquals(1, coldStarts.size(), () -> "one cold start line: " + context.logs());
        LogLines.assertEmbeddedMetricFormat(coldStarts.get(0));
        assertEquals(context.getFunctionName(), coldStarts.get(0).path(EmbeddedMetrics.FUNCTION).asText());
        assertEquals(1, coldStarts.get(0).path(EmbeddedMetrics.COLD_STARTS).asInt());
        assertEquals(List.of(), coldStartLines(second), "the next invocation is warm");
    }

    private static List<JsonNode> coldStartLines(TestContext invocation) {
        return invocation.logs().stream().map(LogLines::parse)
                .filter(line -> LogLines.isMetricLine(line) && line.has(EmbeddedMetrics.COLD_STARTS)).toList();
    }

    /**
     * This JVM as Lambda's new execution environment (or one just restored by SnapStart):
     * its next invocation is a cold start, whichever test invoked a function before.
     */
    private static void newExecutionEnvironment() throws ReflectiveOperationException {
        ColdStarts.asInANewExecutionEnvironment();
    }
}
