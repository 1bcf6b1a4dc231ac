package io.datamart.functions.update;

import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Databases;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.StoredDatamarts;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Update checks what it sends against the schema of the datamart's datasource, when that schema is known. */
class UpdateDatamartSchemaTest {
    private LocalDynamoDb db;
    private UpdateDatamartHandler handler;

    @BeforeEach
    void freshDatabaseWithADatamartOnEachDatasource() {
        db = Databases.fresh();
        handler = new UpdateDatamartHandler(Fixtures.api(db));
        ObjectNode onWarehouse = Fixtures.createBody("on-warehouse");
        onWarehouse.put("datasourceName", Fixtures.WAREHOUSE);
        StoredDatamarts.seed(db, Fixtures.DEMO_ORG, onWarehouse);
        StoredDatamarts.seed(db, Fixtures.DEMO_ORG, Fixtures.createBody("on-postgres"));
    }

    private ApiResult update(Payload payload, String body) {
        return ApiCall.to(payload, "PUT", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN).json(body)
                .invoke(handler);
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
        ApiResult result = assertNothingChanged(db, () -> update(payload, """
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
}
