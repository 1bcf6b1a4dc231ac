package io.datamart.functions.create;

import static io.datamart.functions.create.CreateDatamartHandlerTest.LEGACY_ROUTE;
import static io.datamart.functions.create.CreateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.Fixtures.DOCUMENTED_CREATE_BODY;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertOpaqueInternalError;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.FunctionUnderTest;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** DynamoDB failing under create: an opaque 500 with the request id, nothing stored, nothing leaked. */
class CreateDatamartFailureTest {
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    private ApiResult create(Payload payload) {
        return ApiCall.to(payload, "POST", NEW_ROUTE).bearer(DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY)
                .invoke(function.handler());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingWriteIsAnOpaqueInternalErrorAndStoresNothing(Supplier<RuntimeException> failure) {
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, failure);

            ApiResult result = assertNothingChanged(function.db(), () -> create(payload));

            assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
            assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
            assertTrue(result.context().logs().stream().anyMatch(line -> line.startsWith("ERROR")),
                    () -> "the failure is logged for operators: " + result.context().logs());
        }
        assertEquals(2, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "one write attempt per request");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.datamart.testing.Failures#storageFailures")
    void aFailingTokenLookupIsAnOpaqueInternalErrorAndStoresNothing(Supplier<RuntimeException> failure) {
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.GET_ITEM, 1, failure);

            ApiResult result = assertNothingChanged(function.db(), () -> create(payload));

            assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
        }
        assertEquals(0, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "nothing written without a caller");
    }

    @Test
    void aFailureOnTheLegacyRouteIsTheSameInternalErrorWithDeprecationHeaders() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> new IllegalStateException(
                Failures.INTERNAL_TEXT));

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.httpApi("POST", LEGACY_ROUTE)
                .bearer(DEMO_TOKEN)
                .json(DOCUMENTED_CREATE_BODY).invoke(function.handler()));

        assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
        assertDeprecation(result, true);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void theFunctionServesTheNextRequestAfterAFailure(Payload payload) {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> new IllegalStateException("transient"));

        ApiResult failed = create(payload);
        ApiResult next = create(payload);

        assertOpaqueInternalError(failed);
        assertSuccess(next, idWithNullError("sales-analytics"));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    private static TransactionCanceledException conflict() {
        return TransactionCanceledException.builder()
                .message("Transaction cancelled, please refer cancellation reasons for specific reasons "
                        + "[TransactionConflict, None]")
                .cancellationReasons(CancellationReason.builder().code("TransactionConflict").build(),
                        CancellationReason.builder().code("None").build())
                .statusCode(400).build();
    }

    @Test
    void aCreateCancelledByAConflictingTransactionIsRetriedAndSucceeds() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 2, CreateDatamartFailureTest::conflict);

        ApiResult result = create(Payload.HTTP_API);

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
        assertEquals(3, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @Test
    void aCreateThatKeepsConflictingIsAnOpaqueInternalErrorAndStoresNothing() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 100, CreateDatamartFailureTest::conflict);

        ApiResult result = assertNothingChanged(function.db(), () -> create(Payload.REST_API));

        assertOpaqueInternalError(result, "TransactionConflict");
        assertTrue(function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS) > 1, "retried before giving up");
    }
}
