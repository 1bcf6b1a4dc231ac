package io.datamart.functions.update;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.Fixtures.OTHER_ORG;
import static io.datamart.testing.Fixtures.OTHER_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.functions.delete.DeleteDatamartHandler;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Update Datamart through UpdateDatamartHandler: routes, success body, missing datamarts, organizations, events. */
class UpdateDatamartHandlerTest {
    static final String NEW_ROUTE = "/api/v2/data-app/datamarts";
    static final String LEGACY_ROUTE = "/api/v2/dataApp/datamarts";
    static final String CLEAR_RELATIONSHIPS = "{\"datamartName\": \"sales-analytics\", \"relationships\": []}";

    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    /** (payload, route, legacy?) for the new and the legacy update route. */
    static Stream<Arguments> payloadsAndRoutes() {
        List<Arguments> arguments = new ArrayList<>();
        for (Payload payload : Payload.values()) {
            arguments.add(Arguments.of(payload, NEW_ROUTE, false));
            arguments.add(Arguments.of(payload, LEGACY_ROUTE, true));
        }
        return arguments.stream();
    }

    private static DatamartDefinition documented() {
        return StoredDatamarts.accepted(Fixtures.documentedCreateBody());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("payloadsAndRoutes")
    void anUpdateAnswersWithTheIdOnlyAndReplacesWhatItSends(Payload payload, String route, boolean legacy) {
        ApiResult result = ApiCall.to(payload, "PUT", route).bearer(DEMO_TOKEN).json(CLEAR_RELATIONSHIPS)
                .invoke(function.handler());

        assertSuccess(result, idOnly("sales-analytics"));
        assertFalse(result.body().has("error"), "the update success body has no error field");
        assertDeprecation(result, legacy);
        Datamart stored = StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics");
        assertEquals(StoredDatamarts.afterUpdate(documented(),
                StoredDatamarts.acceptedUpdate(Fixtures.object(CLEAR_RELATIONSHIPS))), stored.definition());
        assertEquals(List.of(), stored.definition().relationships());
        assertEquals(2, stored.version());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("payloadsAndRoutes")
    void updatingAMissingDatamartIsInvalidDatamartAndCreatesNothing(Payload payload, String route, boolean legacy) {
        String body = Fixtures.documentedCreateBody().remove(List.of("name", "datasourceName"))
                .put("datamartName", "never-created").toString();

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "PUT", route)
                .bearer(DEMO_TOKEN)
                .json(body).invoke(function.handler()));

        assertError(result, 400, "INVALID_DATAMART", "Datamart not found");
        assertDeprecation(result, legacy);
        assertNull(function.db().rawDatamart(DEMO_ORG, "never-created"), "an update never creates");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void namesAreCaseSensitiveSoADifferentlyCasedNameIsNotFound(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                .bearer(DEMO_TOKEN)
                .json(CLEAR_RELATIONSHIPS.replace("sales-analytics", "Sales-Analytics")).invoke(function.handler()));

        assertError(result, 400, "INVALID_DATAMART", "Datamart not found");
        assertNull(function.db().rawDatamart(DEMO_ORG, "Sales-Analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aNameThatCouldNeverBeStoredIsNotFoundRatherThanAFailure(Payload payload) {
        String name = "€".repeat(400);

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                .bearer(DEMO_TOKEN)
                .json(CLEAR_RELATIONSHIPS.replace("sales-analytics", name)).invoke(function.handler()));

        assertError(result, 400, "INVALID_DATAMART", "Datamart not found");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aTokenOfAnotherOrganizationCannotUpdateTheDatamart(Payload payload) {
        Map<String, AttributeValue> before = function.db().rawDatamart(DEMO_ORG, "sales-analytics");

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                .bearer(OTHER_TOKEN)
                .json(CLEAR_RELATIONSHIPS).invoke(function.handler()));

        assertError(result, 400, "INVALID_DATAMART", "Datamart not found");
        assertEquals(before, function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "demo's datamart unchanged");
        assertNull(function.db().rawDatamart(OTHER_ORG, "sales-analytics"), "nothing created in acme");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void eachOrganizationUpdatesOnlyItsOwnDatamartOfTheSameName(Payload payload) {
        StoredDatamarts.seed(function.db(), OTHER_ORG, Fixtures.documentedCreateBody());
        Map<String, AttributeValue> demoBefore = function.db().rawDatamart(DEMO_ORG, "sales-analytics");

        ApiResult result = ApiCall.to(payload, "PUT", NEW_ROUTE).bearer(OTHER_TOKEN).json(CLEAR_RELATIONSHIPS)
                .invoke(function.handler());

        assertSuccess(result, idOnly("sales-analytics"));
        assertEquals(List.of(), StoredDatamarts.stored(function.db(), OTHER_ORG, "sales-analytics").definition()
                .relationships());
        assertEquals(demoBefore, function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "demo's datamart unchanged");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void anUpdateIsOneConditionalTransactionOnTheExistingItem(Payload payload) {
        FaultInjectingDynamoDbClient spy = new FaultInjectingDynamoDbClient(function.db().client());
        UpdateDatamartHandler counted = new UpdateDatamartHandler(Fixtures.api(function.db(), spy));

        ApiResult result = ApiCall.to(payload, "PUT", NEW_ROUTE).bearer(DEMO_TOKEN).json(CLEAR_RELATIONSHIPS)
                .invoke(counted);

        assertSuccess(result, idOnly("sales-analytics"));
        // The token, the datamart (for its datasource) and the datasource (for its schema).
        StorageCalls.assertReadsThenOnly(spy, 3, FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aMissingDatamartIsReportedWithoutAnyWrite(Payload payload) {
        FaultInjectingDynamoDbClient spy = new FaultInjectingDynamoDbClient(function.db().client());
        UpdateDatamartHandler counted = new UpdateDatamartHandler(Fixtures.api(function.db(), spy));

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                .bearer(DEMO_TOKEN)
                .json(CLEAR_RELATIONSHIPS.replace("sales-analytics", "never-created")).invoke(counted));

        assertError(result, 400, "INVALID_DATAMART", "Datamart not found");
        assertEquals(2, spy.calls(FaultInjectingDynamoDbClient.Operation.GET_ITEM), "the token, the datamart");
        assertEquals(0, spy.calls(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aDatamartDeletedBetweenTheReadAndTheWriteIsFoundMissingByTheConditionalWrite(Payload payload) {
        FaultInjectingDynamoDbClient racing = new FaultInjectingDynamoDbClient(function.db().client());
        DeleteDatamartHandler deleter = new DeleteDatamartHandler(Fixtures.api(function.db()));
        // The second read is the datamart's: right after it, another request deletes it.
        racing.afterCall(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 2, () -> assertEquals(200,
                ApiCall.httpApi("DELETE", "/api/v2/data-app/datamarts").bearer(DEMO_TOKEN)
                        .query("datamartName", "sales-analytics").invoke(deleter).status()));
        UpdateDatamartHandler raced = new UpdateDatamartHandler(Fixtures.api(function.db(), racing));

        ApiResult result = ApiCall.to(payload, "PUT", NEW_ROUTE).bearer(DEMO_TOKEN).json(CLEAR_RELATIONSHIPS)
                .invoke(raced);

        assertError(result, 400, "INVALID_DATAMART", "Datamart not found");
        assertEquals(1, racing.calls(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS), "the write was tried");
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "and did not bring the datamart back");
    }

    static Stream<Path> sampleEvents() {
        return EventFiles.in("update").stream();
    }

    @ParameterizedTest
    @MethodSource("sampleEvents")
    void everySampleEventUpdatesTheDocumentedDatamartAsItsBodySays(Path file) {
        JsonNode event = SampleEvents.read(file);

        ApiResult result = ApiCall.invokeEvent(function.handler(), EventFiles.read(file));

        assertSuccess(result, idOnly("sales-analytics"));
        assertDeprecation(result, SampleEvents.isLegacy(event));
        Datamart stored = StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics");
        assertEquals(StoredDatamarts.afterUpdate(documented(),
                StoredDatamarts.acceptedUpdate(Fixtures.object(SampleEvents.body(event)))), stored.definition());
        assertEquals(2, stored.version());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("io.datamart.testing.ForeignRoutes#notServedByUpdate")
    void routesOfOtherFunctionsAreNotFound(Payload payload, String method, String path) {
        HandlerChecks.assertRouteNotServed(function.db(), function.handler(), payload, method, path,
                CLEAR_RELATIONSHIPS);

        assertEquals(documented(), StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics").definition());
    }
}
