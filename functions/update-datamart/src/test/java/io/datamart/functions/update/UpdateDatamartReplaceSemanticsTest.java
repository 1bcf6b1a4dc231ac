package io.datamart.functions.update;

import static io.datamart.functions.update.UpdateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.ClientColumnType;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.TenancyLevel;
import io.datamart.domain.TenancySettings;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What an update stores: each part sent replaces the stored one whole, each part omitted
 * stays, primaryDatabase survives only DATABASE and MULTI_DATABASE tenancy, and every
 * update bumps the version and updatedAt but never createdAt.
 */
class UpdateDatamartReplaceSemanticsTest {
    /** Two tables, DATABASE tenancy with a primary database, two relationships. */
    private static final String RICH_DATAMART = """
            {
              "name": "rich",
              "datasourceName": "postgres-main",
              "tableList": [
                {"name": "orders", "schemaName": "public", "label": "Orders",
                 "columns": [{"name": "id"}, {"name": "total", "isAggregate": true}]},
                {"name": "customers", "schemaName": "public", "columns": [{"name": "id"}, {"name": "email"}]}
              ],
              "tenancySettings": {"tenancyLevel": "DATABASE", "primaryDatabase": "primary_db"},
              "relationships": [
                {"parentTableName": "orders", "parentColumnName": "customer_id", "childTableName": "customers",
                 "childColumnName": "id", "relationshipName": "r1", "cardinality": "ManyToOne", "join": "LEFT JOIN"},
                {"parentTableName": "orders", "parentColumnName": "id", "childTableName": "lines",
                 "childColumnName": "order_id", "relationshipName": "r2"}
              ]
            }
            """;

    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()))
            .seeded(db -> StoredDatamarts.seed(db, DEMO_ORG, Fixtures.object(RICH_DATAMART)));

    private DatamartDefinition before;

    @BeforeEach
    void readTheRichDatamartBack() {
        before = StoredDatamarts.stored(function.db(), DEMO_ORG, "rich").definition();
    }

    /** Sends the update, expects 200 {"id": "rich"}, and checks the store against the replace rules. */
    private Datamart update(Payload payload, String body) {
        ApiResult result = ApiCall.to(payload, "PUT", NEW_ROUTE).bearer(DEMO_TOKEN).json(body)
                .invoke(function.handler());
        assertSuccess(result, idOnly("rich"));
        Datamart stored = StoredDatamarts.stored(function.db(), DEMO_ORG, "rich");
        assertEquals(StoredDatamarts.afterUpdate(before, StoredDatamarts.acceptedUpdate(Fixtures.object(body))),
                stored.definition());
        return stored;
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aTableListReplacesTheWholeListAndTheOtherPartsStay(Payload payload) {
        Datamart stored = update(payload, """
                {"datamartName": "rich",
                 "tableList": [{"name": "invoices", "columns": [{"name": "number", "label": "No."}]}]}
                """);

        assertEquals(1, stored.definition().tableList().size(), "the two stored tables are gone");
        assertEquals("invoices", stored.definition().tableList().get(0).name());
        assertEquals(before.tenancySettings(), stored.definition().tenancySettings(), "tenancy stays");
        assertEquals(before.relationships(), stored.definition().relationships(), "relationships stay");
        assertEquals("primary_db", stored.definition().tenancySettings().primaryDatabase());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void relationshipsReplaceAllRelationshipsAndTheOtherPartsStay(Payload payload) {
        Datamart stored = update(payload, """
                {"datamartName": "rich", "relationships": [
                  {"parentTableName": "a", "parentColumnName": "b", "childTableName": "c", "childColumnName": "d",
                   "relationshipName": "only", "cardinality": "OneToMany", "join": "RIGHT JOIN"}]}
                """);

        assertEquals(1, stored.definition().relationships().size());
        assertEquals("only", stored.definition().relationships().get(0).relationshipName());
        assertEquals(before.tableList(), stored.definition().tableList(), "tables stay");
        assertEquals(before.tenancySettings(), stored.definition().tenancySettings(), "tenancy stays");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void anEmptyRelationshipListClearsTheRelationships(Payload payload) {
        Datamart stored = update(payload, "{\"datamartName\": \"rich\", \"relationships\": []}");

        assertEquals(List.of(), stored.definition().relationships());
        assertEquals(List.of(), function.db().rawDatamart(DEMO_ORG, "rich").get("relationships").l());
        assertEquals(before.tableList(), stored.definition().tableList());
        assertEquals(before.tenancySettings(), stored.definition().tenancySettings());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void tenancySettingsReplaceTheStoredOnesWhole(Payload payload) {
        Datamart stored = update(payload, """
                {"datamartName": "rich", "tenancySettings": {"tenancyLevel": "TABLE", "clientColumnType": "NUMBER",
                 "schemaName": "public", "tableName": "clients", "tableClientNameColumn": "name",
                 "tablePrimaryKeyColumn": "id"}}
                """);

        assertEquals(new TenancySettings(TenancyLevel.TABLE, ClientColumnType.NUMBER, "public", "clients", "name",
                "id", null), stored.definition().tenancySettings());
        assertEquals(before.tableList(), stored.definition().tableList());
        assertEquals(before.relationships(), stored.definition().relationships());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void tableTenancyStoresThePrimaryDatabaseAsNull(Payload payload) {
        Datamart stored = update(payload, """
                {"datamartName": "rich", "tenancySettings": {"tenancyLevel": "TABLE", "clientColumnType": "STRING",
                 "schemaName": "public", "tableName": "clients", "tableClientNameColumn": "name",
                 "tablePrimaryKeyColumn": "id", "primaryDatabase": "sent_but_dropped"}}
                """);

        assertNull(stored.definition().tenancySettings().primaryDatabase());
        Map<String, AttributeValue> tenancy = function.db().rawDatamart(DEMO_ORG, "rich").get("tenancySettings").m();
        assertEquals(Boolean.TRUE, tenancy.get("primaryDatabase").nul(), "stored as NULL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"primaryDatabase\": \"sent_but_dropped\"}",
            "{\"clientColumnType\": \"NUMBER\", \"primaryDatabase\": \"sent_but_dropped\"}", "{}"})
    void tenancySettingsWithoutALevelStoreThePrimaryDatabaseAsNull(String tenancy) {
        for (Payload payload : Payload.values()) {
            Datamart stored = update(payload, "{\"datamartName\": \"rich\", \"tenancySettings\": " + tenancy + "}");

            assertNull(stored.definition().tenancySettings().primaryDatabase(), "primaryDatabase becomes null");
            assertNull(stored.definition().tenancySettings().tenancyLevel(), "the settings are replaced whole");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"DATABASE", "MULTI_DATABASE"})
    void databaseTenancyKeepsThePrimaryDatabase(String level) {
        for (Payload payload : Payload.values()) {
            Datamart stored = update(payload, "{\"datamartName\": \"rich\", \"tenancySettings\": {\"tenancyLevel\": \""
                    + level + "\", \"primaryDatabase\": \"replica_" + payload + "\"}}");

            assertEquals("replica_" + payload, stored.definition().tenancySettings().primaryDatabase());
            assertEquals(TenancyLevel.valueOf(level), stored.definition().tenancySettings().tenancyLevel());
        }
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void databaseTenancyWithANullPrimaryDatabaseStoresNull(Payload payload) {
        Datamart stored = update(payload, "{\"datamartName\": \"rich\", \"tenancySettings\": "
                + "{\"tenancyLevel\": \"DATABASE\", \"primaryDatabase\": null}}");

        assertNull(stored.definition().tenancySettings().primaryDatabase());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void everyUpdateBumpsTheVersionByOneAndUpdatedAtButNeverCreatedAt(Payload payload) throws InterruptedException {
        Datamart created = StoredDatamarts.stored(function.db(), DEMO_ORG, "rich");
        assertEquals(1, created.version());
        Instant lastUpdatedAt = created.updatedAt();
        for (int update = 1; update <= 3; update++) {
            Thread.sleep(3);
            ObjectNode body = Fixtures.object("{\"datamartName\": \"rich\"}");
            body.putArray("relationships");

            Datamart stored = update(payload, body.toString());

            assertEquals(1 + update, stored.version(), "version after update " + update);
            assertEquals(created.createdAt(), stored.createdAt(), "createdAt never changes");
            assertTrue(stored.updatedAt().isAfter(lastUpdatedAt), "updatedAt moves on with update " + update);
            String raw = function.db().rawDatamart(DEMO_ORG, "rich").get("updatedAt").s();
            assertEquals(stored.updatedAt(), Instant.parse(raw), "updatedAt is ISO-8601");
            assertTrue(raw.endsWith("Z"), "updatedAt is in UTC: " + raw);
            lastUpdatedAt = stored.updatedAt();
        }
    }
}
