package io.datamart.functions.create;

import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.BrokenParts;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Create against a datasource whose schema is known (Fixtures.WAREHOUSE) and one whose schema is not. */
class CreateDatamartSchemaTest {
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    private ApiResult create(Payload payload, ObjectNode body) {
        return ApiCall.to(payload, "POST", "/api/v2/data-app/datamarts").bearer(Fixtures.DEMO_TOKEN)
                .json(body.toString()).invoke(function.handler());
    }

    private static ObjectNode onWarehouse() {
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("datasourceName", Fixtures.WAREHOUSE);
        return body;
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void createsTheDocumentedDatamartOnADatasourceWhoseSchemaHasItsNames(Payload payload) {
        ApiResult result = create(payload, onWarehouse());

        assertEquals(200, result.status(), result::toString);
        assertNotNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void refusesNamesTheSchemaDoesNotHaveListingEveryOneAndStoringNothing(Payload payload) {
        ObjectNode body = onWarehouse();
        ObjectNode table = (ObjectNode) body.path("tableList").path(0);
        table.put("clientColumn", "tenantid");
        ((ObjectNode) table.path("columns").path(1)).put("name", "customerid");
        ((ObjectNode) body.path("tenancySettings")).put("tableName", "client_mappings");
        ((ObjectNode) body.path("relationships").path(0)).put("childColumnName", "ident");

        ApiResult result = assertNothingChanged(function.db(), () -> create(payload, body));

        assertEquals(400, result.status());
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals(Map.of(
                "tableList[0].clientColumn",
                "names 'tenantid', which is not a column of table 'public.orders' (did you mean 'tenant_id'?)",
                "tableList[0].columns[1].name",
                "names 'customerid', which is not a column of table 'public.orders' (did you mean 'customer_id'?)",
                "tenancySettings.tableName",
                "names table 'public.client_mappings', which datasource 'warehouse' does not have "
                        + "(did you mean 'public.client_mapping'?)",
                "relationships[0].childColumnName",
                "names 'ident', which is not a column of table 'public.customers'"), result.details());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void listsTheBodysOwnViolationsAndEverySchemaMissInOneAnswerStoringNothing(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> create(payload, Fixtures.object(BrokenParts.create(Fixtures.WAREHOUSE))));

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals("Invalid request body: 4 problems, the first: tableList[0].isHidden is not a known field "
                + "(did you mean 'isHide'?)", result.errorMessage());
        assertEquals(BrokenParts.WAREHOUSE_DETAILS,
                BrokenParts.detailsInOrder(result.body().path("error")));
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "all-at-once"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersABrokenBodyOnADatasourceThatDoesNotExistWithItsOwnViolationsNotTheDatasourceError(
            Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> create(payload, Fixtures.object(BrokenParts.create("mysql-nowhere"))));

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals(BrokenParts.OWN_DETAILS,
                BrokenParts.detailsInOrder(result.body().path("error")));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersABrokenBodyOnADatasourceWhoseSchemaIsUnknownWithItsOwnViolations(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> create(payload, Fixtures.object(BrokenParts.create(Fixtures.DATASOURCE))));

        assertEquals(400, result.status(), result::toString);
        assertEquals(BrokenParts.OWN_DETAILS,
                BrokenParts.detailsInOrder(result.body().path("error")));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void skipsTheSchemaChecksWhenTheDatasourcesSchemaIsUnknown(Payload payload) {
        ObjectNode body = Fixtures.documentedCreateBody(); // postgres-main: no schema in the fixtures
        ((ObjectNode) body.path("tableList").path(0)).put("name", "no_such_table");

        ApiResult result = create(payload, body);

        assertEquals(200, result.status(), result::toString);
    }
}
