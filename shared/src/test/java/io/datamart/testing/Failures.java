package io.datamart.testing;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * What DynamoDB or the network can throw at a function, for fault injection. Each
 * failure carries {@link #INTERNAL_TEXT}, which must never reach a client.
 */
public final class Failures {
    /** A marker in every injected failure's message; a response that contains it leaks internals. */
    public static final String INTERNAL_TEXT = "arn:aws:dynamodb:us-east-1:123456789012:table/secret-internal";

    private Failures() {
    }

    /** (failure name, failure supplier) pairs. */
    public static Stream<Arguments> storageFailures() {
        return Stream.of(
                failure("DynamoDbException 500", () -> DynamoDbException.builder()
                        .message("Internal failure on " + INTERNAL_TEXT).statusCode(500)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure")
                                .errorMessage("Internal failure on " + INTERNAL_TEXT).serviceName("DynamoDb").build())
                        .build()),
                failure("InternalServerErrorException", () -> InternalServerErrorException.builder()
                        .message("Internal server error on " + INTERNAL_TEXT).statusCode(500).build()),
                failure("ProvisionedThroughputExceededException", () -> ProvisionedThroughputExceededException
                        .builder().message("Throughput exceeded on " + INTERNAL_TEXT).statusCode(400).build()),
                failure("SdkClientException", () -> SdkClientException.create(
                        "Unable to execute HTTP request: connect timed out to " + INTERNAL_TEXT)));
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

    private static Arguments failure(String name, Supplier<RuntimeException> failure) {
        return Arguments.of(Named.of(name, failure));
    }
}
