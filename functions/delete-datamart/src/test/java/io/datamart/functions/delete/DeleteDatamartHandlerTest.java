package io.datamart.functions.delete;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.Fixtures.OTHER_ORG;
import static io.datamart.testing.Fixtures.OTHER_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.EventFiles;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.SampleEvents;
import io.datamart.testing.StorageCalls;
import io.datamart.testing.StoredDatamarts;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Delete Datamart through DeleteDatamartHandler: its three routes, missing datamarts, organizations, events. */
class DeleteDatamartHandlerTest {
    static final String SPECIAL_NAME = "sales analytics/β+1";

    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void deletesTheDatamartAndAnswersWithItsId(Payload payload, DeleteRoute route) {
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody("neighbour"));

        ApiResult result = route.naming(payload, "sales-analytics").bearer(DEMO_TOKEN).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertDeprecation(result, route.legacy);
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "the datamart is gone");
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "neighbour"), "only that one");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void aMissingDatamartIsNotFound(Payload payload, DeleteRoute route) {
        ApiResult result = assertNothingChanged(function.db(), () -> route.naming(payload, "never-created")
                .bearer(DEMO_TOKEN)
                .invoke(function.handler()));

        assertError(result, 400, "INVALID_REQUEST_BODY", "Datamart not found");
        assertDeprecation(result, route.legacy);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void deletingTwiceIsNotFoundTheSecondTime(Payload payload, DeleteRoute route) {
        ApiResult first = route.naming(payload, "sales-analytics").bearer(DEMO_TOKEN).invoke(function.handler());
        ApiResult second = assertNothingChanged(function.db(), () -> route.naming(payload, "sales-analytics")
                .bearer(DEMO_TOKEN)
                .invoke(function.handler()));

        assertSuccess(first, idWithNullError("sales-analytics"));
        assertError(second, 400, "INVALID_REQUEST_BODY", "Datamart not found");
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void aNameWithSpecialCharactersRoundTrips(Payload payload, DeleteRoute route) {
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(SPECIAL_NAME));

        ApiResult result = route.naming(payload, SPECIAL_NAME).bearer(DEMO_TOKEN).invoke(function.handler());

        assertSuccess(result, idWithNullError(SPECIAL_NAME));
        assertNull(function.db().rawDatamart(DEMO_ORG, SPECIAL_NAME));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sales%20analytics%2F%CE%B2%2B1", "sales+analytics%2f%ce%b2%2b1",
            "sales%20analytics/%CE%B2%2B1"})
    void aPercentEncodedQueryIsDecodedOnce(String rawQueryValue) {
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(SPECIAL_NAME));
        ObjectNode event = Fixtures.object(ApiCall.httpApi("DELETE", DeleteRoute.COLLECTION.path)
                .bearer(DEMO_TOKEN).query("datamartName", SPECIAL_NAME).event());
        event.put("rawQueryString", "datamartName=" + rawQueryValue);

        ApiResult result = ApiCall.invokeEvent(function.handler(), event.toString());

        assertSuccess(result, idWithNullError(SPECIAL_NAME));
        assertNull(function.db().rawDatamart(DEMO_ORG, SPECIAL_NAME));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aPercentSignInTheNameSurvivesEncoding(Payload payload) {
        String name = "100% sales & more=yes";
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(name));

        ApiResult result = DeleteRoute.COLLECTION.naming(payload, name).bearer(DEMO_TOKEN).invoke(function.handler());

        assertSuccess(result, idWithNullError(name));
        assertNull(function.db().rawDatamart(DEMO_ORG, name));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void namesAreCaseSensitive(Payload payload, DeleteRoute route) {
        ApiResult result = assertNothingChanged(function.db(), () -> route.naming(payload, "Sales-Analytics")
                .bearer(DEMO_TOKEN)
                .invoke(function.handler()));

        assertError(result, 400, "INVALID_REQUEST_BODY", "Datamart not found");
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void aNameThatCouldNeverBeStoredIsNotFoundRatherThanAFailure(Payload payload, DeleteRoute route) {
        ApiResult result = assertNothingChanged(function.db(), () -> route.naming(payload, "€".repeat(400))
                .bearer(DEMO_TOKEN)
                .invoke(function.handler()));

        assertError(result, 400, "INVALID_REQUEST_BODY", "Datamart not found");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void aTokenOfAnotherOrganizationCannotDeleteTheDatamart(Payload payload, DeleteRoute route) {
        Map<String, AttributeValue> before = function.db().rawDatamart(DEMO_ORG, "sales-analytics");

        ApiResult result = assertNothingChanged(function.db(), () -> route.naming(payload, "sales-analytics")
                .bearer(OTHER_TOKEN)
                .invoke(function.handler()));

        assertError(result, 400, "INVALID_REQUEST_BODY", "Datamart not found");
        assertEquals(before, function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "demo's datamart is still there");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void eachOrganizationDeletesOnlyItsOwnDatamartOfTheSameName(Payload payload, DeleteRoute route) {
        StoredDatamarts.seed(function.db(), OTHER_ORG, Fixtures.documentedCreateBody());

        ApiResult result = route.naming(payload, "sales-analytics").bearer(OTHER_TOKEN).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertNull(function.db().rawDatamart(OTHER_ORG, "sales-analytics"));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "demo's datamart is still there");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void aDeleteIsOneTransactionConditionalOnTheDatamartAsRead(Payload payload, DeleteRoute route) {
        FaultInjectingDynamoDbClient spy = new FaultInjectingDynamoDbClient(function.db().client());
        DeleteDatamartHandler counted = new DeleteDatamartHandler(Fixtures.api(function.db(), spy));

        ApiResult deleted = route.naming(payload, "sales-analytics").bearer(DEMO_TOKEN).invoke(counted);

        assertSuccess(deleted, idWithNullError("sales-analytics"));
        StorageCalls.assertExactly(spy, Map.of(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 2,
                FaultInjectingDynamoDbClient.Operation.QUERY, 1,
                FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS, 1),
                "the token and the datamart read, its kept versions queried, then one transaction");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void aMissingDatamartIsFoundMissingWithoutAWrite(Payload payload, DeleteRoute route) {
        FaultInjectingDynamoDbClient spy = new FaultInjectingDynamoDbClient(function.db().client());
        DeleteDatamartHandler counted = new DeleteDatamartHandler(Fixtures.api(function.db(), spy));

        ApiResult result = assertNothingChanged(function.db(), () -> route.naming(payload, "never-created")
                .bearer(DEMO_TOKEN)
                .invoke(counted));

        assertError(result, 400, "INVALID_REQUEST_BODY", "Datamart not found");
        StorageCalls.assertExactly(spy, Map.of(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 2),
                "the token and the datamart read, nothing written");
    }

    static Stream<Path> sampleEvents() {
        return EventFiles.in("delete").stream();
    }

    @ParameterizedTest
    @MethodSource("sampleEvents")
    void everySampleEventDeletesTheDocumentedDatamart(Path file) {
        JsonNode event = SampleEvents.read(file);

        ApiResult result = ApiCall.invokeEvent(function.handler(), EventFiles.read(file));

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertDeprecation(result, SampleEvents.isLegacy(event));
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("io.datamart.testing.ForeignRoutes#notServedByDelete")
    void routesOfOtherFunctionsAreNotFound(Payload payload, String method, String path) {
        HandlerChecks.assertRouteNotServed(function.db(), function.handler(), payload, method, path,
                "{\"datamartName\": \"sales-analytics\"}");

        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @Test
    void checksTheTokenBeforeReadingAMalformedQuery() {
        ApiResult anonymous = ApiCall.httpApi("DELETE", "/api/v2/data-app/datamarts")
                .query("datamartName", "x").invoke(function.handler());
        String malformed = ApiCall.httpApi("DELETE", "/api/v2/data-app/datamarts").query("datamartName", "x")
                .event().replace("datamartName=x", "datamartName=%zz");

        ApiResult result = ApiCall.invokeEvent(function.handler(), malformed);

        assertEquals(401, anonymous.status());
        assertEquals(401, result.status(), result::toString);
        assertEquals("AUTH_ERROR", result.errorCode());
    }
}
