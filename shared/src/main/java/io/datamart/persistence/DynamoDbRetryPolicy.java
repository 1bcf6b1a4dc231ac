package io.datamart.persistence;

import io.datamart.aws.CallBudget;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * When a DynamoDB call is tried again: the one place that says so.
 *
 * <p>Every call goes through the SDK's standard retry strategy, configured here: at most
 * {@value #MAX_ATTEMPTS} attempts, exponential backoff with full jitter (from
 * {@link #BASE_DELAY}, or {@link #THROTTLED_BASE_DELAY} after throttling, up to
 * {@link #MAX_DELAY}), all within the invocation's {@link CallBudget}. What is retried
 * depends on whether the failed attempt may have changed anything:
 * <ul>
 * <li>DynamoDB refused it and changed nothing (throttling:
 *     {@code ProvisionedThroughputExceededException}, {@code ThrottlingException},
 *     {@code RequestLimitExceeded}; or {@code TransactionConflictException}, a write
 *     refused because a transaction held the item): retried, whatever the call;</li>
 * <li>it may have been applied (DynamoDB's own 5xx, a connection lost, an attempt that
 *     timed out): retried only where a repeat is harmless and the caller said so
 *     ({@link #repeatable}): reads, and transactions, which carry a client request token
 *     that makes DynamoDB apply them once. A single conditional write (put, update,
 *     delete) is not repeated: had the first attempt landed, its repeat would fail its
 *     condition and report the opposite of what happened (a delete that succeeded
 *     answered "not found"). It fails as a 503 that says the change may have been
 *     applied. Unmarked calls (the operator CLI's, say) are never repeated after such a
 *     failure: the safe default.</li>
 * </ul>
 * A transaction cancelled for a conflict with another transaction, or for throttling,
 * changed nothing, but the SDK does not retry cancellations: the datamart repository does,
 * up to {@value #MAX_TRANSACTION_ATTEMPTS} times, waiting as {@link #transactionBackoff}
 * says, each time with a fresh token.
 */
public final class DynamoDbRetryPolicy {
    static final int MAX_ATTEMPTS = 3;
    static final Duration BASE_DELAY = Duration.ofMillis(25);
    static final Duration THROTTLED_BASE_DELAY = Duration.ofMillis(50);
    static final Duration MAX_DELAY = Duration.ofSeconds(1);
    /** Tries of a transaction that DynamoDB cancelled for a conflict or throttling. */
    static final int MAX_TRANSACTION_ATTEMPTS = 5;

    /** DynamoDB's error codes for a call it refused without doing anything. */
    private static final Set<String> REFUSED = Set.of("ProvisionedThroughputExceededException", "ThrottlingException",
            "RequestLimitExceeded", "TransactionConflictException");

    /** Bound while a call that may safely be repeated is on its way: only its ambiguous failures are retried. */
    private static final ScopedValue<Boolean> REPEATABLE = ScopedValue.newInstance();

    private static final BackoffStrategy TRANSACTION_BACKOFF =
            BackoffStrategy.exponentialDelay(THROTTLED_BASE_DELAY, MAX_DELAY);

    private DynamoDbRetryPolicy() {
    }

    /** The SDK retry strategy of the functions' DynamoDB client. */
    public static RetryStrategy strategy() {
        return StandardRetryStrategy.builder()
                .maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BackoffStrategy.exponentialDelay(BASE_DELAY, MAX_DELAY))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(THROTTLED_BASE_DELAY, MAX_DELAY))
                .treatAsThrottling(DynamoDbRetryPolicy::refused)
                .retryOnException(DynamoDbRetryPolicy::retryable)
                // Only the conditions above: the client's defaults would retry every 5xx and I/O failure.
                .useClientDefaults(false)
                .build();
    }

    /** Whether the attempt that failed so is tried again. */
    static boolean retryable(Throwable failure) {
        if (refused(failure)) {
            return true;
        }
        return REPEATABLE.isBound() && mayHaveBeenApplied(failure);
    }

    /** DynamoDB refused the call and did nothing: it can always be tried again. */
    static boolean refused(Throwable failure) {
        return failure instanceof AwsServiceException refused && (refused.isThrottlingException()
                || refused.awsErrorDetails() != null && REFUSED.contains(refused.awsErrorDetails().errorCode()));
    }

    /**
     * A transaction whose token is still being applied by an earlier attempt (after a
     * lost answer): it may commit, so when the retries run out the change may have been
     * applied.
     */
    static boolean transactionInProgress(Throwable failure) {
        return failure instanceof AwsServiceException refused && refused.awsErrorDetails() != null
                && "TransactionInProgressException".equals(refused.awsErrorDetails().errorCode());
    }

    /** A write refused because a transaction was under way on its item. */
    static boolean transactionConflict(Throwable failure) {
        return failure instanceof AwsServiceException refused && refused.awsErrorDetails() != null
                && "TransactionConflictException".equals(refused.awsErrorDetails().errorCode());
    }

    /** No answer, or DynamoDB failed while answering: the call may or may not have been applied. */
    static boolean mayHaveBeenApplied(Throwable failure) {
        if (failure instanceof AwsServiceException service) {
            return service.statusCode() >= 500;
        }
        if (failure instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        if (failure instanceof SdkClientException) {
            for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IOException) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Runs a call that may be repeated after an ambiguous failure: a read, or a transaction with its token. */
    static <T> T repeatable(Callable<T> call) {
        try {
            return ScopedValue.where(REPEATABLE, Boolean.TRUE).call(call::call);
        } catch (RuntimeException | Error unchecked) {
            throw unchecked;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        }
    }

    /** How long to wait before try {@code attempt} + 1 of a cancelled transaction: full jitter, as the SDK waits. */
    static Duration transactionBackoff(int attempt) {
        return TRANSACTION_BACKOFF.computeDelay(attempt);
    }
}
