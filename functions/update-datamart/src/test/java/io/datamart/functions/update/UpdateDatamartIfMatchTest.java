package io.datamart.functions.update;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Concurrently;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Optimistic concurrency (RFC 9110): an update with {@code If-Match} lands only on the
 * version it names, checked by the write's own condition; otherwise 412
 * PRECONDITION_FAILED saying the version now stored, and nothing written.
 */
class UpdateDatamartIfMatchTest {
    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()));

    private String name;

    @BeforeEach
    void seed() {
        name = "if-match-" + UUID.randomUUID().toString().substring(0, 8);
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(name));
    }

    private ApiResult update(String route, String ifMatch, int table) {
        ApiCall call = ApiCall.to(Payload.HTTP_API, "PUT", route).bearer(DEMO_TOKEN).json("{\"datamartName\": \""
                + name + "\", \"tableList\": [{\"name\": \"orders\", \"label\": \"v" + table
                + "\", \"columns\": [{\"name\": \"order_id\"}]}]}");
        return (ifMatch == null ? call : call.header("If-Match", ifMatch)).invoke(function.handler());
    }

    private long storedVersion() {
        return Long.parseLong(function.db().rawDatamart(DEMO_ORG, name).get("version").n());
    }

    @ParameterizedTest
    @ValueSource(strings = {UpdateDatamartHandlerTest.NEW_ROUTE, UpdateDatamartHandlerTest.LEGACY_ROUTE})
    void anUpdateNamingTheStoredVersionLandsAndTheNextWithTheSameTagIsRefused(String route) {
        assertSuccess(update(route, "\"1\"", 1), idOnly(name));
        assertEquals(2, storedVersion());

        ApiResult stale = assertNothingChanged(function.db(), () -> update(route, "\"1\"", 2));

        assertError(stale, 412, "PRECONDITION_FAILED",
                "Datamart is at version 2, not the one in If-Match");
        assertEquals(2, stale.body().path("error").path("currentVersion").asLong(), stale::toString);
        assertEquals("\"2\"", stale.header("ETag"));
    }

    @Test
    void anyListedTagMatchesAndAStarOrNoHeaderChecksNothing() {
        assertSuccess(update(UpdateDatamartHandlerTest.NEW_ROUTE, "\"7\", \"1\"", 1), idOnly(name));
        assertSuccess(update(UpdateDatamartHandlerTest.NEW_ROUTE, "*", 2), idOnly(name));
        assertSuccess(update(UpdateDatamartHandlerTest.NEW_ROUTE, null, 3), idOnly(name));
        assertEquals(4, storedVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"W/\"1\"", "\"0\"", "\"opaque\"", "\"99999999999999999999\"", ", ,"})
    void aWeakTagOrOneThisApiNeverIssuedMatchesNoVersion(String header) {
        ApiResult weak = assertNothingChanged(function.db(),
                () -> update(UpdateDatamartHandlerTest.NEW_ROUTE, header, 1));
        assertEquals(412, weak.status(), weak::toString);
        assertEquals("PRECONDITION_FAILED", weak.errorCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "\"1", "\"1\" \"2\"", "W/1", "\"a b\""})
    void aMalformedIfMatchIsRefusedWithoutWriting(String header) {
        ApiResult refused = assertNothingChanged(function.db(),
                () -> update(UpdateDatamartHandlerTest.NEW_ROUTE, header, 1));
        assertEquals(400, refused.status(), refused::toString);
        assertEquals("INVALID_REQUEST_BODY", refused.errorCode());
        assertEquals(List.of("If-Match"), List.copyOf(refused.details().keySet()), refused::toString);
    }

    @Test
    void aStaleIfMatchGivesTheIdempotencyKeyBackSoTheRetryWithTheFreshTagLands() {
        String key = UUID.randomUUID().toString();
        ApiResult stale = ApiCall.to(Payload.HTTP_API, "PUT", UpdateDatamartHandlerTest.NEW_ROUTE).bearer(DEMO_TOKEN)
                .header("Idempotency-Key", key).header("If-Match", "\"5\"")
                .json("{\"datamartName\": \"" + name + "\", \"relationships\": []}").invoke(function.handler());
        assertEquals(412, stale.status(), stale::toString);

        ApiResult fresh = ApiCall.to(Payload.HTTP_API, "PUT", UpdateDatamartHandlerTest.NEW_ROUTE).bearer(DEMO_TOKEN)
                .header("Idempotency-Key", key).header("If-Match", "\"1\"")
                .json("{\"datamartName\": \"" + name + "\", \"relationships\": []}").invoke(function.handler());
        ApiResult again = ApiCall.to(Payload.HTTP_API, "PUT", UpdateDatamartHandlerTest.NEW_ROUTE).bearer(DEMO_TOKEN)
                .header("Idempotency-Key", key).header("If-Match", "\"1\"")
                .json("{\"datamartName\": \"" + name + "\", \"relationships\": []}").invoke(function.handler());

        assertSuccess(fresh, idOnly(name));
        assertEquals("true", again.header("Idempotent-Replayed"), again::toString);
        assertEquals(2, storedVersion(), "applied once");
    }

    @Test
    void ofFiftyConcurrentUpdatesNamingOneVersionExactlyOneLands() {
        List<ApiResult> results = Concurrently.run(50, n -> update(UpdateDatamartHandlerTest.NEW_ROUTE, "\"1\"", n));

        long landed = results.stream().filter(result -> result.status() == 200).count();
        assertEquals(1, landed, () -> "answers: " + results.stream().map(ApiResult::status).toList());
        results.stream().filter(result -> result.status() != 200).forEach(result ->
                assertError(result, 412, "PRECONDITION_FAILED",
                        "Datamart is at version 2, not the one in If-Match"));
        assertEquals(2, storedVersion());
    }
}
