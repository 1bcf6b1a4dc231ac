package io.datamart.functions.create;

import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import java.util.ArrayList;
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

    /**
     * An unknown field on table 0, a column table 1 lacks, a table 2 that does not exist, a
     * relationship column its table lacks: the unknown field used to hide the other three.
     */
    private static final String BROKEN_BODY = """
            {"name": "all-at-once", "datasourceName": "%s",
             "tableList": [
               {"schemaName": "public", "name": "orders", "isHidden": true,
                "columns": [{"name": "order_id"}, {"name": "customer_id"}]},
               {"schemaName": "public", "name": "customers", "columns": [{"name": "id"}, {"name": "emal"}]},
               {"schemaName": "public", "name": "invoices", "columns": [{"name": "invoice_id"}]}],
             "relationships": [{"parentTableName": "orders", "parentColumnName": "customer_id",
               "childTableName": "customers", "childColumnName": "customer_id", "relationshipName": "r"}]}""";

    /** error.details as answered, in order: path and message of each. */
    private static List<List<String>> detailsInOrder(ApiResult result) {
        List<List<String>> details = new ArrayList<>();
        result.body().path("error").path("details").forEach(d ->
                details.add(List.of(d.path("path").asText(), d.path("message").asText())));
        return details;
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void listsTheBodysOwnViolationsAndEverySchemaMissInOneAnswerStoringNothing(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> create(payload, Fixtures.object(BROKEN_BODY.formatted(Fixtures.WAREHOUSE))));

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals("Invalid request body: 4 problems, the first: tableList[0].isHidden is not a known field "
                + "(did you mean 'isHide'?)", result.errorMessage());
        assertEquals(List.of(
                List.of("tableList[0].isHidden", "is not a known field (did you mean 'isHide'?)"),
                List.of("tableList[1].columns[1].name",
                        "names 'emal', which is not a column of table 'public.customers' (did you mean 'email'?)"),
                List.of("tableList[2].name",
                        "names table 'public.invoices', which datasource 'warehouse' does not have"),
                List.of("relationships[0].childColumnName",
                        "names 'customer_id', which is not a column of table 'public.customers'")),
                detailsInOrder(result));
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "all-at-once"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersABrokenBodyOnADatasourceThatDoesNotExistWithItsOwnViolationsNotTheDatasourceError(
            Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> create(payload, Fixtures.object(BROKEN_BODY.formatted("mysql-nowhere"))));

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals(List.of(List.of("tableList[0].isHidden", "is not a known field (did you mean 'isHide'?)")),
                detailsInOrder(result));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersABrokenBodyOnADatasourceWhoseSchemaIsUnknownWithItsOwnViolations(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(),
                () -> create(payload, Fixtures.object(BROKEN_BODY.formatted(Fixtures.DATASOURCE))));

        assertEquals(400, result.status(), result::toString);
        assertEquals(List.of(List.of("tableList[0].isHidden", "is not a known field (did you mean 'isHide'?)")),
                detailsInOrder(result));
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
