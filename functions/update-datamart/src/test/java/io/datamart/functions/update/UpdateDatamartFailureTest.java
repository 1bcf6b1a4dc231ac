package io.datamart.functions.update;

import static io.datamart.functions.update.UpdateDatamartHandlerTest.CLEAR_RELATIONSHIPS;
import static io.datamart.functions.update.UpdateDatamartHandlerTest.LEGACY_ROUTE;
import static io.datamart.functions.update.UpdateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertOpaqueInternalError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Failures;
import io.datamart.testing.Databases;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.StoredDatamarts;
import io.datamart.testing.TokenLogs;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB failing under update: an opaque 500 with the request id, the stored item unchanged. */
class UpdateDatamartFailureTest {
    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient dynamoDb;
    private UpdateDatamartHandler handler;

    @BeforeEach
    void freshDatabaseWithTheDocumentedDatamart() {
        db = Databases.fresh();
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
        handler = new UpdateDatamartHandler(Fixtures.api(db, dynamoDb));
        StoredDatamarts.seedDocumented(db);
    }

    @AfterAll
    static void rawTokensNeverAppearInTheLogs() {
        TokenLogs.assertNoTokenLogged();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingWriteIsAnOpaqueInternalErrorAndTheItemIsUnchanged(Supplier<RuntimeException> failure) {
        Map<String, AttributeValue> before = db.rawDatamart(DEMO_ORG, "sales-analytics");
        for (Payload payload : Payload.values()) {
            dynamoDb.fail(Operation.UPDATE_ITEM, 1, failure);

            ApiResult result = assertNothingChanged(db, () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                    .bearer(DEMO_TOKEN).json(CLEAR_RELATIONSHIPS).invoke(handler));

            assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
            assertEquals(before, db.rawDatamart(DEMO_ORG, "sales-analytics"));
        }
        assertEquals(2, dynamoDb.calls(Operation.UPDATE_ITEM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingTokenLookupIsAnOpaqueInternalError(Supplier<RuntimeException> failure) {
        for (Payload payload : Payload.values()) {
            dynamoDb.fail(Operation.GET_ITEM, 1, failure);

            ApiResult result = assertNothingChanged(db, () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                    .bearer(DEMO_TOKEN).json(CLEAR_RELATIONSHIPS).invoke(handler));

            assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
        }
        assertEquals(0, dynamoDb.calls(Operation.UPDATE_ITEM));
    }

    @Test
    void aFailureOnTheLegacyRouteIsTheSameInternalErrorWithDeprecationHeaders() {
        dynamoDb.fail(Operation.UPDATE_ITEM, 1, () -> new IllegalStateException(Failures.INTERNAL_TEXT));

        ApiResult result = assertNothingChanged(db, () -> ApiCall.restApi("PUT", LEGACY_ROUTE).bearer(DEMO_TOKEN)
                .json(CLEAR_RELATIONSHIPS).invoke(handler));

        assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
        assertDeprecation(result, true);
    }
}
