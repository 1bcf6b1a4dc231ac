package io.datamart.functions.update;

import static io.datamart.functions.update.UpdateDatamartHandlerTest.CLEAR_RELATIONSHIPS;
import static io.datamart.functions.update.UpdateDatamartHandlerTest.LEGACY_ROUTE;
import static io.datamart.functions.update.UpdateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertAnswersFailure;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertOpaqueInternalError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Failures;
import io.datamart.testing.Failures.StorageFailure;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB failing under update: 503 with Retry-After when nobody is at fault, an opaque
 * 500 with the request id otherwise; the stored item unchanged.
 */
class UpdateDatamartFailureTest {
    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    @ParameterizedTest
    @EnumSource(StorageFailure.class)
    void aFailingWriteIsAnsweredForWhatItIsAndTheItemIsUnchanged(StorageFailure failure) {
        Map<String, AttributeValue> before = function.db().rawDatamart(DEMO_ORG, "sales-analytics");
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, failure::create);

            ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                    .bearer(DEMO_TOKEN).json(CLEAR_RELATIONSHIPS).invoke(function.handler()));

            assertAnswersFailure(result, failure, true);
            assertEquals(before, function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
        }
        assertEquals(2, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @ParameterizedTest
    @EnumSource(StorageFailure.class)
    void aFailingTokenLookupIsAnsweredForWhatItIs(StorageFailure failure) {
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.GET_ITEM, 1, failure::create);

            ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "PUT", NEW_ROUTE)
                    .bearer(DEMO_TOKEN).json(CLEAR_RELATIONSHIPS).invoke(function.handler()));

            assertAnswersFailure(result, failure, false);
        }
        assertEquals(0, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @Test
    void aFailureOnTheLegacyRouteIsTheSameInternalErrorWithDeprecationHeaders() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> new IllegalStateException(Failures.INTERNAL_TEXT));

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.restApi("PUT", LEGACY_ROUTE)
                .bearer(DEMO_TOKEN)
                .json(CLEAR_RELATIONSHIPS).invoke(function.handler()));

        assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
        assertDeprecation(result, true);
    }
}
