package io.datamart.testing;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;

/**
 * What DynamoDB or the network can throw at a function, for fault injection. Each
 * failure carries {@link #INTERNAL_TEXT}, which must never reach a client.
 */
public final class Failures {
    /** A marker in every injected failure's message; a response that contains it leaks internals. */
    public static final String INTERNAL_TEXT = "arn:aws:dynamodb:us-east-1:123456789012:table/secret-internal";

    private Failures() {
    }

    /**
     * What DynamoDB or the network can do to a call, as the SDK reports it after its own
     * retries, and what a function must answer: 503 when nobody is at fault (saying
     * whether a write may have been applied), an opaque 500 when something is broken.
     */
    public enum StorageFailure {
        THROTTLED(Failures::throttled),
        DYNAMODB_500(() -> DynamoDbException.builder()
                .message("Internal failure on " + INTERNAL_TEXT).statusCode(500)
                .awsErrorDetails(details("InternalFailure", "Internal failure on " + INTERNAL_TEXT))
                .build()),
        INTERNAL_SERVER_ERROR(() -> InternalServerErrorException.builder()
                .message("Internal server error on " + INTERNAL_TEXT).statusCode(500)
                .awsErrorDetails(details("InternalServerError", "Internal server error on " + INTERNAL_TEXT))
                .build()),
        NO_CONNECTION(() -> SdkClientException.create(
                "Unable to execute HTTP request: connect timed out to " + INTERNAL_TEXT)),
        TIMED_OUT(() -> ApiCallTimeoutException.create(8000)),
        /** A deployment mistake: the function's role may not make the call. */
        ACCESS_DENIED(() -> DynamoDbException.builder()
                .message("User is not authorized on " + INTERNAL_TEXT).statusCode(400)
                .awsErrorDetails(details("AccessDeniedException", "User is not authorized on " + INTERNAL_TEXT))
                .build()),
        /** A bug of ours. */
        BUG(() -> new IllegalStateException("broken invariant near " + INTERNAL_TEXT));

        private final Supplier<RuntimeException> failure;

        StorageFailure(Supplier<RuntimeException> failure) {
            this.failure = failure;
        }

        public RuntimeException create() {
            return failure.get();
        }

        /** True when the function must answer 503: throttling, DynamoDB's 5xx, no answer. */
        public boolean unavailable() {
            return this != ACCESS_DENIED && this != BUG;
        }

        /**
         * The 503's message for a failure of a read or of a write: only an unanswered write,
         * or one DynamoDB failed while making, may have been applied.
         */
        public String unavailableMessage(boolean write) {
            if (this == THROTTLED) {
                return "The database is busy; nothing was changed. Retry after 2 s";
            }
            if (write) {
                return "The database did not confirm the change in time; it may or may not have been applied. "
                        + "Read the datamart before retrying";
            }
            return this == NO_CONNECTION || this == TIMED_OUT
                    ? "The database did not answer in time; nothing was changed. Retry after 2 s"
                    : "The database is busy; nothing was changed. Retry after 2 s";
        }
    }

    /** DynamoDB's throttling answer, as the SDK unmarshals it (its error code is what marks it). */
    public static ProvisionedThroughputExceededException throttled() {
        String message = "The level of configured provisioned throughput for the table was exceeded on "
                + INTERNAL_TEXT;
        return (ProvisionedThroughputExceededException) ProvisionedThroughputExceededException.builder()
                .message(message).statusCode(400)
                .awsErrorDetails(details("ProvisionedThroughputExceededException", message)).build();
    }

    /** A single write refused because a transaction was under way on its item (moto never answers so). */
    public static TransactionConflictException transactionConflict() {
        String message = "Transaction is ongoing for the item";
        return (TransactionConflictException) TransactionConflictException.builder().message(message).statusCode(400)
                .awsErrorDetails(details("TransactionConflictException", message)).build();
    }

    /** A transaction whose client token an earlier attempt, its answer lost, is still applying. */
    public static TransactionInProgressException transactionInProgress() {
        String message = "Transaction is in progress";
        return (TransactionInProgressException) TransactionInProgressException.builder().message(message)
                .statusCode(400).awsErrorDetails(details("TransactionInProgressException", message)).build();
    }

    /** A conditional write whose condition failed, as DynamoDB answers it. */
    public static ConditionalCheckFailedException conditionFailed() {
        String message = "The conditional request failed";
        return (ConditionalCheckFailedException) ConditionalCheckFailedException.builder().message(message)
                .statusCode(400).awsErrorDetails(details("ConditionalCheckFailedException", message)).build();
    }

    private static AwsErrorDetails details(String code, String message) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("DynamoDb").build();
    }

    /**
     * DynamoDB's answer to an update that would leave the item over 400 KB, as DynamoDB
     * words it; DynamoDB then changes nothing. moto gives the same answer but has already
     * applied the assignments before the one that overflowed (the new updatedAt and
     * version stay), so tests inject this answer rather than take it from the engine.
     */
    public static DynamoDbException itemSizeToUpdateExceeded() {
        String message = "Item size to update has exceeded the maximum allowed size";
        return (DynamoDbException) DynamoDbException.builder().statusCode(400).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").errorMessage(message)
                        .serviceName("DynamoDb").build())
                .build();
    }
}
