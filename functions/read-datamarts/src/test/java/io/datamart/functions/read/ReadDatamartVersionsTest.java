package io.datamart.functions.read;

import static io.datamart.testing.HandlerAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.BadCredentials;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.StoredDatamarts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import io.datamart.persistence.TableNames;

/**
 * The version history routes through the read function's handler: the documented
 * datamart created and updated once by the service, as the write functions do.
 */
class ReadDatamartVersionsTest {
    private static final String GET = "/api/v2/data-app/datamarts/{name}";
    private static final String VERSIONS = GET + "/versions";
    private static final String VERSION = VERSIONS + "/{n}";
    private static final String NAME = "sales-analytics";

    @RegisterExtension
    static final FunctionUnderTest<ReadDatamartsHandler> function = FunctionUnderTest.of("ReadDatamartsFunction",
            f -> new ReadDatamartsHandler(f.api()))
            .seeded(db -> {
                StoredDatamarts.seedDocumented(db);
                ObjectNode clearRelationships = Json.MAPPER.createObjectNode().put("datamartName", NAME);
                clearRelationships.putArray("relationships");
                Fixtures.api(db).service().update(Fixtures.DEMO_ORG, clearRelationships);
            });

    private static ApiResult call(Payload payload, String path, String n) {
        ApiCall call = ApiCall.to(payload, "GET", path).pathParameter("name", NAME).bearer(Fixtures.DEMO_TOKEN);
        return (n == null ? call : call.pathParameter("n", n)).invoke(function.handler());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void listsTheVersionsNewestFirstAndGivesEachInFull(Payload payload) {
        ApiResult listed = call(payload, VERSIONS, null);

        assertEquals(200, listed.status(), listed::toString);
        List<Long> versions = new ArrayList<>();
        listed.body().get("data").forEach(entry -> versions.add(entry.get("version").asLong()));
        assertEquals(List.of(2L, 1L), versions);
        JsonNode current = call(payload, GET, null).body().get("data");
        assertEquals(current, call(payload, VERSION, "2").body().get("data"), "the newest is what GET gives");
        JsonNode first = call(payload, VERSION, "1").body().get("data");
        assertEquals(1, first.get("version").asInt());
        assertTrue(first.get("relationships").size() > 0, "as created, before the update emptied them");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void refusesAVersionNumberThatIsNotAPositiveWholeNumber(Payload payload) {
        ApiResult result = call(payload, VERSION, "0");

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertEquals("version must be a positive whole number", result.details().get("n"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersAVersionNotKeptAsAnUnknownDatamart(Payload payload) {
        assertError(call(payload, VERSION, "3"), 400, "INVALID_DATAMART", "Datamart not found");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aDatamartStoredBeforeVersionsWereKeptHasAnEmptyHistoryNotAMissingOne(Payload payload) {
        Map<String, AttributeValue> item = new HashMap<>(function.db().rawDatamart(Fixtures.DEMO_ORG, NAME));
        item.put("name", AttributeValue.fromS("stored-before-versions"));
        function.db().client().putItem(request -> request.tableName(function.db().environment()
                .get(TableNames.DATAMARTS_VARIABLE)).item(item));

        ApiResult listed = ApiCall.to(payload, "GET", VERSIONS).pathParameter("name", "stored-before-versions")
                .bearer(Fixtures.DEMO_TOKEN).invoke(function.handler());
        ApiResult missing = ApiCall.to(payload, "GET", VERSIONS).pathParameter("name", "never-created")
                .bearer(Fixtures.DEMO_TOKEN).invoke(function.handler());

        assertEquals(200, listed.status(), listed::toString);
        assertEquals(0, listed.body().get("data").size(), listed::toString);
        assertError(missing, 400, "INVALID_DATAMART", "Datamart not found");
    }

    @ParameterizedTest
    @EnumSource(BadCredentials.class)
    void refusesABadTokenWith401AuthError(BadCredentials credentials) {
        HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                ApiCall.httpApi("GET", VERSIONS).pathParameter("name", NAME), credentials, 401, "AUTH_ERROR");
        HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                ApiCall.httpApi("GET", VERSION).pathParameter("name", NAME).pathParameter("n", "1"), credentials,
                401, "AUTH_ERROR");
    }
}
