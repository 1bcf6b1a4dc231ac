package io.datamart.functions.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Operation;
import io.datamart.local.DynamoDbStreamEvents;
import io.datamart.local.EventBusTap.BusEvent;
import io.datamart.testing.ApiCall;
import io.datamart.testing.EventFiles;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.LocalBus;
import io.datamart.testing.SqsEvents;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestContext;
import io.datamart.wiring.DatamartApi;
import io.datamart.wiring.DatamartProvisioning;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The change-publishing function on real stream records: changes made through the API's
 * handlers and the provisioning pipeline on the test AWS, read back from the table's
 * stream, delivered to the handler as Lambda delivers them; what it publishes read back
 * from the bus.
 */
class PublishDatamartChangesHandlerTest {
    static final String FUNCTION = "PublishDatamartChangesFunction";

    @RegisterExtension
    static final FunctionUnderTest<PublishDatamartChangesHandler> function = FunctionUnderTest.of(FUNCTION,
            f -> new PublishDatamartChangesHandler(f.bus().publisher()));
    private final String name = "changes-" + UUID.randomUUID();
    private DynamoDbStreamEvents stream;

    @BeforeEach
    void readTheFreshTablesStream() {
        stream = function.db().datamartsStream();
    }

    private JsonNode run(JsonNode event) {
        return StreamHandlers.invoke(function.handler()::handleRequest, event, new TestContext());
    }

    /** This test's records (its datamart's), in stream order. */
    private List<JsonNode> records() {
        return stream.poll().stream()
                .filter(record -> record.path("dynamodb").path("Keys").path("name").path("S").asText().equals(name))
                .toList();
    }

    private ApiCall api(String method) {
        return ApiCall.httpApi(method, "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN);
    }

    private static RequestStreamHandler http(DatamartApi api, Operation operation) {
        return api.handler(operation)::handle;
    }

    private static List<String> failedIds(JsonNode response) {
        return SqsEvents.failedIds(response);
    }

    private static String sequenceNumber(JsonNode record) {
        return record.path("dynamodb").path("SequenceNumber").asText();
    }

    /** Three changes of this test's datamart, as stream records. */
    private List<JsonNode> threeChanges() {
        DatamartApi api = Fixtures.api(function.db());
        api("POST").json(Fixtures.createBody(name).toString()).invoke(http(api, Operation.CREATE));
        api("PUT").json("{\"datamartName\": \"" + name + "\", \"relationships\": []}")
                .invoke(http(api, Operation.UPDATE));
        ApiCall.httpApi("DELETE", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN)
                .query("datamartName", name).invoke(http(api, Operation.DELETE));
        List<JsonNode> records = records();
        assertEquals(3, records.size());
        return records;
    }

    @Test
    void givesEachPutEventsWhatIsLeftOfTheInvocation() {
        List<JsonNode> records = threeChanges();

        JsonNode response = StreamHandlers.invoke(function.handler()::handleRequest, DynamoDbStreamEvents.event(records),
                new TestContext().remainingTimeMillis(4_000));

        assertEquals(List.of(), failedIds(response));
        List<java.time.Duration> timeouts = function.bus().client().callTimeouts();
        assertEquals(1, timeouts.size());
        assertTrue(timeouts.get(0).compareTo(java.time.Duration.ofSeconds(3)) <= 0,
                () -> "1 s kept for the response: " + timeouts);
    }

    @Test
    void publishesNothingAndRetriesFromTheFirstRecordWhenNoTimeIsLeft() {
        List<JsonNode> records = threeChanges();

        JsonNode response = StreamHandlers.invoke(function.handler()::handleRequest, DynamoDbStreamEvents.event(records),
                new TestContext().remainingTimeMillis(1_100));

        assertEquals(List.of(sequenceNumber(records.get(0))), failedIds(response));
        assertEquals(0, function.bus().client().calls(), "no PutEvents started that could not finish");
        assertEquals(List.of(), function.bus().events());
    }

    @Test
    void publishesEveryChangeMadeOverHttpAndFromMessagesInOrderWithItsVersion() {
        DatamartApi api = Fixtures.api(function.db());
        DatamartApi provisioning = DatamartApi.create(function.db().client(),
                LocalBus.environment(function.db(), "ProvisionDatamartsFunction"), Clock.systemUTC());
        assertEquals(200, api("POST").json(Fixtures.createBody(name).toString())
                .invoke(http(api, Operation.CREATE)).status());
        assertEquals(200, api("PUT").json("{\"datamartName\": \"" + name + "\", \"relationships\": []}")
                .invoke(http(api, Operation.UPDATE)).status());
        ObjectNode update = Fixtures.object("{\"datamartName\": \"" + name + "\"}");
        update.set("tableList", Fixtures.documentedCreateBody().get("tableList").deepCopy());
        ((com.fasterxml.jackson.databind.node.ArrayNode) update.path("tableList").get(0).path("columns")).remove(2);
        JsonNode sqs = SqsEvents.batch(List.of(
                SqsEvents.message("m-1", "demo/" + name, 1, SqsEvents.request("update", "demo", "c-1", update)),
                SqsEvents.message("m-2", "demo/" + name, 1, SqsEvents.request("delete", "demo", "c-2",
                        Fixtures.object("{\"datamartName\": \"" + name + "\"}")))));
        assertEquals(List.of(), SqsEvents.failedIds(
                StreamHandlers.invoke(DatamartProvisioning.pipeline(provisioning)::handle, sqs, new TestContext())));
        assertEquals(List.of("updated", "deleted"), function.bus().events().stream()
                .map(event -> event.detail().path("result").asText()).toList());
        LocalBus.fresh(); // the provisioning outcomes are not what this test is about

        List<JsonNode> records = records();
        assertEquals(List.of("INSERT", "MODIFY", "MODIFY", "REMOVE"),
                records.stream().map(record -> record.path("eventName").asText()).toList());
        JsonNode response = run(DynamoDbStreamEvents.event(records));

        assertEquals(List.of(), failedIds(response));
        List<BusEvent> events = function.bus().events();
        assertEquals(List.of("Datamart Created", "Datamart Updated", "Datamart Updated", "Datamart Deleted"),
                events.stream().map(BusEvent::detailType).toList());
        assertEquals(List.of(1L, 2L, 3L, 3L), events.stream().map(e -> e.detail().path("version").asLong()).toList());
        for (BusEvent event : events) { // read back from the template's bus
            assertEquals("datamart.changes", event.source());
            assertEquals("demo", event.detail().path("organizationId").asText());
            assertEquals(name, event.detail().path("name").asText());
            assertEquals("postgres-main", event.detail().path("datasourceName").asText());
        }
    }

    @Test
    void aRedeliveredUpdateLeavesNoRecordSoNoSecondEvent() {
        DatamartApi provisioning = DatamartApi.create(function.db().client(),
                LocalBus.environment(function.db(), "ProvisionDatamartsFunction"), Clock.systemUTC());
        ObjectNode create = Fixtures.createBody(name);
        String update = SqsEvents.request("update", "demo", "c-update", Fixtures.object(
                "{\"datamartName\": \"" + name + "\", \"relationships\": []}"));
        for (int delivery = 1; delivery <= 2; delivery++) {
            JsonNode sqs = SqsEvents.batch(List.of(
                    SqsEvents.message("m-1", "demo/" + name, delivery, SqsEvents.request("create", "demo", "c-create",
                            create)),
                    SqsEvents.message("m-2", "demo/" + name, delivery, update)));
            StreamHandlers.invoke(DatamartProvisioning.pipeline(provisioning)::handle, sqs, new TestContext());
        }
        assertEquals(List.of("INSERT", "MODIFY"),
                records().stream().map(record -> record.path("eventName").asText()).toList());
    }

    @Test
    void reportsTheFirstRecordItCouldNotPublishSoLambdaRetriesFromThere() {
        DatamartApi api = Fixtures.api(function.db());
        api("POST").json(Fixtures.createBody(name).toString()).invoke(http(api, Operation.CREATE));
        api("PUT").json("{\"datamartName\": \"" + name + "\", \"relationships\": []}")
                .invoke(http(api, Operation.UPDATE));
        List<JsonNode> records = records();

        function.bus().client().refuseEntries(entry -> true);
        assertEquals(List.of(sequenceNumber(records.get(0))), failedIds(run(DynamoDbStreamEvents.event(records))));
        function.bus().client().failCallsFrom(1);
        assertEquals(List.of(sequenceNumber(records.get(0))), failedIds(run(DynamoDbStreamEvents.event(records))));
        assertEquals(List.of(), function.bus().events());
    }

    @Test
    void doesNotPublishAgainTheRecordsBeforeTheFailedOne() {
        List<JsonNode> records = new ArrayList<>();
        JsonNode created = Fixtures.object(EventFiles.read(sample("stream-created.json"))).path("Records").get(0);
        for (int i = 0; i < 14; i++) {
            ObjectNode record = created.deepCopy();
            ((ObjectNode) record.path("dynamodb")).put("SequenceNumber", String.valueOf(500 + i));
            records.add(record);
        }
        function.bus().client().failCallsFrom(2); // after the first PutEvents call, of 10 events

        JsonNode response = run(DynamoDbStreamEvents.event(records));

        assertEquals(List.of("510"), failedIds(response));
        assertEquals(10, function.bus().events().size());
    }

    @Test
    void retriesFromTheOneRecordTheBusRefusedInTheMiddleOfACall() {
        JsonNode batch = Fixtures.object(EventFiles.read(sample("stream-batch.json")));
        function.bus().client().refuseEntries(entry -> entry.detailType().equals("Datamart Updated"));
        JsonNode response = run(batch);
        assertEquals(List.of(sequenceNumber(batch.path("Records").get(1))), failedIds(response),
                "Lambda retries from the refused record: it and the deletion after it are published again");
    }

    @Test
    void stopsAtARecordThatIsNotADatamartChangeAfterPublishingTheOnesBefore() {
        JsonNode batch = Fixtures.object(EventFiles.read(sample("stream-batch.json")));
        ((ObjectNode) batch.path("Records").get(1)).put("eventName", "TRUNCATE");
        JsonNode response = run(batch);
        assertEquals(List.of(sequenceNumber(batch.path("Records").get(1))), failedIds(response));
        assertEquals(List.of("Datamart Created"), function.bus().events().stream().map(BusEvent::detailType).toList());
    }

    @Test
    void publishesToTheBusItsEnvironmentNamesWhenBuiltAsLambdaBuildsIt() {
        PublishDatamartChangesHandler fromEnvironment = new PublishDatamartChangesHandler(function.environment());
        JsonNode response = StreamHandlers.invoke(fromEnvironment::handleRequest,
                Fixtures.object(EventFiles.read(sample("stream-created.json"))), new TestContext());
        assertEquals(List.of(), failedIds(response));
        assertEquals(List.of("Datamart Created"), function.bus().events().stream().map(BusEvent::detailType).toList());
    }

    @Test
    void answersAnEmptyBatchWithNoFailures() {
        assertEquals(List.of(), failedIds(run(Fixtures.object("{\"Records\": []}"))));
        assertEquals(List.of(), function.bus().events());
    }

    @Test
    void refusesAnEventThatIsNotAStreamBatch() {
        assertThrows(IllegalArgumentException.class, () -> run(Fixtures.object("{\"detail-type\": \"x\"}")));
    }

    static Stream<Path> samples() {
        return EventFiles.in("changes").stream();
    }

    private static Path sample(String file) {
        return EventFiles.in("changes").stream().filter(f -> f.getFileName().toString().equals(file))
                .findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void eachSampleIsAStreamEventByTheOfficialModelAndPublishesOneEventPerRecord(Path file) {
        DynamodbEvent model = EventLoader.loadDynamoDbEvent(file.toString());
        JsonNode response = run(Fixtures.object(EventFiles.read(file)));
        assertEquals(List.of(), failedIds(response));
        assertEquals(model.getRecords().size(), function.bus().events().size());
        for (int i = 0; i < model.getRecords().size(); i++) {
            String expected = switch (model.getRecords().get(i).getEventName()) {
                case "INSERT" -> "Datamart Created";
                case "MODIFY" -> "Datamart Updated";
                default -> "Datamart Deleted";
            };
            assertEquals(expected, function.bus().events().get(i).detailType(), file::toString);
        }
    }
}
