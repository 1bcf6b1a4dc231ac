package io.datamart.functions.create;

import static io.datamart.functions.create.CreateDatamartHandlerTest.LEGACY_ROUTE;
import static io.datamart.functions.create.CreateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.Fixtures.DOCUMENTED_CREATE_BODY;
import static io.datamart.testing.HandlerAssertions.assertAnswersFailure;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertError;
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
import io.datamart.testing.Failures.StorageFailure;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.FunctionUnderTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * DynamoDB failing under create: 503 with Retry-After when nobody is at fault, an opaque
 * 500 with the request id otherwise; nothing stored, nothing leaked.
 */
class CreateDatamartFailureTest {
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    private ApiResult create(Payload payload) {
        return ApiCall.to(payload, "POST", NEW_ROUTE).bearer(DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY)
                .invoke(function.handler());
    }

    @ParameterizedTest
    @EnumSource(StorageFailure.class)
    void aFailingWriteIsAnsweredForWhatItIsAndStoresNothing(StorageFailure failure) {
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, failure::create);

            ApiResult result = assertNothingChanged(function.db(), () -> create(payload));

            assertAnswersFailure(result, failure, true);
            assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
        }
        assertEquals(2, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "one write attempt per request");
    }

    @ParameterizedTest
    @EnumSource(StorageFailure.class)
    void aFailingTokenLookupIsAnsweredForWhatItIsAndStoresNothing(StorageFailure failure) {
        for (Payload payload : Payload.values()) {
            function.dynamoDb().fail(Operation.GET_ITEM, 1, failure::create);

            ApiResult result = assertNothingChanged(function.db(), () -> create(payload));

            assertAnswersFailure(result, failure, false);
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
    void aCreateThatKeepsConflictingIsAConcurrentModificationAndStoresNothing() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 100, CreateDatamartFailureTest::conflict);

        ApiResult result = assertNothingChanged(function.db(), () -> create(Payload.REST_API));

        assertError(result, 409, "CONCURRENT_MODIFICATION", "Datamart changed while this request ran; retry");
        assertTrue(function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS) > 1, "retried before giving up");
    }

    private static TransactionCanceledException cancelledForThrottling() {
        return (TransactionCanceledException) TransactionCanceledException.builder()
                .message("Transaction cancelled [ThrottlingError, None]")
                .cancellationReasons(CancellationReason.builder().code("ThrottlingError").build(),
                        CancellationReason.builder().code("None").build())
                .statusCode(400).build();
    }

    @Test
    void aCreateCancelledForThrottlingEveryTimeIsAnsweredLikeAnyThrottlingAndStoresNothing() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 100, CreateDatamartFailureTest::cancelledForThrottling);

        ApiResult result = assertNothingChanged(function.db(), () -> create(Payload.HTTP_API));

        assertAnswersFailure(result, StorageFailure.THROTTLED, true);
        assertEquals(5, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "tried again, as a conflict is");
    }

    @Test
    void aCreateCancelledForThrottlingOnceIsTriedAgainAndStored() {
        function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, CreateDatamartFailureTest::cancelledForThrottling);

        ApiResult result = create(Payload.HTTP_API);

        assertEquals(200, result.status(), result::toString);
        assertEquals(2, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"), "stored");
    }

    @Test
    void aCreateThatRunsOutOfTimeBeforeItsWriteIs503AndStoresNothing() {
        // 2 s left, 1 s of it kept for the response; the reads fit, then 850 ms pass, and
        // what is left is under the 250 ms a call needs.
        function.dynamoDb().afterCall(Operation.GET_ITEM, 2, () -> sleep(850));

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.httpApi("POST", NEW_ROUTE)
                .bearer(DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY).invokeWithin(function.handler(), 2_000));

        assertError(result, 503, "SERVICE_UNAVAILABLE",
                "The request ran out of time before it could be completed; nothing was changed. Retry after 2 s");
        assertEquals("2", result.header("Retry-After"));
        assertEquals(2, function.dynamoDb().calls(Operation.GET_ITEM), "the token and the datasource were read");
        assertEquals(0, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "no write was started");
    }

    @Test
    void givesEveryDynamoDbCallAtMostWhatIsLeftOfTheInvocation() {
        ApiResult result = ApiCall.httpApi("POST", NEW_ROUTE).bearer(DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY)
                .invokeWithin(function.handler(), 5_000);

        assertSuccess(result, idWithNullError("sales-analytics"));
        List<Duration> timeouts = function.dynamoDb().callTimeouts();
        assertEquals(3, timeouts.size(), "the token, the datasource, the write: " + timeouts);
        timeouts.forEach(timeout -> assertTrue(timeout.compareTo(Duration.ofSeconds(4)) <= 0,
                () -> "1 s kept for the response, yet a call was allowed " + timeout));
    }

    @Test
    void aRequestWithTooLittleTimeForAnyCallIs503WithoutTouchingDynamoDb() {
        ApiResult result = ApiCall.httpApi("POST", NEW_ROUTE).bearer(DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY)
                .invokeWithin(function.handler(), 1_100);

        assertEquals(503, result.status());
        assertEquals(0, function.dynamoDb().calls(Operation.GET_ITEM));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }
}
