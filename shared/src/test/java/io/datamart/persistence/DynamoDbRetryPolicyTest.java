package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.testing.Failures;
import io.datamart.testing.Failures.StorageFailure;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Which failures are tried again: refused calls always; ambiguous ones only where the caller marked the call repeatable. */
class DynamoDbRetryPolicyTest {
    private static final SdkClientException LOST = SdkClientException.create("Unable to execute HTTP request",
            new IOException("Read timed out"));

    @Test
    void retriesARefusedCallWhateverItIs() {
        assertTrue(DynamoDbRetryPolicy.retryable(Failures.throttled()));
        assertTrue(DynamoDbRetryPolicy.repeatable(() -> DynamoDbRetryPolicy.retryable(Failures.throttled())));
    }

    @Test
    void retriesAnAmbiguousFailureOnlyOfACallMarkedRepeatable() {
        assertFalse(DynamoDbRetryPolicy.retryable(LOST), "unmarked (a single write, the operator CLI's calls)");
        assertFalse(DynamoDbRetryPolicy.retryable(StorageFailure.DYNAMODB_500.create()));
        assertTrue(DynamoDbRetryPolicy.repeatable(() -> DynamoDbRetryPolicy.retryable(LOST)));
        assertTrue(DynamoDbRetryPolicy.repeatable(() ->
                DynamoDbRetryPolicy.retryable(StorageFailure.DYNAMODB_500.create())));
    }

    @Test
    void neverRetriesWhatWillFailTheSameWay() {
        assertFalse(DynamoDbRetryPolicy.repeatable(() ->
                DynamoDbRetryPolicy.retryable(StorageFailure.ACCESS_DENIED.create())));
        assertFalse(DynamoDbRetryPolicy.repeatable(() ->
                DynamoDbRetryPolicy.retryable(new IllegalStateException("a bug"))));
    }

    @Test
    void retriesAnAttemptThatTimedOutOnlyOfACallMarkedRepeatable() {
        // The attempt may have reached DynamoDB before it was cut short.
        ApiCallAttemptTimeoutException cutShort = ApiCallAttemptTimeoutException.create(2_000);
        assertTrue(DynamoDbRetryPolicy.mayHaveBeenApplied(cutShort));
        assertFalse(DynamoDbRetryPolicy.retryable(cutShort));
        assertTrue(DynamoDbRetryPolicy.repeatable(() -> DynamoDbRetryPolicy.retryable(cutShort)));
    }

    @Test
    void tellsATransactionStillInProgressFromAConflictAndFromThrottling() {
        assertTrue(DynamoDbRetryPolicy.transactionInProgress(Failures.transactionInProgress()));
        assertFalse(DynamoDbRetryPolicy.transactionInProgress(Failures.transactionConflict()));
        assertFalse(DynamoDbRetryPolicy.transactionInProgress(Failures.throttled()));

        assertTrue(DynamoDbRetryPolicy.transactionConflict(Failures.transactionConflict()));
        assertFalse(DynamoDbRetryPolicy.transactionConflict(Failures.transactionInProgress()));
        assertFalse(DynamoDbRetryPolicy.transactionConflict(Failures.throttled()));
    }
}
