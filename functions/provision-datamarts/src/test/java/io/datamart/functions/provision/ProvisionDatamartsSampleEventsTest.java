package io.datamart.functions.provision;

import static io.datamart.testing.SqsEvents.failedIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.local.EventBusTap.BusEvent;
import io.datamart.testing.EventFiles;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** Every sample in events/provision/, through the real handler. */
class ProvisionDatamartsSampleEventsTest {
    @RegisterExtension
    static final FunctionUnderTest<ProvisionDatamartsHandler> function = FunctionUnderTest.of(
            ProvisionDatamartsHandlerTest.FUNCTION, f -> new ProvisionDatamartsHandler(f.provisioning()));

    static Stream<Path> samples() {
        return EventFiles.in("provision").stream();
    }

    private JsonNode run(Path file) {
        return StreamHandlers.invoke(function.handler()::handleRequest, EventFiles.read(file), new TestContext());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void isAnSqsFifoEventByTheOfficialModel(Path file) {
        SQSEvent event = EventLoader.loadSQSEvent(file.toString());
        assertFalse(event.getRecords().isEmpty(), file::toString);
        event.getRecords().forEach(record -> {
            assertTrue(io.datamart.provisioning.MessageGroups.isValidId(record.getAttributes().get("MessageGroupId")),
                    () -> file + ": a group id SQS accepts");
            assertNotNull(record.getAttributes().get("MessageDeduplicationId"), file::toString);
            assertTrue(record.getEventSourceArn().endsWith(".fifo"), file::toString);
        });
    }

    @ParameterizedTest
    @MethodSource("samples")
    void runsThroughTheHandlerWithOneOutcomePerMessageAndNoRetries(Path file) {
        if (file.getFileName().toString().matches("sqs-(update|delete)\\.json")) {
            StoredDatamarts.seedDocumented(function.db());
        }
        JsonNode response = run(file);
        assertEquals(List.of(), failedIds(response), file::toString);
        int messages = EventLoader.loadSQSEvent(file.toString()).getRecords().size();
        assertEquals(messages, function.bus().events().size(), file::toString);
        // Only the mixed batch holds a request that cannot succeed.
        long failed = function.bus().events().stream()
                .filter(event -> event.detailType().equals("Datamart Provisioning Failed")).count();
        assertEquals(file.getFileName().toString().equals("sqs-mixed-batch.json") ? 1 : 0, failed,
                () -> file + ": " + function.bus().events());
    }

    @Test
    void theMixedBatchHasAValidAnInvalidAndATransientlyFailingMessage() {
        // The delete's datamart exists, so the delete reaches its write (one of a datamart not
        // there writes nothing). The valid create's transaction is the first; the delete's,
        // throttled, the second.
        StoredDatamarts.seed(function.db(), Fixtures.DEMO_ORG, Fixtures.createBody("legacy-kpis"));
        function.dynamoDb().afterCall(Operation.TRANSACT_WRITE_ITEMS, 1, () -> function.dynamoDb().fail(
                Operation.TRANSACT_WRITE_ITEMS, 1,
                () -> ProvisionedThroughputExceededException.builder().message("Rate exceeded").build()));
        JsonNode response = run(EventFiles.in("provision").stream()
                .filter(f -> f.getFileName().toString().equals("sqs-mixed-batch.json")).findFirst().orElseThrow());

        assertEquals(List.of("b2000000-0000-4000-8000-000000000003"), failedIds(response));
        assertNotNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "sales-analytics"));
        assertEquals(List.of("Datamart Provisioning Succeeded", "Datamart Provisioning Failed"),
                function.bus().events().stream().map(BusEvent::detailType).toList());
        assertEquals("mixed-invalid", function.bus().events().get(1).detail().path("correlationId").asText());
    }

    @Test
    void theOrderedBatchEndsWithTheLastRequestOfEachDatamart() {
        run(EventFiles.in("provision").stream()
                .filter(f -> f.getFileName().toString().equals("sqs-ordered-batch.json")).findFirst().orElseThrow());
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "sales-analytics"), "created, updated, deleted");
        assertNotNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "churn-forecast"));
        assertEquals(List.of("created", "created", "updated", "deleted"),
                function.bus().events().stream().map(event -> event.detail().path("result").asText()).toList());
    }
}
