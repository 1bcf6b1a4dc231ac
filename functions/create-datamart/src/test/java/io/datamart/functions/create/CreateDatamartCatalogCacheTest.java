package io.datamart.functions.create;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The datasource catalog a create validates against is read once and used again: in the
 * steady state a create is the token lookup (uncached in the tests) and its transaction.
 * The transaction requires the datasource at the revision validated against, so a
 * catalog changed in between is caught by DynamoDB and the create validated again.
 */
class CreateDatamartCatalogCacheTest {
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    private ApiResult create(String name, String table) {
        ObjectNode body = Fixtures.object("""
                {"name": "%s", "datasourceName": "%s",
                 "tableList": [{"schemaName": "public", "name": "%s", "columns": [{"name": "id"}]}]}"""
                .formatted(name, Fixtures.WAREHOUSE, table));
        return ApiCall.to(Payload.HTTP_API, "POST", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN)
                .json(body.toString()).invoke(function.handler());
    }

    private static void saveCatalog(List<DatasourceTable> catalog) {
        new DatasourceRepository(function.db().client(), function.db().tables(), Clock.systemUTC())
                .save(Fixtures.DEMO_ORG, Fixtures.WAREHOUSE, catalog);
    }

    private static List<DatasourceTable> catalogWith(String table) {
        List<DatasourceTable> catalog = new ArrayList<>(Fixtures.CATALOG);
        catalog.add(new DatasourceTable("public", table, List.of(new DatasourceColumn("id", null))));
        return catalog;
    }

    @Test
    void readsTheCatalogOnceThenCreatesInOneWrite() {
        assertEquals(200, create("first", "customers").status());
        int readsBefore = function.dynamoDb().calls(Operation.GET_ITEM);

        ApiResult second = create("second", "customers");

        assertEquals(200, second.status(), second::toString);
        assertEquals(1, function.dynamoDb().calls(Operation.GET_ITEM) - readsBefore, "the token alone");
        assertEquals(2, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "one write each");
    }

    @Test
    void seesACatalogChangedBetweenTwoCreates() {
        assertEquals(200, create("first", "customers").status());
        saveCatalog(catalogWith("refunds")); // a new revision, while the old catalog is cached

        ApiResult usesTheNewTable = create("second", "refunds");

        assertEquals(200, usesTheNewTable.status(), "validated again against the new catalog: " + usesTheNewTable);
    }

    @Test
    void catchesACatalogChangedBetweenValidationAndTheWrite() {
        assertEquals(200, create("first", "customers").status());
        // Changed after the second create validated against the remembered catalog.
        function.dynamoDb().beforeCall(Operation.TRANSACT_WRITE_ITEMS, 2, () -> saveCatalog(catalogWith("refunds")));

        ApiResult second = create("second", "customers");

        assertEquals(200, second.status(), second::toString);
        assertEquals(3, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS),
                "the write against the old revision was refused by DynamoDB, the one validated again committed");
    }

    @Test
    void refusesATableRemovedFromTheCatalogSinceItWasRead() {
        saveCatalog(catalogWith("refunds"));
        assertEquals(200, create("first", "refunds").status());
        saveCatalog(Fixtures.CATALOG); // refunds gone

        ApiResult stale = create("second", "refunds");

        assertEquals(400, stale.status(), stale::toString);
        assertEquals("INVALID_REQUEST_BODY", stale.errorCode());
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "second"));
    }

    @Test
    void answersADatasourceRemovedSinceItWasReadAsUnknown() {
        assertEquals(200, create("first", "customers").status());
        new DatasourceRepository(function.db().client(), function.db().tables(), Clock.systemUTC())
                .delete(Fixtures.DEMO_ORG, Fixtures.WAREHOUSE);

        ApiResult gone = create("second", "customers");

        assertEquals(400, gone.status(), gone::toString);
        assertEquals("DATASOURCE_NAME_ERROR", gone.errorCode());
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "second"));
    }
}
