package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.testing.ColdStarts;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalQueue;
import io.datamart.testing.LogLines;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestAws;
import io.datamart.testing.TestContext;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the forwarding function logs of an event it puts on the provisioning queue, with the
 * real SQS client and the test AWS's queue. What reaches the queue is
 * ForwardProvisioningEventsHandlerTest's.
 */
class ProvisioningForwarderTest {
    private final LocalQueue queue = LocalQueue.of("ProvisioningQueue").fresh();
    private final ProvisioningForwarder forwarder = new ProvisioningForwarder(TestAws.instance().sqs(), queue.url());
    private final TestContext context = new TestContext();

    /** A create request put on the bus, with an id no earlier run used (the queue drops a repeated one). */
    private static ObjectNode createEvent(String eventId) {
        return Fixtures.object("""
                {"version": "0", "id": "%s", "detail-type": "Create Datamart",
                 "source": "datamart.producer.tenants", "account": "123456789012",
                 "time": "2026-11-30T10:00:00Z", "region": "us-east-1", "resources": [],
                 "detail": {"organizationId": "demo", "correlationId": "c-1",
                   "body": {"name": "sales", "datasourceName": "postgres-main", "tableList": []}}}"""
                .formatted(eventId));
    }

    @Test
    void logsWhatItForwardedWithTheRequestsOperationAndIds() {
        String eventId = UUID.randomUUID().toString();

        JsonNode result = StreamHandlers.invoke(forwarder::handle, createEvent(eventId), context);

        List<JsonNode> lines = context.logs().stream().map(LogLines::parse)
                .filter(line -> line.path("message").asText().equals("forwarded a provisioning request to the queue"))
                .toList();
        assertEquals(1, lines.size(), () -> "one line: " + context.logs());
        JsonNode line = lines.get(0);
        LogLines.assertLogLine(line);
        assertEquals("INFO", line.path("level").asText());
        assertEquals("CREATE", line.path("operation").asText());
        assertEquals("demo", line.path("organization").asText());
        assertEquals(eventId, line.path("eventId").asText());
        assertEquals("Create Datamart", line.path("detailType").asText());
        assertEquals("c-1", line.path("correlationId").asText());
        assertEquals("demo/sales", line.path("messageGroupId").asText());
        assertEquals(result.path("messageId").asText(), line.path("messageId").asText());
        assertEquals(1, queue.take().size());
    }

    @Test
    void recordsAColdStartOnTheFirstInvocationOfAnExecutionEnvironment() throws Exception {
        ColdStarts.asInANewExecutionEnvironment();

        StreamHandlers.invoke(forwarder::handle, createEvent(UUID.randomUUID().toString()), context);

        List<JsonNode> coldStarts = context.logs().stream().map(LogLines::parse)
                .filter(line -> LogLines.isMetricLine(line) && line.has(EmbeddedMetrics.COLD_STARTS)).toList();
        assertEquals(1, coldStarts.size(), () -> "one cold start line: " + context.logs());
        assertEquals(context.getFunctionName(), coldStarts.get(0).path(EmbeddedMetrics.FUNCTION).asText());
    }
}
