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
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DynamoDB failing under delete: an opaque 500 with the request id, and the datamart still there. */
class DeleteDatamartFailureTest {
    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingDeleteIsAnOpaqueInternalErrorAndTheDatamartStays(Supplier<RuntimeException> failure) {
        for (Payload payload : Payload.values()) {
            for (DeleteRoute route : DeleteRoute.values()) {
                function.dynamoDb().fail(Operation.DELETE_ITEM, 1, failure);

                ApiResult result = assertNothingChanged(function.db(), () -> route.naming(payload, "sales-analytics")
                        .bearer(DEMO_TOKEN).invoke(function.handler()));

                assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
                assertDeprecation(result, route.legacy);
                assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
            }
        }
        assertEquals(6, function.dynamoDb().calls(Operation.DELETE_ITEM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingTokenLookupIsAnOpaqueInternalError(Supplier<RuntimeException> failure) {
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.GET_ITEM, 1, failure);

            ApiResult result = assertNothingChanged(function.db(), () -> DeleteRoute.COLLECTION.naming(payload,
                    "sales-analytics")
                    .bearer(DEMO_TOKEN).invoke(function.handler()));

            assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
        }
        assertEquals(0, function.dynamoDb().calls(Operation.DELETE_ITEM));
    }
}
