package io.datamart.functions.delete;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertOpaqueInternalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DynamoDB failing under delete: an opaque 500 with the request id, and the datamart still there. */
class DeleteDatamartFailureTest {
    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient dynamoDb;
    private DeleteDatamartHandler handler;

    @BeforeEach
    void freshDatabaseWithTheDocumentedDatamart() {
        db = Databases.fresh();
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
        handler = new DeleteDatamartHandler(Fixtures.api(db, dynamoDb));
        StoredDatamarts.seedDocumented(db);
    }

    @AfterAll
    static void rawTokensNeverAppearInTheLogs() {
        TokenLogs.assertNoTokenLogged();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingDeleteIsAnOpaqueInternalErrorAndTheDatamartStays(Supplier<RuntimeException> failure) {
        for (Payload payload : Payload.values()) {
            for (DeleteRoute route : DeleteRoute.values()) {
                dynamoDb.fail(Operation.DELETE_ITEM, 1, failure);

                ApiResult result = assertNothingChanged(db, () -> route.naming(payload, "sales-analytics")
                        .bearer(DEMO_TOKEN).invoke(handler));

                assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
                assertDeprecation(result, route.legacy);
                assertNotNull(db.rawDatamart(DEMO_ORG, "sales-analytics"));
            }
        }
        assertEquals(6, dynamoDb.calls(Operation.DELETE_ITEM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingTokenLookupIsAnOpaqueInternalError(Supplier<RuntimeException> failure) {
        for (Payload payload : Payload.values()) {
            dynamoDb.fail(Operation.GET_ITEM, 1, failure);

            ApiResult result = assertNothingChanged(db, () -> DeleteRoute.COLLECTION.naming(payload, "sales-analytics")
                    .bearer(DEMO_TOKEN).invoke(handler));

            assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
        }
        assertEquals(0, dynamoDb.calls(Operation.DELETE_ITEM));
    }
}
