package io.datamart.functions.provision;

import static io.datamart.testing.SqsEvents.batch;
import static io.datamart.testing.SqsEvents.failedIds;
import static io.datamart.testing.SqsEvents.message;
import static io.datamart.testing.SqsEvents.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.DatamartVersion;
import io.datamart.local.EventBusTap.BusEvent;
import io.datamart.local.SqsEventRecords;
import io.datamart.persistence.DatamartVersionRepository;
import io.datamart.persistence.ParkedDatamartRepository;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.provisioning.MessageGroups;
import io.datamart.provisioning.ProvisioningPipeline;
import io.datamart.service.DatamartService;
import io.datamart.testing.BrokenParts;
import io.datamart.testing.ClientTerms;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.LocalBus;
import io.datamart.testing.LocalQueue;
import io.datamart.testing.StoredDatamarts;
import io.datamart.testing.StreamHandlers;
import io.datamart.testing.TestAws;
import io.datamart.testing.TestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The provisioning function, through its real handler, on the test AWS's tables and bus. */
class ProvisionDatamartsHandlerTest {
    static final String FUNCTION = "ProvisionDatamartsFunction";
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final String NAME = "sales-analytics";

    @RegisterExtension
    static final FunctionUnderTest<ProvisionDatamartsHandler> function = FunctionUnderTest.of(FUNCTION,
            f -> new ProvisionDatamartsHandler(f.provisioning()));
    private final TestContext context = new TestContext();

    private JsonNode run(ObjectNode event) {
        return StreamHandlers.invoke(function.handler()::handleRequest, event, context);
    }

    private JsonNode runOne(String id, String body) {
        return run(batch(List.of(message(id, ORG + "/" + NAME, 1, body))));
    }

    private static String create(ObjectNode body) {
        return request("create", ORG, correlationOf(body), body);
    }

    /** One correlation id per distinct request, as producers send: the same body, the same id. */
    private static String correlationOf(ObjectNode body) {
        return "corr-create-" + Integer.toHexString(body.toString().hashCode());
    }

    private static ObjectNode updateBody() {
        return Fixtures.object("""
                {"datamartName": "sales-analytics", "relationships": []}""");
    }

    private static String delete(String name) {
        return request("delete", ORG, "corr-delete-" + name, Fixtures.object("{\"datamartName\": \"" + name + "\"}"));
    }

    private static ProvisionedThroughputExceededException throttled() {
        return Failures.throttled();
    }

    private static BusEvent only(List<BusEvent> events) {
        assertEquals(1, events.size(), () -> "events: " + events);
        return events.get(0);
    }

    // ---------------------------------------------------------------------------------------------
    // Each operation, and its outcome event
    // ---------------------------------------------------------------------------------------------

    @Test
    void createsTheDatamartAndPublishesWhoAskedAndWhatHappened() {
        JsonNode response = runOne("m-1", create(Fixtures.documentedCreateBody()));

        assertEquals(List.of(), failedIds(response));
        assertEquals(StoredDatamarts.accepted(Fixtures.documentedCreateBody()),
                StoredDatamarts.stored(function.db(), ORG, NAME).definition());
        BusEvent outcome = only(function.bus().events());
        assertEquals("DatamartEventBus", outcome.busName());
        assertEquals("datamart.provisioning", outcome.source());
        assertEquals("Datamart Provisioning Succeeded", outcome.detailType());
        assertEquals(Fixtures.object("""
                {"correlationId": "%s", "messageId": "m-1", "operation": "create",
                 "organizationId": "demo", "name": "sales-analytics", "result": "created"}"""
                .formatted(correlationOf(Fixtures.documentedCreateBody()))), outcome.detail());
    }

    // ---------------------------------------------------------------------------------------------
    // Producers act only for the organizations they were granted
    // ---------------------------------------------------------------------------------------------

    /** A message with this body, sent by {@code senderId}. */
    private static ObjectNode sentBy(String senderId, String body) {
        return sentBy(senderId, "p-1", body);
    }

    private static ObjectNode sentBy(String senderId, String messageId, String body) {
        ObjectNode record = message(messageId, ORG + "/" + NAME, 1, body);
        ((ObjectNode) record.path("attributes")).put("SenderId", senderId);
        return record;
    }

    /** A message the forwarding function sent: its role is the sender. */
    private ObjectNode forwarded(String messageId, String body) {
        String forwarder = function.environment().get(ProvisioningPipeline.FORWARDER_VARIABLE);
        return sentBy(forwarder + ":ForwardProvisioningEventsFunction", messageId, body);
    }

    /** The one outcome is PRODUCER_NOT_ALLOWED, the message is consumed, and nothing is stored. */
    private void assertNotAllowed(ObjectNode record, String messageFragment) {
        JsonNode response = run(batch(List.of(record)));

        assertEquals(List.of(), failedIds(response), "a permanent failure: consumed, not retried");
        JsonNode error = only(function.bus().events()).detail().path("error");
        assertEquals("PRODUCER_NOT_ALLOWED", error.path("code").asText(), error::toString);
        assertTrue(error.path("message").asText().contains(messageFragment), error::toString);
        assertNull(function.db().rawDatamart(ORG, NAME));
        assertNull(function.db().rawDatamart(Fixtures.OTHER_ORG, NAME));
    }

    @Test
    void refusesAProducerNoOneGrantedTheOrganization() {
        assertNotAllowed(sentBy("AROAUNKNOWNPRODUCER:billing", create(Fixtures.documentedCreateBody())),
                "Producer 'role:AROAUNKNOWNPRODUCER' may not act for organization 'demo'");
    }

    @Test
    void refusesAProducerActingForAnotherOrganizationThanItsOwn() {
        assertNotAllowed(sentBy("AROAEXAMPLEID:tenant-service",
                request("create", Fixtures.OTHER_ORG, "c-1", Fixtures.documentedCreateBody())),
                "may not act for organization 'acme'");
    }

    /** A bus event as the forwarder puts it on the queue, with this source. */
    private static String busEvent(String source) {
        return busEvent(source, "Create Datamart", Fixtures.documentedCreateBody());
    }

    private static String busEvent(String source, String detailType, ObjectNode body) {
        ObjectNode event = Fixtures.object("""
                {"version": "0", "id": "e-1", "account": "123456789012",
                 "time": "2026-11-30T10:00:00Z", "region": "us-east-1", "resources": [],
                 "detail": {"organizationId": "demo"}}""");
        event.put("source", source);
        event.put("detail-type", detailType);
        ((ObjectNode) event.path("detail")).set("body", body);
        return event.toString();
    }

    @Test
    void believesABusRequestOnlyWhenTheForwarderSentIt() {
        // A granted source, but written to the queue by a producer itself rather than forwarded.
        assertNotAllowed(sentBy("AROAEXAMPLEID:tenant-service", busEvent("datamart.producer.tenants")),
                "believed only from the forwarding function");
    }

    @Test
    void refusesAForwardedRequestFromASourceNoOneGrantedTheOrganization() {
        assertNotAllowed(forwarded("p-1", busEvent("datamart.producer.billing")),
                "Producer 'source:datamart.producer.billing' may not act for organization 'demo'");
    }

    @Test
    void refusesAForwardedRequestWhoseSourceIsNoProducers() {
        assertNotAllowed(forwarded("p-1", busEvent("datamart.changes")), "believed only from the forwarding function");
    }

    @Test
    void refusesAMessageWithoutASender() {
        ObjectNode record = message("p-1", ORG + "/" + NAME, 1, create(Fixtures.documentedCreateBody()));
        ((ObjectNode) record.path("attributes")).remove("SenderId");
        assertNotAllowed(record, "no sender id");
    }

    @Test
    void appliesAForwardedRequestFromAGrantedSource() {
        JsonNode response = run(batch(List.of(forwarded("p-1", busEvent("datamart.producer.tenants")))));

        assertEquals(List.of(), failedIds(response));
        assertEquals(List.of("created"), results());
        assertNotNull(function.db().rawDatamart(ORG, NAME));
    }

    /** Who the kept versions of the datamart say made each change, newest first. */
    private static List<String> versionAuthors() {
        return new DatamartVersionRepository(function.db().client(), function.db().datamartVersionsTable(), 20,
                Clock.systemUTC(), datamart -> "").list(ORG, NAME).stream().map(DatamartVersion::changedBy).toList();
    }

    @Test
    void eachVersionSaysWhichProducerMadeTheChange() {
        assertEquals(List.of(), failedIds(runOne("m-1", create(Fixtures.documentedCreateBody()))));
        assertEquals(List.of(), failedIds(run(batch(List.of(forwarded("m-2",
                busEvent("datamart.producer.tenants", "Update Datamart", updateBody())))))));

        assertEquals(List.of("created", "updated"), results());
        assertEquals(List.of("source:datamart.producer.tenants", "role:AROAEXAMPLEID"), versionAuthors());
        assertTrue(SqsEventRecords.SENDER_ID.startsWith("AROAEXAMPLEID:"), "the create's sender, in a session");
    }

    @Test
    void appliesARequestOnceTheProducerIsGranted() {
        ObjectNode record = sentBy("AROANEWPRODUCER:billing", create(Fixtures.documentedCreateBody()));
        new ProducerGrantRepository(function.db().client(), function.db().producerGrantsTable(), Clock.systemUTC())
                .grant("role:AROANEWPRODUCER", ORG);

        assertEquals(List.of(), failedIds(run(batch(List.of(record)))));
        assertEquals(List.of("created"), results());
    }

    @Test
    void deliversAgainAnUpdateThatLostToOtherChangesEveryTime() {
        StoredDatamarts.seedDocumented(function.db());
        // The update commits in one transaction with its record: its condition fails there.
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 3, () -> TransactionCanceledException.builder()
                .message("Transaction cancelled [ConditionalCheckFailed, None]")
                .cancellationReasons(CancellationReason.builder().code("ConditionalCheckFailed").build(),
                        CancellationReason.builder().code("None").build()).statusCode(400).build());

        JsonNode response = runOne("m-1", request("update", ORG, "corr-update", updateBody()));

        assertEquals(List.of("m-1"), failedIds(response), "transient: another delivery may win");
        assertEquals(List.of(), function.bus().events(), "no outcome before the last receive");
        assertEquals(1, StoredDatamarts.stored(function.db(), ORG, NAME).version());
    }

    @Test
    void deliversAgainAnUpdateWhoseDatamartIsDeletedAndCreatedAgainBeforeEveryWrite() {
        StoredDatamarts.seedDocumented(function.db());
        DatamartService other = Fixtures.api(function.db()).service();
        function.dynamoDb().beforeEachCall(Operation.TRANSACT_WRITE_ITEMS, () -> {
            other.delete(ORG, NAME);
            try {
                Thread.sleep(2); // a later createdAt: another incarnation
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            other.create(ORG, Fixtures.documentedCreateBody());
        });

        JsonNode response = runOne("m-1", request("update", ORG, "corr-update", updateBody()));

        assertEquals(List.of("m-1"), failedIds(response), "lost every try to the churn: transient, delivered again");
        assertEquals(List.of(), function.bus().events(), "no outcome before the last receive");
        assertEquals(1, StoredDatamarts.stored(function.db(), ORG, NAME).version(), "the update never landed");
    }

    @Test
    void retriesWhenTheGrantCannotBeRead() {
        function.dynamoDb().fail(Operation.GET_ITEM, 1, ProvisionDatamartsHandlerTest::throttled);

        JsonNode response = runOne("m-1", create(Fixtures.documentedCreateBody()));

        assertEquals(List.of("m-1"), failedIds(response), "transient: delivered again");
        assertEquals(List.of(), function.bus().events());
        assertNull(function.db().rawDatamart(ORG, NAME));
        assertTrue(context.logs().stream().anyMatch(line -> line.contains("\"status\":\"retry\"")
                && line.contains("ProvisionedThroughputExceededException")), () -> String.join("\n", context.logs()));
    }

    @Test
    void updatesAndDeletesTheDatamart() {
        StoredDatamarts.seedDocumented(function.db());

        assertEquals(List.of(), failedIds(runOne("m-1", request("update", ORG, "corr-update", updateBody()))));
        assertEquals(List.of(), StoredDatamarts.stored(function.db(), ORG, NAME).definition().relationships());
        assertEquals(2, StoredDatamarts.stored(function.db(), ORG, NAME).version());

        assertEquals(List.of(), failedIds(runOne("m-2", delete(NAME))));
        assertNull(function.db().rawDatamart(ORG, NAME));

        List<BusEvent> outcomes = function.bus().events();
        assertEquals(List.of("updated", "deleted"),
                outcomes.stream().map(event -> event.detail().path("result").asText()).toList());
        assertEquals(List.of("corr-update", "corr-delete-" + NAME),
                outcomes.stream().map(event -> event.detail().path("correlationId").asText()).toList());
    }

    @Test
    void usesTheMessageIdAsCorrelationIdWhenTheRequestHasNone() {
        runOne("m-77", request("create", ORG, null, Fixtures.documentedCreateBody()));
        assertEquals("m-77", only(function.bus().events()).detail().path("correlationId").asText());
    }

    @Test
    void appliesARequestForwardedFromTheBusLikeAQueueRequest() {
        ObjectNode busEvent = Fixtures.object("""
                {"version": "0", "id": "ev-1", "detail-type": "Create Datamart", "source": "datamart.producer.tenants",
                 "account": "123456789012", "time": "2026-11-22T05:15:00Z", "region": "us-east-1", "resources": [],
                 "detail": {"organizationId": "demo"}}""");
        ((ObjectNode) busEvent.get("detail")).set("body", Fixtures.documentedCreateBody());

        assertEquals(List.of(), failedIds(run(batch(List.of(forwarded("m-1", busEvent.toString()))))));
        assertNotNull(function.db().rawDatamart(ORG, NAME));
        BusEvent outcome = only(function.bus().events());
        assertEquals("ev-1", outcome.detail().path("correlationId").asText());
        assertEquals("create", outcome.detail().path("operation").asText());
    }

    // ---------------------------------------------------------------------------------------------
    // At-least-once delivery: a redelivery ends in the same state
    // ---------------------------------------------------------------------------------------------

    @Test
    void aRedeliveredCreateWithTheSameBodySucceedsWithoutWritingAgain() {
        runOne("m-1", create(Fixtures.documentedCreateBody()));
        Map<String, AttributeValue> afterFirst = function.db().rawDatamart(ORG, NAME);

        JsonNode again = run(batch(List.of(message("m-1", ORG + "/" + NAME, 2,
                create(Fixtures.documentedCreateBody())))));

        assertEquals(List.of(), failedIds(again));
        assertEquals(afterFirst, function.db().rawDatamart(ORG, NAME), "version and timestamps untouched");
        assertEquals(List.of("created", "created"), results(), "the first outcome, told again");
        assertEquals(List.of(false, true), replays());
    }

    @Test
    void aRedeliveredUpdateIsAppliedOnce() {
        StoredDatamarts.seedDocumented(function.db());
        String update = request("update", ORG, "corr-update", updateBody());
        runOne("m-1", update);
        Map<String, AttributeValue> afterFirst = function.db().rawDatamart(ORG, NAME);

        assertEquals(List.of(), failedIds(runOne("m-1", update)));

        assertEquals(afterFirst, function.db().rawDatamart(ORG, NAME), "no second version");
        assertEquals("2", afterFirst.get("version").n());
        assertEquals(List.of("updated", "updated"), results(), "the first outcome, told again");
        assertEquals(List.of(false, true), replays());
    }

    // ---------------------------------------------------------------------------------------------
    // Exactly once per correlation id: a redelivery is told the first outcome, whatever happened since
    // ---------------------------------------------------------------------------------------------

    /** Another client's update over HTTP: relationships cleared, a new version. */
    private void updatedOverHttpMeanwhile() {
        Fixtures.api(function.db()).service().update(ORG, updateBody());
    }

    @Test
    void aCreateRedeliveredAfterAnHttpChangeIsToldItsOutcomeAndLeavesTheChange() {
        String create = create(Fixtures.documentedCreateBody());
        runOne("m-1", create);
        updatedOverHttpMeanwhile();

        assertEquals(List.of(), failedIds(runOne("m-1", create)));

        assertEquals(List.of("created", "created"), results(), "not \"already exists\"");
        assertEquals(List.of(false, true), replays());
        BusEvent replay = function.bus().events().get(1);
        assertEquals("m-1", replay.detail().path("replayOf").asText());
        assertEquals(2, StoredDatamarts.stored(function.db(), ORG, NAME).version(), "the HTTP change stands");
    }

    @Test
    void anUpdateRedeliveredAfterAnHttpChangeIsNotAppliedAgain() {
        StoredDatamarts.seedDocumented(function.db());
        ObjectNode emptyTenancy = Fixtures.object("""
                {"datamartName": "sales-analytics", "tenancySettings": {"tenancyLevel": "DATABASE"}}""");
        String update = request("update", ORG, "corr-tenancy", emptyTenancy);
        runOne("m-1", update);
        // Another client puts the tenancy back over HTTP.
        Fixtures.api(function.db()).service().update(ORG, Fixtures.object("{\"datamartName\": \"sales-analytics\", "
                + "\"tenancySettings\": " + Fixtures.documentedCreateBody().path("tenancySettings") + "}"));

        assertEquals(List.of(), failedIds(runOne("m-1", update)));

        assertEquals(List.of("updated", "updated"), results());
        assertEquals(List.of(false, true), replays());
        var stored = StoredDatamarts.stored(function.db(), ORG, NAME);
        assertEquals(3, stored.version(), "not applied again over the HTTP change");
        assertEquals("TABLE", stored.definition().tenancySettings().tenancyLevel().name());
    }

    @Test
    void aDeleteRedeliveredAfterTheNameWasCreatedAgainLeavesTheNewDatamart() {
        StoredDatamarts.seedDocumented(function.db());
        runOne("m-1", delete(NAME));
        StoredDatamarts.seedDocumented(function.db());

        assertEquals(List.of(), failedIds(runOne("m-1", delete(NAME))));

        assertEquals(List.of("deleted", "deleted"), results());
        assertEquals(List.of(false, true), replays());
        assertNotNull(function.db().rawDatamart(ORG, NAME), "the datamart created since is not deleted");
    }

    @Test
    void aRedeliveryOfAnAppliedRequestIsToldItsOutcomeEvenAfterItsDatamartWasParked() {
        function.bus().client().refuseEntries(entry -> true);
        String create = create(Fixtures.documentedCreateBody());
        assertEquals(List.of("m-1"), failedIds(runOne("m-1", create)), "applied, outcome not published");
        function.bus().client().reset();
        new ParkedDatamartRepository(function.db().client(), function.db().parkedDatamartsTable(), Clock.systemUTC())
                .park(ORG, NAME, "m-9", "a later request failed for good");

        assertEquals(List.of(), failedIds(runOne("m-1", create)));

        assertEquals(List.of("created"), results(), "its own outcome, not DATAMART_PARKED");
        assertEquals(List.of(true), replays());
    }

    @Test
    void aNewMessageWithTheCorrelationIdOfAnotherRequestFailsAsReused() {
        runOne("m-1", request("create", ORG, "corr-shared", Fixtures.documentedCreateBody()));
        Map<String, Object> before = function.db().snapshot();

        assertEquals(List.of(), failedIds(runOne("m-2", request("delete", ORG, "corr-shared",
                Fixtures.object("{\"datamartName\": \"sales-analytics\"}")))));

        assertEquals(before, function.db().snapshot(), "nothing written, no record");
        BusEvent outcome = function.bus().events().get(1);
        assertEquals("Datamart Provisioning Failed", outcome.detailType());
        assertEquals("IDEMPOTENCY_KEY_REUSED", outcome.detail().path("error").path("code").asText());
        assertNotNull(function.db().rawDatamart(ORG, NAME), "not deleted");
    }

    @Test
    void aMessageWithoutCorrelationIdIsAppliedOncePerMessageId() {
        String create = request("create", ORG, null, Fixtures.documentedCreateBody());
        runOne("m-1", create);
        Fixtures.api(function.db()).service().delete(ORG, NAME);

        assertEquals(List.of(), failedIds(runOne("m-1", create)));
        assertNull(function.db().rawDatamart(ORG, NAME), "the redelivery did not create it again");
        assertEquals(List.of(false, true), replays());

        assertEquals(List.of(), failedIds(runOne("m-2", create)));
        assertNotNull(function.db().rawDatamart(ORG, NAME), "another message is another request");
    }

    @Test
    void aFailedRequestsRedeliveryIsToldTheSameFailure() {
        ObjectNode broken = Fixtures.documentedCreateBody();
        broken.remove("tableList");
        runOne("m-1", create(broken));

        runOne("m-1", create(broken));

        List<BusEvent> outcomes = function.bus().events();
        assertEquals(2, outcomes.size());
        assertEquals(outcomes.get(0).detail().path("error"), outcomes.get(1).detail().path("error"));
        assertEquals(List.of(false, true), replays());
    }

    @Test
    void aRedeliveredDeleteSucceedsAsAlreadyDone() {
        StoredDatamarts.seedDocumented(function.db());
        runOne("m-1", delete(NAME));
        assertEquals(List.of(), failedIds(runOne("m-1", delete(NAME))));
        assertNull(function.db().rawDatamart(ORG, NAME));
        assertEquals(List.of("deleted", "deleted"), results(), "the first outcome, told again");
        assertEquals(List.of(false, true), replays());
    }

    @Test
    void anUpdateThatChangesOnlySomePartsIsStillAppliedWhenTheOthersAlreadyMatch() {
        StoredDatamarts.seedDocumented(function.db());
        ObjectNode body = updateBody();
        body.set("tenancySettings", Fixtures.documentedCreateBody().get("tenancySettings")); // as stored
        runOne("m-1", request("update", ORG, "c", body));
        assertEquals(List.of("updated"), results());
        assertEquals(2, StoredDatamarts.stored(function.db(), ORG, NAME).version());
    }

    // ---------------------------------------------------------------------------------------------
    // Permanent failures: reported at once, never retried, nothing written
    // ---------------------------------------------------------------------------------------------

    @Test
    void aCreateOfATakenNameWithAnotherBodyFailsForGood() {
        StoredDatamarts.seedDocumented(function.db());
        Map<String, Object> before = function.db().snapshotOfData();
        ObjectNode other = Fixtures.documentedCreateBody();
        other.remove("relationships");

        JsonNode response = runOne("m-1", create(other));

        assertEquals(List.of(), failedIds(response), "not retried");
        assertEquals(before, function.db().snapshotOfData());
        BusEvent outcome = only(function.bus().events());
        assertEquals("Datamart Provisioning Failed", outcome.detailType());
        assertEquals(Fixtures.object("""
                {"correlationId": "%s", "messageId": "m-1", "operation": "create",
                 "organizationId": "demo", "name": "sales-analytics",
                 "error": {"code": "INVALID_REQUEST_BODY", "message": "Datamart name already exists"}}"""
                .formatted(correlationOf(other))), outcome.detail());
    }

    @Test
    void anInvalidBodyFailsForGoodWithTheApisCodeAndDetails() {
        Map<String, Object> before = function.db().snapshotOfData();
        ObjectNode body = Fixtures.documentedCreateBody();
        body.remove("tableList");

        assertEquals(List.of(), failedIds(runOne("m-1", create(body))));

        assertEquals(before, function.db().snapshotOfData(), "nothing but the request's record");
        JsonNode error = only(function.bus().events()).detail().path("error");
        assertEquals("INVALID_REQUEST_BODY", error.path("code").asText());
        assertEquals("tableList", error.path("details").get(0).path("path").asText());
    }

    @Test
    void aBrokenBodyFailsWithItsOwnViolationsAndEverySchemaMissAsTheApiAnswers() {
        // On the warehouse, whose schema is known.
        ObjectNode onWarehouse = Fixtures.documentedCreateBody();
        onWarehouse.put("datasourceName", Fixtures.WAREHOUSE);
        StoredDatamarts.seed(function.db(), ORG, onWarehouse);
        Map<String, Object> before = function.db().snapshotOfData();

        runOne("m-1", create(Fixtures.object(BrokenParts.create(Fixtures.WAREHOUSE))));
        runOne("m-2", request("update", ORG, "corr-update", Fixtures.object(BrokenParts.update(NAME))));

        assertEquals(before, function.db().snapshotOfData(), "nothing written but the requests' records");
        List<BusEvent> outcomes = function.bus().events();
        assertEquals(2, outcomes.size(), () -> "events: " + outcomes);
        for (BusEvent outcome : outcomes) {
            assertEquals("Datamart Provisioning Failed", outcome.detailType());
            JsonNode error = outcome.detail().path("error");
            assertEquals("INVALID_REQUEST_BODY", error.path("code").asText(), error::toString);
            assertEquals(BrokenParts.WAREHOUSE_DETAILS, BrokenParts.detailsInOrder(error));
        }
    }

    @Test
    void anUnknownDatasourceOrAMissingDatamartFailsWithTheApisCodes() {
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("datasourceName", "nowhere");
        runOne("m-1", create(body));
        runOne("m-2", request("update", ORG, "c", updateBody()));

        assertEquals(List.of("DATASOURCE_NAME_ERROR", "INVALID_DATAMART"), function.bus().events().stream()
                .map(event -> event.detail().path("error").path("code").asText()).toList());
        assertNull(function.db().rawDatamart(ORG, NAME));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "{\"operation\": \"upsert\", \"organizationId\": \"demo\", \"body\": {\"name\": \"x\"}}",
        "{\"operation\": \"create\", \"body\": {\"name\": \"x\"}}",
        "{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": {\"name\": \"x\"}, \"retries\": 3}",
    })
    void aMessageOutsideTheFormatFailsForGoodAndSaysWhy(String body) {
        Map<String, Object> before = function.db().snapshot();
        assertEquals(List.of(), failedIds(runOne("m-1", body)));
        assertEquals(before, function.db().snapshot());
        BusEvent outcome = only(function.bus().events());
        assertEquals("Datamart Provisioning Failed", outcome.detailType());
        assertEquals("INVALID_PROVISIONING_MESSAGE", outcome.detail().path("error").path("code").asText());
        assertFalse(outcome.detail().path("error").path("details").isEmpty());
        ClientTerms.assertInClientTerms(outcome.detail().path("error"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": {}} {} | The message is not valid JSON at line 1, column 63: more follows the end of the JSON value",
        "{\"operation\": \"create\", \"operation\": \"delete\"}                  | The message is not valid JSON at line 1, column 36: the field 'operation' appears twice in the same object",
        "{'operation': 'create', 'organizationId': 'demo', 'body': {}}           | The message is not valid JSON at line 1, column 2: field names take double quotes, not single quotes",
        "{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": {\"name\": NaN}} | The message is not valid JSON at line 1, column 71: 'NaN' is not a JSON number",
    })
    void aMessageThatIsNotJsonFailsForGoodSayingWhyInPlainWords(String body, String says) {
        Map<String, Object> before = function.db().snapshot();

        assertEquals(List.of(), failedIds(runOne("m-1", body)));

        assertEquals(before, function.db().snapshot());
        JsonNode error = only(function.bus().events()).detail().path("error");
        assertEquals("INVALID_PROVISIONING_MESSAGE", error.path("code").asText());
        String detail = error.path("details").path(0).path("message").asText();
        assertTrue(detail.startsWith(says), () -> "details[0].message should start '" + says + "': " + error);
        assertTrue(error.path("message").asText().contains(says), () -> "error.message: " + error);
        ClientTerms.assertInClientTerms(error);
    }

    @Test
    void aMessageNestedTooDeeplyFailsForGoodSayingTheLimit() {
        String deep = "[".repeat(1_001) + "]".repeat(1_001);

        assertEquals(List.of(), failedIds(runOne("m-1", request("create", ORG, "c", Fixtures.object("{}"))
                .replace("{}", "{\"tableList\": " + deep + "}"))));

        JsonNode error = only(function.bus().events()).detail().path("error");
        assertEquals("INVALID_PROVISIONING_MESSAGE", error.path("code").asText());
        assertEquals("The message nests arrays and objects too deeply: at most 1000 levels are allowed",
                error.path("details").path(0).path("message").asText(), error::toString);
        ClientTerms.assertInClientTerms(error);
        assertNull(function.db().rawDatamart(ORG, NAME));
    }

    // ---------------------------------------------------------------------------------------------
    // Order and partial batch failure
    // ---------------------------------------------------------------------------------------------

    @Test
    void appliesOneDatamartsRequestsInTheOrderSent() {
        ObjectNode second = Fixtures.documentedCreateBody();
        second.remove("relationships");
        String group = ORG + "/" + NAME;
        JsonNode response = run(batch(List.of(
                message("m-1", group, 1, create(Fixtures.documentedCreateBody())),
                message("m-2", group, 1, delete(NAME)),
                message("m-3", group, 1, create(second)),
                message("m-4", group, 1, request("update", ORG, "c", Fixtures.object(
                        "{\"datamartName\": \"sales-analytics\", \"relationships\": []}"))))));

        assertEquals(List.of(), failedIds(response));
        assertEquals(List.of("created", "deleted", "created", "updated"), results());
        var stored = StoredDatamarts.stored(function.db(), ORG, NAME);
        assertEquals(List.of(), stored.definition().relationships(), "the last request is the last applied");
        assertEquals(2, stored.version(), "created again, then updated once");
    }

    @Test
    void listsExactlyTheTransientlyFailedMessagesOfAMixedBatch() {
        // The delete's datamart exists, so the delete reaches its write (one of a datamart not
        // there writes nothing). The valid create's transaction is the first; the delete's,
        // throttled, the second.
        StoredDatamarts.seed(function.db(), ORG, Fixtures.createBody("legacy-kpis"));
        function.dynamoDb().afterCall(Operation.TRANSACT_WRITE_ITEMS, 1, () -> function.dynamoDb()
                .fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled));
        ObjectNode invalid = Fixtures.object("{\"name\": \"broken mart\", \"datasourceName\": \"postgres-main\", "
                + "\"tableList\": []}");
        JsonNode response = run(batch(List.of(
                message("valid", ORG + "/" + NAME, 1, create(Fixtures.documentedCreateBody())),
                message("invalid", MessageGroups.groupId(ORG, "broken mart"), 1, create(invalid)),
                message("transient", ORG + "/legacy-kpis", 1, delete("legacy-kpis")))));

        assertEquals(List.of("transient"), failedIds(response));
        assertNotNull(function.db().rawDatamart(ORG, NAME), "the valid one is applied");
        assertEquals(List.of("valid", "invalid"), function.bus().events().stream()
                .map(event -> event.detail().path("messageId").asText()).toList(), "no outcome for a retry");
        assertEquals(List.of("Datamart Provisioning Succeeded", "Datamart Provisioning Failed"),
                function.bus().events().stream().map(BusEvent::detailType).toList());
    }

    @Test
    void holdsTheLaterMessagesOfAFailedMessagesGroupButNotOtherGroups() {
        StoredDatamarts.seed(function.db(), ORG, Fixtures.createBody("other"));
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        String group = ORG + "/" + NAME;
        JsonNode response = run(batch(List.of(
                message("a-1", group, 1, create(Fixtures.documentedCreateBody())),
                message("b-1", ORG + "/other", 1, delete("other")),
                message("a-2", group, 1, delete(NAME)))));

        assertEquals(List.of("a-1", "a-2"), failedIds(response));
        assertNull(function.db().rawDatamart(ORG, "other"), "another datamart's request does not wait");
        assertEquals(List.of("b-1"), function.bus().events().stream()
                .map(event -> event.detail().path("messageId").asText()).toList());
        assertTrue(context.logs().stream().anyMatch(line -> line.contains("\"messageId\":\"a-2\"")
                && line.contains("\"status\":\"held\"")), () -> "logs: " + context.logs());

        // The queue delivers them again, in order; this time DynamoDB answers.
        JsonNode retried = run(batch(List.of(message("a-1", group, 2, create(Fixtures.documentedCreateBody())),
                message("a-2", group, 2, delete(NAME)))));
        assertEquals(List.of(), failedIds(retried));
        assertNull(function.db().rawDatamart(ORG, NAME), "created, then deleted, in that order");
        assertEquals(List.of("deleted", "created", "deleted"), results());
    }

    @Test
    void publishesAFinalFailureOnTheQueuesBackstopReceiveAndLeavesTheMessageToTheQueuesDeadLettering() {
        int last = Integer.parseInt(function.environment().get("PROVISIONING_MAX_RECEIVE_COUNT"));
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 2, ProvisionDatamartsHandlerTest::throttled);
        String group = ORG + "/" + NAME;

        assertEquals(List.of("m-1"), failedIds(run(batch(List.of(
                message("m-1", group, last - 1, create(Fixtures.documentedCreateBody())))))));
        assertEquals(List.of(), function.bus().events(), "not the last receive: no outcome yet");

        assertEquals(List.of("m-1"), failedIds(run(batch(List.of(
                message("m-1", group, last, create(Fixtures.documentedCreateBody())))))));
        JsonNode error = only(function.bus().events()).detail().path("error");
        assertEquals("RETRIES_EXHAUSTED", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("ProvisionedThroughputExceededException"),
                error::toString);
        assertNull(function.db().rawDatamart(ORG, NAME));
    }

    @Test
    void retriesAMessageWhoseOutcomeCouldNotBePublishedAndTheRetryReportsItDone() {
        function.bus().client().refuseEntries(entry -> true);
        assertEquals(List.of("m-1"), failedIds(runOne("m-1", create(Fixtures.documentedCreateBody()))));
        assertNotNull(function.db().rawDatamart(ORG, NAME), "the create itself went through");

        function.bus().client().reset();
        assertEquals(List.of(), failedIds(runOne("m-1", create(Fixtures.documentedCreateBody()))));
        assertEquals(List.of("created"), results(), "the outcome it could not publish, told now");
        assertEquals(List.of(true), replays());
        assertEquals("1", function.db().rawDatamart(ORG, NAME).get("version").n());
    }

    @Test
    void retriesAPermanentFailureOnlyUntilItsOutcomeIsPublished() {
        function.bus().client().failCallsFrom(1);
        assertEquals(List.of("m-1"), failedIds(runOne("m-1", "not json")));
        function.bus().client().reset();
        assertEquals(List.of(), failedIds(runOne("m-1", "not json")));
        assertEquals("INVALID_PROVISIONING_MESSAGE", only(function.bus().events()).detail().path("error").path("code")
                .asText());
    }

    @Test
    void tellsTheProducerOfAMessageHeldOnTheQueuesBackstopReceiveBeforeTheQueueDeadLettersIt() {
        int last = Integer.parseInt(function.environment().get("PROVISIONING_MAX_RECEIVE_COUNT"));
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        String group = ORG + "/" + NAME;
        JsonNode response = run(batch(List.of(
                message("a-1", group, last, create(Fixtures.documentedCreateBody())),
                message("a-2", group, last, delete(NAME)))));

        assertEquals(List.of("a-1", "a-2"), failedIds(response));
        assertEquals(List.of("a-1", "a-2"), function.bus().events().stream()
                .map(event -> event.detail().path("messageId").asText()).toList());
        function.bus().events().forEach(event -> assertEquals("RETRIES_EXHAUSTED",
                event.detail().path("error").path("code").asText()));
        assertTrue(function.bus().events().get(1).detail().path("error").path("message").asText()
                .contains("held behind message a-1"),
                function.bus().events().get(1).detail()::toString);
    }

    // ---------------------------------------------------------------------------------------------
    // Tries, not receives; parking a datamart whose request failed for good; backoff
    // ---------------------------------------------------------------------------------------------

    private int maxTries() {
        return Integer.parseInt(function.environment().get(ProvisioningPipeline.MAX_TRIES_VARIABLE));
    }

    /** Delivers {@code body} as message {@code id} once per try, each try failing, until {@code tries} failed. */
    private JsonNode failTries(String id, String body, int tries) {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, tries, ProvisionDatamartsHandlerTest::throttled);
        JsonNode response = null;
        for (int receive = 1; receive <= tries; receive++) {
            response = run(batch(List.of(message(id, ORG + "/" + NAME, receive, body))));
        }
        return response;
    }

    private static String errorCode(BusEvent event) {
        return event.detail().path("error").path("code").asText();
    }

    @Test
    void givesARequestItsTriesHoweverOftenItWasReceivedWhileHeld() {
        // Received 40 times, only ever held behind earlier requests: not one try used.
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        JsonNode response = run(batch(List.of(message("a-1", ORG + "/" + NAME, 40,
                create(Fixtures.documentedCreateBody())))));

        assertEquals(List.of("a-1"), failedIds(response), "its first failed try: it comes again");
        assertEquals(List.of(), function.bus().events(), "no final outcome");
        assertTrue(context.logs().stream().anyMatch(line -> line.contains("\"tries\":1")),
                () -> String.join("\n", context.logs()));
    }

    @Test
    void failsARequestForGoodAfterItsTriesParksItsDatamartAndMovesItToTheDeadLetterQueue() {
        LocalQueue deadLetters = LocalQueue.of("ProvisioningDeadLetterQueue").fresh();
        String body = create(Fixtures.documentedCreateBody());

        JsonNode beforeLast = failTries("m-1", body, maxTries() - 1);
        assertEquals(List.of("m-1"), failedIds(beforeLast));
        assertEquals(List.of(), function.bus().events(), "tries left: no outcome yet");

        JsonNode last = failTries("m-1", body, 1);

        assertEquals(List.of(), failedIds(last), "moved by the function itself: consumed from the queue");
        JsonNode error = only(function.bus().events()).detail().path("error");
        assertEquals("RETRIES_EXHAUSTED", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("Gave up after " + maxTries() + " tries")
                && error.path("message").asText().contains("parked until an operator releases them"),
                error::toString);
        List<LocalQueue.QueuedMessage> moved = deadLetters.take();
        assertEquals(1, moved.size());
        assertEquals(body, moved.get(0).body());
        assertEquals(ORG + "/" + NAME, moved.get(0).groupId());
        assertEquals("m-1", moved.get(0).deduplicationId());
        var parking = new ParkedDatamartRepository(function.db().client(), function.db().parkedDatamartsTable(),
                java.time.Clock.systemUTC()).find(ORG, NAME).orElseThrow();
        assertEquals("m-1", parking.messageId());
        assertNull(function.db().rawDatamart(ORG, NAME));
    }

    @Test
    void failsEveryLaterRequestOfAParkedDatamartUntilItIsReleased() {
        failTries("m-1", create(Fixtures.documentedCreateBody()), maxTries());
        LocalBus.fresh();

        // The same batch and a later one: neither runs ahead of the dead-lettered create.
        JsonNode response = run(batch(List.of(
                message("m-2", ORG + "/" + NAME, 1, create(Fixtures.documentedCreateBody())),
                message("o-1", ORG + "/other", 1, request("create", ORG, "c", Fixtures.createBody("other"))))));

        assertEquals(List.of(), failedIds(response), "a parked datamart's request fails for good: consumed");
        assertNull(function.db().rawDatamart(ORG, NAME));
        assertNotNull(function.db().rawDatamart(ORG, "other"), "other datamarts carry on");
        BusEvent parked = function.bus().events().get(0);
        assertEquals(ProvisioningPipeline.DATAMART_PARKED, errorCode(parked));
        assertTrue(parked.detail().path("error").path("message").asText().contains("request m-1 failed for good"),
                parked.detail()::toString);

        var parkings = new ParkedDatamartRepository(function.db().client(), function.db().parkedDatamartsTable(),
                java.time.Clock.systemUTC());
        assertTrue(parkings.release(ORG, NAME).isPresent());
        LocalBus.fresh();
        assertEquals(List.of(), failedIds(runOne("m-3", create(Fixtures.documentedCreateBody()))));
        assertEquals(List.of("created"), results(), "released: requests run again");
    }

    @Test
    void aRequestHeldBehindOneThatFailsForGoodIsToldItsDatamartIsParkedNotDeadLetteredUntried() {
        LocalQueue deadLetters = LocalQueue.of("ProvisioningDeadLetterQueue").fresh();
        String body = create(Fixtures.documentedCreateBody());
        failTries("a-1", body, maxTries() - 1);
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);

        JsonNode response = run(batch(List.of(message("a-1", ORG + "/" + NAME, maxTries(), body),
                message("a-2", ORG + "/" + NAME, maxTries(), delete(NAME)))));

        assertEquals(List.of(), failedIds(response));
        assertEquals(List.of("RETRIES_EXHAUSTED", ProvisioningPipeline.DATAMART_PARKED),
                function.bus().events().stream().map(ProvisionDatamartsHandlerTest::errorCode).toList());
        assertEquals(List.of("a-1"), deadLetters.take().stream().map(LocalQueue.QueuedMessage::deduplicationId)
                .toList(), "only the request that had its tries");
    }

    @Test
    void aRequestThatFailedForGoodButCouldNotBeMovedIsMovedOnItsNextDeliveryNotToldItIsParked() {
        LocalQueue deadLetters = LocalQueue.of("ProvisioningDeadLetterQueue").fresh();
        int tries = maxTries();
        String body = create(Fixtures.documentedCreateBody());
        failTries("m-1", body, tries - 1);
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        deadLetters.delete(); // SQS refuses the move
        JsonNode last;
        try {
            last = run(batch(List.of(message("m-1", ORG + "/" + NAME, tries, body))));
        } finally {
            deadLetters.fresh();
        }
        assertEquals(List.of("m-1"), failedIds(last), "not moved: it stays on the queue");
        assertEquals(List.of("RETRIES_EXHAUSTED"), function.bus().events().stream()
                .map(ProvisionDatamartsHandlerTest::errorCode).toList());

        JsonNode next = run(batch(List.of(message("m-1", ORG + "/" + NAME, tries + 1, body))));

        assertEquals(List.of(), failedIds(next), "moved now, and consumed");
        assertEquals(List.of("m-1"), deadLetters.take().stream().map(LocalQueue.QueuedMessage::deduplicationId)
                .toList());
        assertEquals(List.of("RETRIES_EXHAUSTED"), function.bus().events().stream()
                .map(ProvisionDatamartsHandlerTest::errorCode).toList(), "not told it is parked behind itself");
    }

    @Test
    void aRequestWhoseDatamartCannotBeParkedIsNotMovedOnUntilItIs() {
        LocalQueue deadLetters = LocalQueue.of("ProvisioningDeadLetterQueue").fresh();
        String body = create(Fixtures.documentedCreateBody());
        failTries("m-1", body, maxTries() - 1);
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        // The parking is the provisioning function's only PutItem on its table.
        function.dynamoDb().failOn(function.db().parkedDatamartsTable(), Operation.PUT_ITEM, 1,
                ProvisionDatamartsHandlerTest::throttled);

        JsonNode unparked = run(batch(List.of(message("m-1", ORG + "/" + NAME, maxTries(), body))));

        assertEquals(List.of("m-1"), failedIds(unparked), "kept on the queue, so nothing overtakes it");
        assertEquals(List.of(), deadLetters.take());
        assertEquals(List.of(), function.bus().events());

        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        assertEquals(List.of(), failedIds(run(batch(List.of(message("m-1", ORG + "/" + NAME, maxTries() + 1,
                body))))));
        assertEquals(1, deadLetters.take().size(), "parked, then moved");
    }

    @Test
    void aTryThatCannotBeCountedIsPacedByTheReceiveCountAndFinalAtTheBackstop() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 2, ProvisionDatamartsHandlerTest::throttled);
        function.dynamoDb().fail(Operation.UPDATE_ITEM, 2, ProvisionDatamartsHandlerTest::throttled);
        String body = create(Fixtures.documentedCreateBody());

        assertEquals(List.of("m-1"), failedIds(run(batch(List.of(message("m-1", ORG + "/" + NAME, 3, body))))));
        assertEquals(List.of(), function.bus().events(), "uncounted, not final");
        assertTrue(context.logs().stream().anyMatch(line -> line.contains("\"tries\":\"uncounted")),
                () -> String.join("\n", context.logs()));

        int backstop = Integer.parseInt(function.environment().get(ProvisioningPipeline.MAX_RECEIVE_COUNT_VARIABLE));
        assertEquals(List.of("m-1"), failedIds(run(batch(List.of(message("m-1", ORG + "/" + NAME, backstop,
                body))))), "the queue moves it");
        assertEquals(List.of("RETRIES_EXHAUSTED"), function.bus().events().stream()
                .map(ProvisionDatamartsHandlerTest::errorCode).toList(), "its producer is told");
        assertTrue(new ParkedDatamartRepository(function.db().client(), function.db().parkedDatamartsTable(),
                java.time.Clock.systemUTC()).find(ORG, NAME).isPresent(), "and its datamart parked");
    }

    @Test
    void aRequestHeldUnderAnotherMessageGroupComesBackNoSoonerThanTheOneItWaitsFor() throws Exception {
        LocalQueue queue = LocalQueue.of("ProvisioningQueue").fresh();
        SqsClient sqs = TestAws.instance().sqs();
        String arn = TestAws.instance().queueArn(queue.url());
        sqs.sendMessage(r -> r.queueUrl(queue.url()).messageGroupId(ORG + "/" + NAME).messageDeduplicationId("h-1")
                .messageBody(create(Fixtures.documentedCreateBody())));
        sqs.sendMessage(r -> r.queueUrl(queue.url()).messageGroupId("producer-format:" + NAME)
                .messageDeduplicationId("h-2").messageBody(delete(NAME)));
        List<Message> received = new ArrayList<>();
        for (int call = 0; call < 5 && received.size() < 2; call++) {
            received.addAll(sqs.receiveMessage(r -> r.queueUrl(queue.url()).maxNumberOfMessages(10)
                    .visibilityTimeout(360).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
        }
        assertEquals(2, received.size());
        received.sort(java.util.Comparator.comparing(m -> m.attributes().get(
                MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)));
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);

        assertEquals(2, failedIds(run(batch(received.stream().map(m -> SqsEventRecords.record(arn, m)).toList())))
                .size());

        assertEquals(List.of(), sqs.receiveMessage(r -> r.queueUrl(queue.url()).maxNumberOfMessages(10)
                .visibilityTimeout(360)).messages(), "the delete does not come back before the create it waits for");
    }

    @Test
    void keepsTheFirstParkingWhenAnotherRequestOfTheDatamartFailsForGoodToo() {
        ParkedDatamartRepository parkings = new ParkedDatamartRepository(function.db().client(),
                function.db().parkedDatamartsTable(), java.time.Clock.systemUTC());
        parkings.park(ORG, NAME, "first", "the first failure");
        parkings.park(ORG, NAME, "second", "another failure");
        assertEquals("first", parkings.find(ORG, NAME).orElseThrow().messageId());
        assertEquals(List.of("first"), parkings.list(ORG).stream().map(ParkedDatamartRepository.Parking::messageId)
                .toList());
        assertTrue(parkings.list(Fixtures.OTHER_ORG).isEmpty());
    }

    @Test
    void backsOffAFailedTryWithChangeMessageVisibilityAndReturnsUntriedMessagesAtOnce() throws Exception {
        LocalQueue queue = LocalQueue.of("ProvisioningQueue").fresh();
        SqsClient sqs = TestAws.instance().sqs();
        String arn = TestAws.instance().queueArn(queue.url());
        sqs.sendMessage(r -> r.queueUrl(queue.url()).messageGroupId(ORG + "/" + NAME).messageDeduplicationId("q-1")
                .messageBody(create(Fixtures.documentedCreateBody())));
        sqs.sendMessage(r -> r.queueUrl(queue.url()).messageGroupId(ORG + "/other").messageDeduplicationId("q-2")
                .messageBody(request("create", ORG, "c", Fixtures.createBody("other"))));
        List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queue.url()).maxNumberOfMessages(10)
                .visibilityTimeout(360).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertEquals(2, received.size());

        // The first fails its try; the second is not started (too little time left after the first).
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        function.dynamoDb().beforeCall(Operation.TRANSACT_WRITE_ITEMS, 1, () -> context.remainingTimeMillis(5_000));
        JsonNode response = run(batch(received.stream().map(m -> SqsEventRecords.record(arn, m)).toList()));
        assertEquals(2, failedIds(response).size());

        List<String> now = sqs.receiveMessage(r -> r.queueUrl(queue.url()).maxNumberOfMessages(10)
                .visibilityTimeout(360).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()
                .stream().map(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).toList();
        assertEquals(List.of(ORG + "/other"), now, "the untried one at once, the failed one after its backoff");
        List<String> later = new ArrayList<>();
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (later.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(500);
            sqs.receiveMessage(r -> r.queueUrl(queue.url()).messageSystemAttributeNames(
                    MessageSystemAttributeName.ALL)).messages()
                    .forEach(m -> later.add(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)));
        }
        assertEquals(List.of(ORG + "/" + NAME), later, "back after its 5 s backoff, not the 6-minute timeout");
    }

    @Test
    void believesTheProducerADeadLetteredRequestCarriesOnlyFromThisFunction() {
        String provisioner = function.environment().get(ProvisioningPipeline.PROVISIONER_VARIABLE);
        ObjectNode redriven = sentBy(provisioner, "r-1", create(Fixtures.documentedCreateBody()));
        carries(redriven, "role:AROANOBODYGRANTED");
        assertNotAllowed(redriven, "'role:AROANOBODYGRANTED' may not act");

        LocalBus.fresh();
        ObjectNode forged = sentBy("AROAFORGER:session", "r-2", create(Fixtures.documentedCreateBody()));
        carries(forged, "role:AROAEXAMPLEID");
        assertNotAllowed(forged, "'role:AROAFORGER' may not act");
    }

    private static void carries(ObjectNode record, String producer) {
        ((ObjectNode) record.path("messageAttributes")).putObject("datamart-producer")
                .put("stringValue", producer).put("dataType", "String");
    }

    @Test
    void holdsOneDatamartsLaterRequestEvenUnderAnotherMessageGroup() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, ProvisionDatamartsHandlerTest::throttled);
        JsonNode response = run(batch(List.of(
                message("a-1", "producer-format:" + NAME, 1, create(Fixtures.documentedCreateBody())),
                message("a-2", ORG + "/" + NAME, 1, delete(NAME)))));
        assertEquals(List.of("a-1", "a-2"), failedIds(response));
        assertEquals(List.of(), function.bus().events(), "the delete did not overtake the create");
    }

    @Test
    void boundsAMessagesCallsSoItsOutcomeCanStillBePublished() {
        // 15 s left: the message starts; its DynamoDB calls must end 10 s before the
        // invocation does, leaving its PutEvents (at most 8 s) and the response room.
        context.remainingTimeMillis(15_000);

        assertEquals(List.of(), failedIds(runOne("m-1", create(Fixtures.documentedCreateBody()))));

        List<Duration> timeouts = function.dynamoDb().callTimeouts();
        assertFalse(timeouts.isEmpty());
        timeouts.forEach(timeout -> assertTrue(timeout.compareTo(Duration.ofSeconds(5)) <= 0,
                () -> "a DynamoDB call allowed " + timeout));
        assertEquals(List.of(Duration.ofSeconds(8)), function.bus().client().callTimeouts(),
                "the outcome's PutEvents gets the rest, up to the client's limit");
    }

    @Test
    void leavesTheRestOfTheBatchForRedeliveryWhenTheInvocationRunsShortOfTime() {
        context.remainingTimeMillis(5_000);
        JsonNode response = run(batch(List.of(
                message("m-1", ORG + "/" + NAME, 1, create(Fixtures.documentedCreateBody())),
                message("m-2", ORG + "/other", 1, delete("other")))));

        assertEquals(List.of("m-1", "m-2"), failedIds(response));
        assertNull(function.db().rawDatamart(ORG, NAME), "nothing started");
        assertEquals(List.of(), function.bus().events());
    }

    @Test
    void keepsTheOutcomeOfAHugeRequestSmallEnoughToPublish() {
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("name", "n".repeat(300_000));
        ObjectNode message = Fixtures.object(create(body));
        for (int i = 0; i < 5_000; i++) {
            message.put("unknown" + i, i);
        }

        assertEquals(List.of(), failedIds(runOne("m-1", message.toString())));

        JsonNode detail = only(function.bus().events()).detail();
        assertEquals("INVALID_PROVISIONING_MESSAGE", detail.path("error").path("code").asText());
        assertTrue(detail.toString().length() < 64 * 1024, () -> "outcome of " + detail.toString().length() + " chars");
        assertTrue(detail.path("name").asText().startsWith("nnn") && detail.path("name").asText().endsWith("..."));
    }

    @Test
    void createsAfterAllWhenTheDatamartInTheWayIsDeletedBeforeItCanBeCompared() {
        StoredDatamarts.seedDocumented(function.db());
        // Reads: the datasource, then (after the create is refused) the datamart in the way.
        function.dynamoDb().beforeCall(Operation.GET_ITEM, 2, () -> function.db().client().deleteItem(r -> r
                .tableName(function.db().tables().datamarts())
                .key(Map.of("organizationId", AttributeValue.fromS(ORG), "name", AttributeValue.fromS(NAME)))));
        ObjectNode other = Fixtures.documentedCreateBody();
        other.remove("relationships");

        assertEquals(List.of(), failedIds(runOne("m-1", create(other))));

        assertEquals(List.of("created"), results());
        assertNull(StoredDatamarts.stored(function.db(), ORG, NAME).definition().relationships());
    }

    @Test
    void refusesAnEventThatIsNotAnSqsBatch() {
        assertThrows(IllegalArgumentException.class,
                () -> StreamHandlers.invoke(function.handler()::handleRequest,
                        "{\"detail-type\": \"Create Datamart\"}", context));
    }

    @Test
    void neverLogsTheBody() {
        ObjectNode body = Fixtures.documentedCreateBody();
        runOne("m-1", create(body));
        assertFalse(context.logs().isEmpty());
        context.logs().forEach(line -> assertFalse(line.contains("order_date") || line.contains("tableList"), line));
    }

    /** Whether each outcome event on the bus, in order, was a replay of an earlier one. */
    private List<Boolean> replays() {
        return function.bus().events().stream().map(event -> event.detail().path("replay").asBoolean(false)).toList();
    }

    private List<String> results() {
        return function.bus().events().stream().map(event -> event.detail().path("result").asText()).toList();
    }
}
