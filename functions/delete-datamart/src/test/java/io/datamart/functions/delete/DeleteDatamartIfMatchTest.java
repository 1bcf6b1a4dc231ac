package io.datamart.functions.delete;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A delete with {@code If-Match} removes the datamart only at a version it names, checked
 * by the delete's own condition, on every route and with or without an Idempotency-Key.
 */
class DeleteDatamartIfMatchTest {
    private static final String STALE = "Datamart is at version 1, not the one in If-Match";

    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()));

    private static String seeded() {
        String name = "if-match-" + UUID.randomUUID().toString().substring(0, 8);
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(name));
        return name;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void anotherVersionIsRefusedAndTheStoredOneIsDeleted(Payload payload, DeleteRoute route) {
        String name = seeded();

        ApiResult stale = assertNothingChanged(function.db(), () -> route.naming(payload, name).bearer(DEMO_TOKEN)
                .header("If-Match", "\"2\"").invoke(function.handler()));
        assertError(stale, 412, "PRECONDITION_FAILED", STALE);
        assertEquals(1, stale.body().path("error").path("currentVersion").asLong());
        assertEquals("\"1\"", stale.header("ETag"));
        assertDeprecation(stale, route.legacy);

        ApiResult deleted = route.naming(payload, name).bearer(DEMO_TOKEN).header("If-Match", "\"1\"")
                .invoke(function.handler());
        assertSuccess(deleted, idWithNullError(name));
        assertNull(function.db().rawDatamart(DEMO_ORG, name));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void theSameHoldsInsideTheIdempotencyKeysTransaction(Payload payload, DeleteRoute route) {
        String name = seeded();

        Object before = function.db().snapshotOfData();
        ApiResult stale = route.naming(payload, name).bearer(DEMO_TOKEN).header("If-Match", "W/\"1\"")
                .header("Idempotency-Key", UUID.randomUUID().toString()).invoke(function.handler());
        assertError(stale, 412, "PRECONDITION_FAILED", STALE);
        assertEquals(before, function.db().snapshotOfData(), "no datamart changed (the key keeps its answer)");

        ApiResult deleted = route.naming(payload, name).bearer(DEMO_TOKEN).header("If-Match", "\"3\", \"1\"")
                .header("Idempotency-Key", UUID.randomUUID().toString()).invoke(function.handler());
        assertSuccess(deleted, idWithNullError(name));
        assertNull(function.db().rawDatamart(DEMO_ORG, name));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void aMissingDatamartIsNotFoundWhateverIfMatchSays(Payload payload, DeleteRoute route) {
        ApiResult missing = assertNothingChanged(function.db(), () -> route.naming(payload, "never-created")
                .bearer(DEMO_TOKEN).header("If-Match", "\"1\"").invoke(function.handler()));
        assertError(missing, 400, "INVALID_REQUEST_BODY", "Datamart not found");
    }
}
