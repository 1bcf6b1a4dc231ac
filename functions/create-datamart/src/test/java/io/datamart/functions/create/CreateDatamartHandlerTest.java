package io.datamart.functions.create;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.Fixtures.DOCUMENTED_CREATE_BODY;
import static io.datamart.testing.Fixtures.OTHER_ORG;
import static io.datamart.testing.Fixtures.OTHER_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.Datamart;
import io.datamart.domain.TenancyLevel;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Databases;
import io.datamart.testing.EventFiles;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.SampleEvents;
import io.datamart.testing.StorageCalls;
import io.datamart.testing.StoredDatamarts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Create Datamart through CreateDatamartHandler: routes, success bodies, what is stored, sample events. */
class CreateDatamartHandlerTest {
    static final String NEW_ROUTE = "/api/v2/data-app/datamarts";
    static final String LEGACY_ROUTE = "/api/v2/dataApp/datamarts";

    /** Every optional field of the body, sent, with awkward but valid values. */
    static final String FULL_BODY = """
            {
              "name": "Ventes · 2025 ✓",
              "datasourceName": "postgres-main",
              "tableList": [
                {
                  "name": "orders",
                  "schemaName": "public",
                  "clientColumn": "tenant_id",
                  "label": "  Padded label, kept as sent  ",
                  "indexPattern": "orders-*",
                  "isHide": true,
                  "columns": [
                    {"name": "amount", "alias": "amt", "label": "Montant €", "isHide": true,
                     "isCustomColumn": true, "sql": "SUM(amount) / 100.0", "isAggregate": true, "isApplyTimezone": false},
                    {"name": "created_at", "isApplyTimezone": true, "isCustomColumn": false},
                    {"name": "bare"}
                  ]
                },
                {"name": "orders", "schemaName": "archive", "columns": [{"name": "id"}]},
                {"name": "no_schema", "columns": [{"name": "id"}]}
              ],
              "tenancySettings": {"tenancyLevel": "MULTI_DATABASE", "primaryDatabase": "tenants_main"},
              "relationships": [
                {"parentTableName": "orders", "parentColumnName": "id", "childTableName": "lines",
                 "childColumnName": "order_id", "relationshipName": "r1", "cardinality": null, "join": null},
                {"parentTableName": "orders", "parentColumnName": "id", "childTableName": "refunds",
                 "childColumnName": "order_id", "relationshipName": "r2", "cardinality": "OneToOne", "join": "FULL JOIN"},
                {"parentTableName": "a", "parentColumnName": "b", "childTableName": "c",
                 "childColumnName": "d", "relationshipName": "r3"}
              ]
            }
            """;

    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    private static ApiCall create(Payload payload, String route, String token) {
        return ApiCall.to(payload, "POST", route).bearer(token);
    }

    /** The stored datamart is exactly the accepted body, version 1, created and updated now. */
    private Datamart assertStoredAsAccepted(String organizationId, JsonNode body) {
        Datamart stored = StoredDatamarts.stored(function.db(), organizationId, body.get("name").textValue());
        assertNotNull(stored, "the datamart is stored");
        assertEquals(organizationId, stored.organizationId());
        assertEquals(StoredDatamarts.accepted(body), stored.definition());
        assertEquals(1, stored.version());
        assertEquals(stored.createdAt(), stored.updatedAt());
        assertTrue(Duration.between(stored.createdAt(), Instant.now()).abs().toSeconds() < 60, "created just now");
        Map<String, AttributeValue> raw = function.db().rawDatamart(organizationId, body.get("name").textValue());
        assertEquals(stored.createdAt(), Instant.parse(raw.get("createdAt").s()), "createdAt is ISO-8601");
        assertTrue(raw.get("createdAt").s().endsWith("Z"), "createdAt is in UTC");
        assertTrue(raw.get("updatedAt").s().endsWith("Z"), "updatedAt is in UTC");
        return stored;
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void createsTheDocumentedDatamartOnTheNewRouteWithoutDeprecationHeaders(Payload payload) {
        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY)
                .invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertDeprecation(result, false);
        assertStoredAsAccepted(DEMO_ORG, Fixtures.documentedCreateBody());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void createsTheDocumentedDatamartOnTheLegacyRouteWithDeprecationHeaders(Payload payload) {
        ApiResult result = create(payload, LEGACY_ROUTE, DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY)
                .invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertDeprecation(result, true);
        assertStoredAsAccepted(DEMO_ORG, Fixtures.documentedCreateBody());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void storesEveryOptionalFieldExactlyAsSent(Payload payload) {
        ObjectNode body = Fixtures.object(FULL_BODY);

        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(FULL_BODY).invoke(function.handler());

        assertSuccess(result, idWithNullError("Ventes · 2025 ✓"));
        Datamart stored = assertStoredAsAccepted(DEMO_ORG, body);
        var orders = stored.definition().tableList().get(0);
        assertEquals("  Padded label, kept as sent  ", orders.label());
        assertEquals("orders-*", orders.indexPattern());
        assertEquals("SUM(amount) / 100.0", orders.columns().get(0).sql());
        assertEquals(Boolean.TRUE, orders.columns().get(0).isAggregate());
        assertEquals(Boolean.TRUE, orders.columns().get(1).isApplyTimezone());
        assertEquals(3, stored.definition().tableList().size());
        assertEquals("tenants_main", stored.definition().tenancySettings().primaryDatabase());
        assertEquals(TenancyLevel.MULTI_DATABASE, stored.definition().tenancySettings().tenancyLevel());
        assertNull(stored.definition().relationships().get(0).cardinality());
        assertNull(stored.definition().relationships().get(0).join());
        assertEquals(3, stored.definition().relationships().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DATABASE", "MULTI_DATABASE"})
    void databaseTenancyKeepsThePrimaryDatabase(String level) {
        ObjectNode body = Fixtures.documentedCreateBody();
        body.set("tenancySettings", Fixtures.object(
                "{\"tenancyLevel\": \"" + level + "\", \"primaryDatabase\": \"analytics_primary\"}"));

        ApiResult result = create(Payload.HTTP_API, NEW_ROUTE, DEMO_TOKEN).json(body.toString())
                .invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        Datamart stored = assertStoredAsAccepted(DEMO_ORG, body);
        assertEquals("analytics_primary", stored.definition().tenancySettings().primaryDatabase());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void tableTenancyStoresThePrimaryDatabaseAsNull(Payload payload) {
        ObjectNode body = Fixtures.documentedCreateBody();
        ((ObjectNode) body.get("tenancySettings")).put("primaryDatabase", "ignored_for_table_tenancy");

        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(body.toString()).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        Datamart stored = assertStoredAsAccepted(DEMO_ORG, body);
        assertNull(stored.definition().tenancySettings().primaryDatabase());
        AttributeValue primaryDatabase = function.db().rawDatamart(DEMO_ORG, "sales-analytics")
                .get("tenancySettings").m().get("primaryDatabase");
        assertEquals(Boolean.TRUE, primaryDatabase.nul(), "stored as NULL");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void acceptsABase64EncodedBody(Payload payload) {
        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY).base64Encoded()
                .invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertStoredAsAccepted(DEMO_ORG, Fixtures.documentedCreateBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=utf-8", "application/json;charset=UTF-8",
            "Application/JSON", "application/json; charset=\"utf-8\""})
    void acceptsAJsonContentTypeWithACharsetParameter(String contentType) {
        for (Payload payload : Payload.values()) {
            Databases.fresh();
            ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).header("Content-Type", contentType)
                    .body(DOCUMENTED_CREATE_BODY).invoke(function.handler());

            assertSuccess(result, idWithNullError("sales-analytics"));
            assertStoredAsAccepted(DEMO_ORG, Fixtures.documentedCreateBody());
        }
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void theSameNameInTwoOrganizationsIsTwoSeparateDatamarts(Payload payload) {
        ObjectNode demoBody = Fixtures.documentedCreateBody();
        ObjectNode acmeBody = Fixtures.documentedCreateBody();
        ((ObjectNode) acmeBody.get("tableList").get(0)).put("label", "Acme orders");

        ApiResult demo = create(payload, NEW_ROUTE, DEMO_TOKEN).json(demoBody.toString()).invoke(function.handler());
        ApiResult acme = create(payload, NEW_ROUTE, OTHER_TOKEN).json(acmeBody.toString()).invoke(function.handler());

        assertSuccess(demo, idWithNullError("sales-analytics"));
        assertSuccess(acme, idWithNullError("sales-analytics"));
        Datamart demoStored = assertStoredAsAccepted(DEMO_ORG, demoBody);
        Datamart acmeStored = assertStoredAsAccepted(OTHER_ORG, acmeBody);
        assertNotEquals(demoStored.definition(), acmeStored.definition());
        assertEquals("Acme orders", acmeStored.definition().tableList().get(0).label());
        assertEquals("Customer Orders", demoStored.definition().tableList().get(0).label());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aTokenCreatesInItsOwnOrganizationOnly(Payload payload) {
        ApiResult result = create(payload, NEW_ROUTE, OTHER_TOKEN).json(DOCUMENTED_CREATE_BODY)
                .invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertStoredAsAccepted(OTHER_ORG, Fixtures.documentedCreateBody());
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "nothing in the demo organization");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void namesAreCaseSensitive(Payload payload) {
        ApiResult lower = create(payload, NEW_ROUTE, DEMO_TOKEN).json(Fixtures.createBody("sales").toString())
                .invoke(function.handler());
        ApiResult upper = create(payload, NEW_ROUTE, DEMO_TOKEN).json(Fixtures.createBody("Sales").toString())
                .invoke(function.handler());

        assertSuccess(lower, idWithNullError("sales"));
        assertSuccess(upper, idWithNullError("Sales"));
        assertStoredAsAccepted(DEMO_ORG, Fixtures.createBody("sales"));
        assertStoredAsAccepted(DEMO_ORG, Fixtures.createBody("Sales"));
    }

    @ParameterizedTest
    @ValueSource(strings = {" padded name ", "sales analytics/β+1", "a", "名前-🚀-ünïcödé", "x?y&z=1#frag"})
    void namesAreStoredAsSent(String name) {
        ApiResult result = create(Payload.REST_API, NEW_ROUTE, DEMO_TOKEN).json(Fixtures.createBody(name).toString())
                .invoke(function.handler());

        assertSuccess(result, idWithNullError(name));
        assertStoredAsAccepted(DEMO_ORG, Fixtures.createBody(name));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aNameOf255CharactersIsAccepted(Payload payload) {
        String name = "🚀".repeat(255);

        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(Fixtures.createBody(name).toString())
                .invoke(function.handler());

        assertSuccess(result, idWithNullError(name));
        assertStoredAsAccepted(DEMO_ORG, Fixtures.createBody(name));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aCreateIsOneConditionalTransactionAfterReadingTheTokenAndTheDatasource(Payload payload) {
        FaultInjectingDynamoDbClient spy = new FaultInjectingDynamoDbClient(function.db().client());
        CreateDatamartHandler counted = new CreateDatamartHandler(Fixtures.api(function.db(), spy));

        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY).invoke(counted);

        assertSuccess(result, idWithNullError("sales-analytics"));
        StorageCalls.assertReadsThenOnly(spy, 2, FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS);
        assertStoredAsAccepted(DEMO_ORG, Fixtures.documentedCreateBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "content-type", "CONTENT-TYPE", "cOnTeNt-TyPe"})
    void theContentTypeHeaderNameIsCaseInsensitive(String headerName) {
        for (Payload payload : Payload.values()) {
            Databases.fresh();
            ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).header(headerName, "application/json")
                    .body(DOCUMENTED_CREATE_BODY).invoke(function.handler());

            assertSuccess(result, idWithNullError("sales-analytics"));
            assertStoredAsAccepted(DEMO_ORG, Fixtures.documentedCreateBody());
        }
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void controlCharactersInALabelAreAnInvalidRequestBodyAndNothingIsStored(Payload payload) {
        ObjectNode body = Fixtures.documentedCreateBody();
        ((ObjectNode) body.get("tableList").get(0)).put("label", "tab\there, nul\u0000there, bell\u0007");

        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(body.toString()).invoke(function.handler());

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals(Map.of("tableList[0].label", "must not contain control characters"), result.details());
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void unicodeOutsideTheNameIsStoredAsSent(Payload payload) {
        ObjectNode body = Fixtures.documentedCreateBody();
        ((ObjectNode) body.get("tableList").get(0).get("columns").get(0)).put("label", " « Line » \uD83D\uDE80 ")
                .put("alias", "Order · ID");

        ApiResult result = create(payload, NEW_ROUTE, DEMO_TOKEN).json(body.toString()).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        Datamart stored = assertStoredAsAccepted(DEMO_ORG, body);
        assertEquals(" « Line » \uD83D\uDE80 ", stored.definition().tableList().get(0).columns().get(0).label());
    }

    static Stream<Path> sampleEvents() {
        return EventFiles.in("create").stream();
    }

    @ParameterizedTest
    @MethodSource("sampleEvents")
    void everySampleEventCreatesTheDatamartItCarries(Path file) {
        JsonNode event = SampleEvents.read(file);

        ApiResult result = ApiCall.invokeEvent(function.handler(), EventFiles.read(file));

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertDeprecation(result, SampleEvents.isLegacy(event));
        assertStoredAsAccepted(DEMO_ORG, Fixtures.object(SampleEvents.body(event)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("io.datamart.testing.ForeignRoutes#notServedByCreate")
    void routesOfOtherFunctionsAreNotFound(Payload payload, String method, String path) {
        HandlerChecks.assertRouteNotServed(function.db(), function.handler(), payload, method, path,
                DOCUMENTED_CREATE_BODY);

        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }
}
