package io.datamart.functions.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.EventFiles;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.LocalQueue;
import io.datamart.testing.LocalQueue.QueuedMessage;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** The forwarding function, with the real SQS client, against the provisioning FIFO queue on the test AWS. */
class ForwardProvisioningEventsHandlerTest {
    @RegisterExtension
    static final FunctionUnderTest<ForwardProvisioningEventsHandler> function = FunctionUnderTest.of(
            "ForwardProvisioningEventsFunction", f -> new ForwardProvisioningEventsHandler(f.environment()));

    private final LocalQueue queue = LocalQueue.of("ProvisioningQueue");

    @BeforeEach
    void emptyQueue() {
        queue.fresh();
    }

    static Stream<Path> samples() {
        return EventFiles.in("forward").stream();
    }

    private JsonNode run(JsonNode event) {
        return StreamHandlers.invoke(function.handler()::handleRequest, event, new TestContext());
    }

    /** A sample with a fresh event id, so SQS-style deduplication across tests does not hide it. */
    private static ObjectNode fresh(Path file) {
        ObjectNode event = Fixtures.object(EventFiles.read(file));
        event.put("id", UUID.randomUUID().toString());
        return event;
    }

    private QueuedMessage only() {
        List<QueuedMessage> messages = queue.take();
        assertEquals(1, messages.size(), () -> "messages: " + messages);
        return messages.get(0);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void eachSampleIsAnEventBridgeEventByTheOfficialModel(Path file) {
        ScheduledEvent event = EventLoader.loadScheduledEvent(file.toString());
        assertTrue(List.of("Create Datamart", "Update Datamart", "Delete Datamart").contains(event.getDetailType()));
        assertEquals("demo", event.getDetail().get("organizationId"));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void forwardsTheEventUnchangedToTheQueueInItsDatamartsGroup(Path file) {
        ObjectNode event = fresh(file);
        JsonNode response = run(event);

        QueuedMessage message = only(); // read from the queue template.yaml's Ref names
        String queueUrl = function.environment().get("PROVISIONING_QUEUE_URL");
        assertTrue(queueUrl.endsWith("/ProvisioningQueue.fifo"), queueUrl);
        assertEquals(event, Fixtures.object(message.body()));
        assertEquals("demo/sales-analytics", message.groupId());
        assertEquals(event.get("id").asText(), message.deduplicationId());
        assertEquals(message.messageId(), response.path("messageId").asText());
        assertEquals("demo/sales-analytics", response.path("messageGroupId").asText());
    }

    @Test
    void aRedeliveredEventBecomesOneMessage() {
        ObjectNode event = fresh(EventFiles.in("forward").get(0));
        JsonNode first = run(event);
        JsonNode second = run(event);
        // SQS answers a deduplicated send with the first message's id, moto with a new one
        // (docs/operating.md: where moto differs), so what counts is what the queue holds.
        List<QueuedMessage> queued = queue.take();
        assertEquals(1, queued.size(), queued::toString);
        assertEquals(first.path("messageId").asText(), queued.get(0).messageId());
        assertEquals(event.get("id").asText(), second.path("messageDeduplicationId").asText());
    }

    @Test
    void groupsADatamartWhoseNameSqsWouldRefuseUnderAStableHash() {
        ObjectNode event = fresh(EventFiles.in("forward").get(0));
        ((ObjectNode) event.path("detail").path("body")).put("name", "ventes été");
        run(event);
        event.put("id", UUID.randomUUID().toString());
        run(event);
        List<QueuedMessage> messages = queue.take();
        assertTrue(messages.get(0).groupId().matches("sha256:[0-9a-f]{64}"), messages.get(0).groupId());
        assertEquals(messages.get(0).groupId(), messages.get(1).groupId());
    }

    @Test
    void forwardsAnEventThatNamesNoDatamartSoItsFailureIsReportedDownstream() {
        ObjectNode event = fresh(EventFiles.in("forward").get(0));
        ((ObjectNode) event.path("detail")).remove("organizationId");
        run(event);
        assertEquals("unidentified", only().groupId());
    }

    @Test
    void throwsWhenTheQueueCannotBeReachedSoLambdaRetries() {
        queue.delete(); // the emulator's own failure: SendMessage to a queue that is gone
        try {
            assertThrows(QueueDoesNotExistException.class, () -> run(fresh(EventFiles.in("forward").get(0))));
        } finally {
            queue.fresh(); // made again for the tests after this one
        }
    }

    @Test
    void refusesAnEventThatIsNotFromEventBridge() {
        assertThrows(IllegalArgumentException.class, () -> run(Fixtures.object("{\"Records\": []}")));
    }
}
