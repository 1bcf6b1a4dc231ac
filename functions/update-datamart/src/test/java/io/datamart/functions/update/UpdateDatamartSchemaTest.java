package io.datamart.functions.update;

import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.BrokenParts;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Update checks what it sends against the schema of the datamart's datasource, when that schema is known. */
class UpdateDatamartSchemaTest {
    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()))
            .seeded(db -> {
                ObjectNode onWarehouse = Fixtures.createBody("on-warehouse");
                onWarehouse.put("datasourceName", Fixtures.WAREHOUSE);
                StoredDatamarts.seed(db, Fixtures.DEMO_ORG, onWarehouse);
                StoredDatamarts.seed(db, Fixtures.DEMO_ORG, Fixtures.createBody("on-postgres"));
            });

    private ApiResult update(Payload payload, String body) {
        return ApiCall.to(payload, "PUT", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN).json(body)
                .invoke(function.handler());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void acceptsNamesTheSchemaHas(Payload payload) {
        ApiResult result = update(payload, """
                {"datamartName": "on-warehouse",
                 "tableList": [{"schemaName": "audit", "name": "events", "columns": [{"name": "actor"}]}],
                 "relationships": [{"parentTableName": "orders", "parentColumnName": "customer_id",
                   "childTableName": "customers", "childColumnName": "id", "relationshipName": "r"}]}""");
        assertEquals(200, result.status(), result::toString);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void refusesNamesTheSchemaDoesNotHaveAndChangesNothing(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> update(payload, """
                {"datamartName": "on-warehouse",
                 "tableList": [{"schemaName": "public", "name": "orders", "columns": [{"name": "order_idd"}]}],
                 "tenancySettings": {"tenancyLevel": "TABLE", "clientColumnType": "NUMBER", "schemaName": "public",
                   "tableName": "client_mapping", "tableClientNameColumn": "client_name",
                   "tablePrimaryKeyColumn": "key"}}"""));

        assertEquals(400, result.status());
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals(Map.of(
                "tableList[0].columns[0].name",
                "names 'order_idd', which is not a column of table 'public.orders' (did you mean 'order_id'?)",
                "tenancySettings.tablePrimaryKeyColumn",
                "names 'key', which is not a column of table 'public.client_mapping'"), result.details());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void listsTheBodysOwnViolationsAndEverySchemaMissInOneAnswerChangingNothing(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> update(payload, BrokenParts.update("on-warehouse")));

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals("Invalid request body: 4 problems, the first: tableList[0].isHidden is not a known field "
                + "(did you mean 'isHide'?)", result.errorMessage());
        assertEquals(BrokenParts.WAREHOUSE_DETAILS,
                BrokenParts.detailsInOrder(result.body().path("error")));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void checksTheRelationshipsOfABrokenUpdateThroughTheStoredTableList(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> update(payload, """
                {"datamartName": "on-warehouse", "datasourceName": "postgres-main",
                 "relationships": [{"parentTableName": "orders", "parentColumnName": "customer",
                   "childTableName": "customers", "childColumnName": "id", "relationshipName": "r", "join": "JOIN"}]}"""));

        assertEquals(400, result.status(), result::toString);
        assertEquals(List.of(
                List.of("datasourceName", "cannot be changed by an update: delete the datamart and create it again "
                        + "with the other datasource"),
                List.of("relationships[0].join", "must be one of INNER JOIN, LEFT JOIN, RIGHT JOIN, FULL JOIN, not 'JOIN'"),
                List.of("relationships[0].parentColumnName",
                        "names 'customer', which is not a column of table 'public.orders' (did you mean 'customer_id'?)")),
                BrokenParts.detailsInOrder(result.body().path("error")));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersABrokenUpdateOfADatamartThatDoesNotExistWithItsOwnViolationsNotInvalidDatamart(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> update(payload, BrokenParts.update("no-such-datamart")));

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals(BrokenParts.OWN_DETAILS,
                BrokenParts.detailsInOrder(result.body().path("error")));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersABrokenUpdateOnADatasourceWhoseSchemaIsUnknownWithItsOwnViolations(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> update(payload, BrokenParts.update("on-postgres")));

        assertEquals(400, result.status(), result::toString);
        assertEquals(BrokenParts.OWN_DETAILS,
                BrokenParts.detailsInOrder(result.body().path("error")));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void resolvesRelationshipTablesThroughTheStoredTableListWhenTheUpdateKeepsIt(Payload payload) {
        ApiResult result = update(payload, """
                {"datamartName": "on-warehouse",
                 "relationships": [{"parentTableName": "orders", "parentColumnName": "customer",
                   "childTableName": "customers", "childColumnName": "id", "relationshipName": "r"}]}""");

        assertEquals(Map.of("relationships[0].parentColumnName",
                "names 'customer', which is not a column of table 'public.orders' (did you mean 'customer_id'?)"),
                result.details());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void skipsTheChecksForADatamartWhoseDatasourceSchemaIsUnknown(Payload payload) {
        ApiResult result = update(payload, """
                {"datamartName": "on-postgres",
                 "tableList": [{"name": "anything", "columns": [{"name": "at_all"}]}]}""");
        assertEquals(200, result.status(), result::toString);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void validatesAgainAgainstADatamartDeletedAndCreatedAgainUnderTheUpdate(Payload payload) {
        // The update is valid for on-postgres as read (schema unknown), but right after that
        // read the datamart is deleted and created again on the warehouse, whose schema lacks
        // the table: the write must not land on the new datamart unchecked.
        FaultInjectingDynamoDbClient racing = new FaultInjectingDynamoDbClient(function.db().client());
        racing.afterCall(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 2, () -> {
            function.db().client().deleteItem(r -> r.tableName(function.db().tables().datamarts()).key(Map.of(
                    "organizationId", AttributeValue.fromS(Fixtures.DEMO_ORG),
                    "name", AttributeValue.fromS("on-postgres"))));
            sleepAMillisecond(); // a new incarnation has a later createdAt
            ObjectNode again = Fixtures.createBody("on-postgres");
            again.put("datasourceName", Fixtures.WAREHOUSE);
            StoredDatamarts.seed(function.db(), Fixtures.DEMO_ORG, again);
        });
        UpdateDatamartHandler raced = new UpdateDatamartHandler(Fixtures.api(function.db(), racing));

        ApiResult result = ApiCall.to(payload, "PUT", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN)
                .json("""
                        {"datamartName": "on-postgres",
                         "tableList": [{"name": "no_such_table", "columns": [{"name": "x"}]}]}""")
                .invoke(raced);

        assertEquals(400, result.status(), result::toString);
        assertEquals("names table 'no_such_table', which datasource 'warehouse' does not have",
                result.details().get("tableList[0].name"));
        assertEquals("orders", StoredDatamarts.stored(function.db(), Fixtures.DEMO_ORG, "on-postgres").definition()
                .tableList().get(0).name(), "the new datamart is as it was created");
    }

    private static ApiResult update(UpdateDatamartHandler handler, Payload payload, String body) {
        return ApiCall.to(payload, "PUT", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN).json(body)
                .invoke(handler);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void validatesAgainWhenAnotherUpdateChangesTheTableListUnderIt(Payload payload) {
        // Relationships on events.actor are valid while the datamart's events table is audit's
        // (which has actor). Another update, landing between this one's read and its write,
        // makes it public's (which has not): written now, the relationships would name a column
        // the datamart's table lacks. The write is conditioned on the version read, so this
        // update reads again, validates again, and is refused.
        UpdateDatamartHandler other = new UpdateDatamartHandler(Fixtures.api(function.db()));
        assertEquals(200, update(other, payload, """
                {"datamartName": "on-warehouse", "tableList": [{"schemaName": "audit", "name": "events",
                  "columns": [{"name": "event_id"}, {"name": "actor"}]}]}""").status());
        function.dynamoDb().beforeCall(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS, 1, () ->
                assertEquals(200, update(other, payload, """
                        {"datamartName": "on-warehouse", "tableList": [{"schemaName": "public", "name": "events",
                          "columns": [{"name": "event_id"}, {"name": "occurred_at"}]}]}""").status()));

        ApiResult result = update(function.handler(), payload, """
                {"datamartName": "on-warehouse", "relationships": [{"parentTableName": "events",
                  "parentColumnName": "actor", "childTableName": "events", "childColumnName": "event_id",
                  "relationshipName": "who"}]}""");

        assertEquals(400, result.status(), result::toString);
        assertEquals("names 'actor', which is not a column of table 'public.events'",
                result.details().get("relationships[0].parentColumnName"));
        var stored = StoredDatamarts.stored(function.db(), Fixtures.DEMO_ORG, "on-warehouse").definition();
        assertEquals("public", stored.tableList().get(0).schemaName(), "the other update stands");
        assertTrue(stored.relationships().stream().noneMatch(r -> r.relationshipName().equals("who")),
                "and this one wrote nothing");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersConcurrentModificationAfterLosingEveryTry(Payload payload) {
        // Each conditional write finds the datamart changed since it was read (as when other
        // writers keep landing first): after the bounded retries, 409 and nothing written.
        var before = function.db().rawDatamart(Fixtures.DEMO_ORG, "on-warehouse");
        function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS, 3,
                () -> TransactionCanceledException.builder().message("Transaction cancelled")
                        .cancellationReasons(CancellationReason.builder().code("ConditionalCheckFailed").build(),
                                CancellationReason.builder().code("None").build())
                        .statusCode(400).build());

        ApiResult result = update(function.handler(), payload,
                "{\"datamartName\": \"on-warehouse\", \"relationships\": []}");

        assertEquals(409, result.status(), result::toString);
        assertEquals("CONCURRENT_MODIFICATION", result.errorCode());
        assertEquals("Datamart changed while this request ran; retry", result.errorMessage());
        assertEquals(3, function.dynamoDb().calls(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS));
        assertEquals(before, function.db().rawDatamart(Fixtures.DEMO_ORG, "on-warehouse"));
    }

    private static void sleepAMillisecond() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
