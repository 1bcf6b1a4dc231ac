package io.datamart.api;

import static io.datamart.testing.HandlerAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.auth.ServiceToken;
import io.datamart.auth.ServiceTokenRepository;
import io.datamart.persistence.DatamartVersionRepository;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalBus;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.wiring.DatamartApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Version history through the pipelines of the functions that write and read it, each
 * built from the environment template.yaml gives that function, with 3 versions kept.
 */
class VersionHistoryTest {
    private static final String ROUTE = "/api/v2/data-app/datamarts";
    private static final String NAME = "history";
    private static final int KEPT = 3;

    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient dynamoDb;

    @BeforeEach
    void freshDatabase() {
        db = Fixtures.freshDatabase();
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
    }

    private Map<String, String> environment(String functionId) {
        Map<String, String> environment = LocalBus.environment(db, functionId);
        environment.put(DatamartVersionRepository.KEPT_VARIABLE, String.valueOf(KEPT));
        return environment;
    }

    private RequestStreamHandler function(String functionId, Operation... operations) {
        ApiGatewayHandler pipeline = DatamartApi.create(dynamoDb, environment(functionId), Clock.systemUTC())
                .handler(operations[0], operations);
        return pipeline::handle;
    }

    private ApiResult send(String functionId, Operation operation, ApiCall call) {
        return call.bearer(Fixtures.DEMO_TOKEN).invoke(function(functionId, operation));
    }

    private void create() {
        assertOk(send("CreateDatamartFunction", Operation.CREATE,
                ApiCall.httpApi("POST", ROUTE).json(Fixtures.createBody(NAME).toString())));
    }

    /** An update whose table label says which one it was, so every version differs from the others. */
    private void update(int label) {
        JsonNode tables = Fixtures.createBody(NAME).get("tableList").deepCopy();
        ((ObjectNode) tables.get(0)).put("label", "label " + label);
        assertOk(send("UpdateDatamartFunction", Operation.UPDATE, ApiCall.httpApi("PUT", ROUTE)
                .json("{\"datamartName\": \"" + NAME + "\", \"tableList\": " + tables + "}")));
    }

    private void delete() {
        assertOk(send("DeleteDatamartFunction", Operation.DELETE,
                ApiCall.httpApi("DELETE", ROUTE).query("datamartName", NAME)));
    }

    private ApiResult get() {
        return read(ApiCall.httpApi("GET", ROUTE + "/{name}").pathParameter("name", NAME));
    }

    private ApiResult versions() {
        return read(ApiCall.httpApi("GET", ROUTE + "/{name}/versions").pathParameter("name", NAME));
    }

    private ApiResult version(String n) {
        return read(ApiCall.httpApi("GET", ROUTE + "/{name}/versions/{n}").pathParameter("name", NAME)
                .pathParameter("n", n));
    }

    private ApiResult read(ApiCall call) {
        return call.bearer(Fixtures.DEMO_TOKEN).invoke(function("ReadDatamartsFunction", Operation.LIST,
                Operation.GET, Operation.LIST_VERSIONS, Operation.GET_VERSION));
    }

    private static void assertOk(ApiResult result) {
        assertEquals(200, result.status(), result::toString);
    }

    /** The listed versions as "version@createdAt", newest first. */
    private List<String> listed() {
        ApiResult result = versions();
        assertOk(result);
        assertTrue(result.body().get("error").isNull());
        List<String> listed = new ArrayList<>();
        result.body().get("data").forEach(entry -> listed.add(entry.get("version").asLong() + "@"
                + entry.get("createdAt").asText()));
        return listed;
    }

    private List<Map<String, AttributeValue>> storedEntries() {
        return db.client().scanPaginator(request -> request.tableName(db.datamartVersionsTable())
                .consistentRead(true)).items().stream().toList();
    }

    @Test
    void readsTheHistoryBackNewestFirstEachVersionAsTheGetRouteGaveIt() {
        create();
        JsonNode first = get().body().get("data");
        update(2);
        JsonNode second = get().body().get("data");
        update(3);
        JsonNode third = get().body().get("data");

        String createdAt = first.get("createdAt").asText();
        assertEquals(List.of("3@" + createdAt, "2@" + createdAt, "1@" + createdAt), listed());
        ApiResult versions = versions();
        assertEquals(third.get("updatedAt"), versions.body().get("data").get(0).get("updatedAt"));
        assertEquals(first, version("1").body().get("data"));
        assertEquals(second, version("2").body().get("data"));
        assertEquals(third, version("3").body().get("data"));
        assertNotEquals(first, second, "each version its own body");
    }

    /** A token of the demo organization called {@code name} (null: none), saved as bin/admin saves one. */
    private String tokenNamed(String token, String name) {
        ServiceToken unnamed = Fixtures.token(token, Fixtures.DEMO_ORG, Instant.now(), null, null);
        new ServiceTokenRepository(db.client(), db.tables()).save(new ServiceToken(unnamed.tokenHash(),
                unnamed.tokenId(), name, unnamed.organizationId(), unnamed.createdAt(), null, null));
        return unnamed.tokenId();
    }

    private List<String> changedBy() {
        ApiResult result = versions();
        assertOk(result);
        List<String> changedBy = new ArrayList<>();
        result.body().get("data").forEach(entry -> changedBy.add(entry.path("changedBy").asText("(absent)")));
        return changedBy;
    }

    @Test
    void eachVersionSaysWhichTokensNameMadeTheChangeOrItsIdWhenItHasNone() {
        tokenNamed("dbn_live_ci_deploy_token", "ci-deploy");
        String unnamedId = tokenNamed("dbn_live_unnamed_token", null);
        assertOk(ApiCall.httpApi("POST", ROUTE).json(Fixtures.createBody(NAME).toString())
                .bearer("dbn_live_ci_deploy_token").invoke(function("CreateDatamartFunction", Operation.CREATE)));
        JsonNode tables = Fixtures.createBody(NAME).get("tableList").deepCopy();
        ((ObjectNode) tables.get(0)).put("label", "changed");
        assertOk(ApiCall.httpApi("PUT", ROUTE).json("{\"datamartName\": \"" + NAME + "\", \"tableList\": " + tables + "}")
                .bearer("dbn_live_unnamed_token").invoke(function("UpdateDatamartFunction", Operation.UPDATE)));

        assertEquals(List.of(unnamedId, "ci-deploy"), changedBy());
    }

    @Test
    void aTokenNameWrittenByHandThatNoIssueWouldAcceptIsNotCopiedIntoVersions() {
        String id = tokenNamed("dbn_live_hand_written", "line\nbreak");
        assertOk(ApiCall.httpApi("POST", ROUTE).json(Fixtures.createBody(NAME).toString())
                .bearer("dbn_live_hand_written").invoke(function("CreateDatamartFunction", Operation.CREATE)));

        assertEquals(List.of(id), changedBy());
    }

    @Test
    void aVersionWrittenWithoutAnAuthorListsNone() {
        Fixtures.api(db).service().create(Fixtures.DEMO_ORG, Fixtures.createBody(NAME));

        ApiResult result = versions();
        assertOk(result);
        assertTrue(result.body().get("data").get(0).path("changedBy").isMissingNode(), result::toString);
    }

    @Test
    void keepsOnlyTheConfiguredNumberOfVersions() {
        create();
        for (int label = 2; label <= 5; label++) {
            update(label);
        }

        assertEquals(List.of(5L, 4L, 3L), listed().stream()
                .map(entry -> Long.parseLong(entry.substring(0, entry.indexOf('@')))).toList());
        assertEquals(KEPT, storedEntries().size(), "older entries deleted, not just hidden");
        assertError(version("2"), 400, "INVALID_DATAMART", "Datamart not found");
        assertOk(version("3"));
    }

    @Test
    void keepsTheHistoryOfADeletedDatamartForThirtyDays() {
        create();
        update(2);
        JsonNode second = get().body().get("data");
        Instant before = Instant.now();
        delete();
        Instant after = Instant.now();

        List<Map<String, AttributeValue>> entries = storedEntries();
        assertEquals(2, entries.size());
        for (Map<String, AttributeValue> entry : entries) {
            long expiresAt = Long.parseLong(entry.get("expiresAt").n());
            assertTrue(expiresAt >= before.plus(Duration.ofDays(30)).getEpochSecond()
                    && expiresAt <= after.plus(Duration.ofDays(30)).getEpochSecond(), () -> "expiresAt " + expiresAt);
        }
        assertEquals(2, listed().size(), "still readable after the delete");
        assertEquals(second, version("2").body().get("data"), "enough to create it again from");
        assertError(get(), 400, "INVALID_DATAMART", "Datamart not found");
    }

    @Test
    void aDatamartCreatedAgainKeepsTheHistoryOfBothIncarnations() {
        create();
        JsonNode old = get().body().get("data");
        update(2);
        delete();
        create();
        JsonNode recreated = get().body().get("data");

        String oldCreatedAt = old.get("createdAt").asText();
        String newCreatedAt = recreated.get("createdAt").asText();
        assertNotEquals(oldCreatedAt, newCreatedAt);
        assertEquals(List.of("1@" + newCreatedAt, "2@" + oldCreatedAt, "1@" + oldCreatedAt), listed());
        assertEquals(recreated, version("1").body().get("data"), "the newest incarnation's version 1");
        assertEquals(3, storedEntries().size());
        assertTrue(storedEntries().stream().filter(entry -> !entry.containsKey("expiresAt")).count() == 1,
                "only the old incarnation's entries expire");
    }

    @Test
    void writesNoEntryWhenTheChangeItRecordsFails() {
        create();
        dynamoDb.fail(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS, 1,
                () -> new IllegalStateException("the transaction fails"));
        ApiResult failed = send("UpdateDatamartFunction", Operation.UPDATE, ApiCall.httpApi("PUT", ROUTE)
                .json("{\"datamartName\": \"" + NAME + "\", \"relationships\": []}"));

        assertEquals(500, failed.status(), failed::toString);
        assertEquals(1, storedEntries().size(), "no entry without the update");
        assertEquals(1, db.rawDatamart(Fixtures.DEMO_ORG, NAME) == null ? -1
                : Long.parseLong(db.rawDatamart(Fixtures.DEMO_ORG, NAME).get("version").n()));
        update(2);
        assertEquals(2, storedEntries().size(), "the entry comes with the update that succeeds");
    }

    @Test
    void writesTheCreatesEntryInItsTransaction() {
        dynamoDb.fail(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS, 1,
                () -> new IllegalStateException("the transaction fails"));
        ApiResult failed = send("CreateDatamartFunction", Operation.CREATE,
                ApiCall.httpApi("POST", ROUTE).json(Fixtures.createBody(NAME).toString()));

        assertEquals(500, failed.status(), failed::toString);
        assertEquals(List.of(), storedEntries());
        create();
        assertEquals(1, storedEntries().size());
    }

    @Test
    void answersAnUnknownNameAsTheGetRouteDoes() {
        assertError(versions(), 400, "INVALID_DATAMART", "Datamart not found");
        assertError(version("1"), 400, "INVALID_DATAMART", "Datamart not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "01", "1.5", "one", " 1", "1234567890123456789012"})
    void refusesAVersionThatIsNotAPositiveWholeNumber(String n) {
        create();

        ApiResult result = version(n);

        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "many", "99"})
    void refusesToStartWithANumberOfVersionsItCannotKeep(String kept) {
        Map<String, String> environment = environment("UpdateDatamartFunction");
        environment.put(DatamartVersionRepository.KEPT_VARIABLE, kept);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> DatamartApi.create(dynamoDb, environment, Clock.systemUTC()));

        assertTrue(refused.getMessage().startsWith(DatamartVersionRepository.KEPT_VARIABLE
                + " must be a whole number from 1 to 98"), refused::getMessage);
    }
}
