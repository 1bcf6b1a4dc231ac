package io.datamart.persistence;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * How often each provisioning message was really tried and failed, by message id. The
 * queue's own receive count also counts the deliveries in which a message was only held
 * behind an earlier one of its datamart, so it cannot say when a request has had its
 * chances; this count can. Only failures are written (one UpdateItem each); DynamoDB's
 * TTL deletes an entry once the queue can no longer hold its message.
 */
public final class ProvisioningAttemptRepository {
    /** The table's name, as template.yaml passes it to the provisioning function. */
    public static final String TABLE_VARIABLE = "PROVISIONING_ATTEMPTS_TABLE";
    /** Longer than any message lives: SQS keeps one at most 14 days. */
    static final Duration KEEP = Duration.ofDays(15);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public ProvisioningAttemptRepository(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    /** Counts one more failed try of the message; returns how many it has had, this one included. */
    public int recordFailure(String messageId) {
        Map<String, AttributeValue> counted = dynamoDb.updateItem(request -> request.tableName(table)
                .key(Map.of("messageId", AttributeValues.string(messageId)))
                .updateExpression("ADD tries :one SET expiresAt = :expires")
                .expressionAttributeValues(Map.of(
                        ":one", AttributeValue.fromN("1"),
                        ":expires", AttributeValue.fromN(Long.toString(clock.instant().plus(KEEP).getEpochSecond()))))
                .returnValues(ReturnValue.UPDATED_NEW)).attributes();
        return Integer.parseInt(counted.get("tries").n());
    }
}
