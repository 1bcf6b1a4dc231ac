package io.datamart.functions.delete;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertAnswersFailure;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Failures.StorageFailure;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DynamoDB failing under delete: 503 with Retry-After when nobody is at fault, an opaque
 * 500 with the request id otherwise; the datamart still there.
 */
class DeleteDatamartFailureTest {
    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    @ParameterizedTest
    @EnumSource(StorageFailure.class)
    void aFailingDeleteIsAnsweredForWhatItIsAndTheDatamartStays(StorageFailure failure) {
        for (Payload payload : Payload.values()) {
            for (DeleteRoute route : DeleteRoute.values()) {
                function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, failure::create);

                ApiResult result = assertNothingChanged(function.db(), () -> route.naming(payload, "sales-analytics")
                        .bearer(DEMO_TOKEN).invoke(function.handler()));

                assertAnswersFailure(result, failure, true);
                assertDeprecation(result, route.legacy);
                assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
            }
        }
        assertEquals(6, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "one write attempt per request");
    }

    @ParameterizedTest
    @EnumSource(StorageFailure.class)
    void aFailingTokenLookupIsAnsweredForWhatItIs(StorageFailure failure) {
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.GET_ITEM, 1, failure::create);

            ApiResult result = assertNothingChanged(function.db(), () -> DeleteRoute.COLLECTION.naming(payload,
                    "sales-analytics")
                    .bearer(DEMO_TOKEN).invoke(function.handler()));

            assertAnswersFailure(result, failure, false);
        }
        assertEquals(0, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "nothing written without a caller");
    }
}
