package io.datamart.functions.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.local.LocalMessaging;
import io.datamart.local.LocalMessaging.SentMessage;
import io.datamart.testing.Databases;
import io.datamart.testing.EventFiles;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalBus;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The forwarding function, with the real SQS client, against the loopback queue. */
class ForwardProvisioningEventsHandlerTest {
    private LocalMessaging queue;
    private ForwardProvisioningEventsHandler handler;
    private Map<String, String> environment;

    @BeforeEach
    void freshState() {
        queue = LocalBus.fresh();
        environment = LocalBus.environment(Databases.fresh(), "ForwardProvisioningEventsFunction");
        handler = new ForwardProvisioningEventsHandler(environment);
    }

    static Stream<Path> samples() {
        return EventFiles.in("forward").stream();
    }

    private JsonNode run(JsonNode event) {
        return StreamHandlers.invoke(handler::handleRequest, event, new TestContext());
    }

    /** A sample with a fresh event id, so SQS-style deduplication across tests does not hide it. */
    private static ObjectNode fresh(Path file) {
        ObjectNode event = Fixtures.object(EventFiles.read(file));
        event.put("id", UUID.randomUUID().toString());
        return event;
    }

    private SentMessage only() {
        List<SentMessage> messages = queue.messages();
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

        SentMessage message = only();
        assertEquals(environment.get("PROVISIONING_QUEUE_URL"), message.queueUrl());
        assertTrue(message.queueUrl().endsWith("/ProvisioningQueue"), message.queueUrl());
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
        assertEquals(1, queue.messages().size());
        assertEquals(first.path("messageId"), second.path("messageId"));
    }

    @Test
    void groupsADatamartWhoseNameSqsWouldRefuseUnderAStableHash() {
        ObjectNode event = fresh(EventFiles.in("forward").get(0));
        ((ObjectNode) event.path("detail").path("body")).put("name", "ventes été");
        run(event);
        event.put("id", UUID.randomUUID().toString());
        run(event);
        List<SentMessage> messages = queue.messages();
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
        queue.failSendMessage(true);
        assertThrows(RuntimeException.class, () -> run(fresh(EventFiles.in("forward").get(0))));
        assertEquals(List.of(), queue.messages());
    }

    @Test
    void refusesAnEventThatIsNotFromEventBridge() {
        assertThrows(IllegalArgumentException.class, () -> run(Fixtures.object("{\"Records\": []}")));
    }
}
