package io.datamart.persistence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * What became of each idempotency key (an HTTP {@code Idempotency-Key}, a provisioning
 * message's correlation id), per organization, in a table of its own so that the
 * datamarts' change stream carries datamart changes alone.
 *
 * <p>A request first <em>claims</em> its key: one conditional put that only one of any
 * number of concurrent requests wins. The winner runs; its answer is <em>completed</em>
 * into the record in the same transaction as the datamart change it made (or alone, when
 * it changed nothing), so a change never commits without its record nor a record
 * without its change. Everyone else is told what the record says: the answer to replay,
 * a request still running, or a key used for a different request. A claim holds a lease
 * until its invocation must have ended; one left behind by an invocation that died is
 * taken over by the next request that brings the same fingerprint.
 */
public final class IdempotencyRecordRepository {
    public static final String TABLE_VARIABLE = "IDEMPOTENCY_KEYS_TABLE";

    static final String ORGANIZATION_ID = "organizationId";
    static final String KEY = "idempotencyKey";
    private static final String FINGERPRINT = "requestFingerprint";
    private static final String STATE = "state";
    private static final String CLAIM_ID = "claimId";
    private static final String LEASE_UNTIL = "leaseUntil";
    private static final String STATUS = "status";
    private static final String ANSWER = "answer";
    private static final String CREATED_AT = "createdAt";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String IN_PROGRESS = "IN_PROGRESS";
    private static final String DONE = "DONE";
    /** How often a claim is tried again when the record in its way vanished between two calls. */
    private static final int MAX_CLAIM_ATTEMPTS = 3;
    /**
     * Beyond the invocation's own end, how long its claim holds: clocks of two execution
     * environments may differ a little, and a claim taken over too early would run twice.
     */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(5);

    /** What claiming a key came to. */
    public sealed interface Claim {
    }

    /** This request holds the key: run it, then complete or release the claim. */
    public record Claimed(String claimId) implements Claim {
    }

    /** The key's request has been answered: {@code status} and {@code answer} are to be given again. */
    public record Answered(int status, String answer) implements Claim {
    }

    /** The key's first request is still running. */
    public record Running() implements Claim {
    }

    /** The key was first used for a request with another fingerprint. */
    public record UsedForAnotherRequest() implements Claim {
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public IdempotencyRecordRepository(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    /**
     * Claims {@code key} for a request with {@code fingerprint} whose invocation has
     * {@code timeLeft}: the claim holds until then (and a margin), the record is kept for
     * {@code keptFor}.
     */
    public Claim claim(String organizationId, String key, String fingerprint, Duration timeLeft, Duration keptFor) {
        for (int attempt = 1; ; attempt++) {
            Instant now = clock.instant();
            Instant leaseUntil = now.plus(timeLeft).plus(LEASE_MARGIN);
            String claimId = UUID.randomUUID().toString();
            Map<String, AttributeValue> item = new HashMap<>(key(organizationId, key));
            item.put(FINGERPRINT, AttributeValues.string(fingerprint));
            item.put(STATE, AttributeValues.string(IN_PROGRESS));
            item.put(CLAIM_ID, AttributeValues.string(claimId));
            item.put(LEASE_UNTIL, AttributeValues.number(leaseUntil.toEpochMilli()));
            item.put(CREATED_AT, AttributeValues.string(now.toString()));
            item.put(EXPIRES_AT, AttributeValues.number(now.plus(keptFor).getEpochSecond()));
            try {
                // Free, expired (DynamoDB's TTL deletes lazily), or a claim of the same request
                // whose invocation has ended without completing or releasing it.
                dynamoDb.putItem(request -> request.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(#key) OR #expiresAt < :nowSeconds"
                                + " OR (#state = :inProgress AND #leaseUntil < :nowMillis AND #fingerprint = :fingerprint)")
                        .expressionAttributeNames(Map.of("#key", KEY, "#expiresAt", EXPIRES_AT, "#state", STATE,
                                "#leaseUntil", LEASE_UNTIL, "#fingerprint", FINGERPRINT))
                        .expressionAttributeValues(Map.of(
                                ":nowSeconds", AttributeValues.number(now.getEpochSecond()),
                                ":inProgress", AttributeValues.string(IN_PROGRESS),
                                ":nowMillis", AttributeValues.number(now.toEpochMilli()),
                                ":fingerprint", AttributeValues.string(fingerprint))));
                return new Claimed(claimId);
            } catch (TransactionConflictException committing) {
                // The record is being written by the transaction of the request that holds it.
                return new Running();
            } catch (ConditionalCheckFailedException taken) {
                Map<String, AttributeValue> record = dynamoDb.getItem(request -> request.tableName(table)
                        .key(key(organizationId, key)).consistentRead(true)).item();
                if (record == null || record.isEmpty()) {
                    // Released (or expired and deleted) between the two calls: claim again.
                    if (attempt == MAX_CLAIM_ATTEMPTS) {
                        return new Running();
                    }
                    continue;
                }
                if (!fingerprint.equals(record.get(FINGERPRINT).s())) {
                    return new UsedForAnotherRequest();
                }
                if (DONE.equals(record.get(STATE).s())) {
                    return new Answered(Integer.parseInt(record.get(STATUS).n()), record.get(ANSWER).s());
                }
                if (Long.parseLong(record.get(LEASE_UNTIL).n()) < clock.instant().toEpochMilli()
                        && attempt < MAX_CLAIM_ATTEMPTS) {
                    continue; // its lease ran out meanwhile: take it over
                }
                return new Running();
            }
        }
    }

    /**
     * The answer recorded for {@code key} when its request has been answered and the
     * record is for {@code fingerprint}: what a later delivery is told before anything
     * else is looked at.
     */
    public Optional<Answered> answered(String organizationId, String key, String fingerprint) {
        Map<String, AttributeValue> record = dynamoDb.getItem(request -> request.tableName(table)
                .key(key(organizationId, key)).consistentRead(true)).item();
        if (record == null || record.isEmpty() || !DONE.equals(record.get(STATE).s())
                || !fingerprint.equals(record.get(FINGERPRINT).s())
                || Long.parseLong(record.get(EXPIRES_AT).n()) < clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(new Answered(Integer.parseInt(record.get(STATUS).n()), record.get(ANSWER).s()));
    }

    /**
     * The transaction item that records the answer of the claimed request, to commit with
     * the change it made; the transaction fails at it if the claim is no longer held.
     */
    public TransactWriteItem completion(String organizationId, String key, String claimId, int status, String answer) {
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(table)
                .key(key(organizationId, key))
                .updateExpression("SET #state = :done, #status = :status, #answer = :answer REMOVE #leaseUntil")
                .conditionExpression("#claimId = :claimId AND #state = :inProgress")
                .expressionAttributeNames(Map.of("#state", STATE, "#status", STATUS, "#answer", ANSWER,
                        "#leaseUntil", LEASE_UNTIL, "#claimId", CLAIM_ID))
                .expressionAttributeValues(Map.of(":done", AttributeValues.string(DONE),
                        ":status", AttributeValues.number(status), ":answer", AttributeValues.string(answer),
                        ":claimId", AttributeValues.string(claimId),
                        ":inProgress", AttributeValues.string(IN_PROGRESS)))
                .build()).build();
    }

    /** Records the answer of a claimed request that changed nothing (it was refused, say). */
    public void complete(String organizationId, String key, String claimId, int status, String answer) {
        Update update = completion(organizationId, key, claimId, status, answer).update();
        try {
            dynamoDb.updateItem(request -> request.tableName(update.tableName()).key(update.key())
                    .updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
                    .expressionAttributeNames(update.expressionAttributeNames())
                    .expressionAttributeValues(update.expressionAttributeValues()));
        } catch (ConditionalCheckFailedException lost) {
            throw new IdempotencyClaimLostException();
        }
    }

    /**
     * Gives up a claim whose request failed in a way worth retrying: the next request with
     * the key runs afresh. Best effort: a claim left behind is taken over once its lease ends.
     */
    public void release(String organizationId, String key, String claimId) {
        try {
            dynamoDb.deleteItem(request -> request.tableName(table).key(key(organizationId, key))
                    .conditionExpression("#claimId = :claimId AND #state = :inProgress")
                    .expressionAttributeNames(Map.of("#claimId", CLAIM_ID, "#state", STATE))
                    .expressionAttributeValues(Map.of(":claimId", AttributeValues.string(claimId),
                            ":inProgress", AttributeValues.string(IN_PROGRESS))));
        } catch (ConditionalCheckFailedException completedOrTakenOver) {
            // Nothing of ours to give up: the change committed with its record, or the lease ran out.
        }
    }

    /**
     * A transaction as a keyed write commits it, on a record that cannot exist, so its
     * condition fails and nothing is written: priming before a snapshot loads what a
     * transaction and its cancellation need.
     */
    public void primeTransaction(String organizationId) {
        try {
            dynamoDb.transactWriteItems(request -> request.transactItems(TransactWriteItem.builder().update(
                    Update.builder().tableName(table).key(key(organizationId, "priming:" + UUID.randomUUID()))
                            .updateExpression("SET #state = :done")
                            .conditionExpression("attribute_exists(#key)")
                            .expressionAttributeNames(Map.of("#state", STATE, "#key", KEY))
                            .expressionAttributeValues(Map.of(":done", AttributeValues.string(DONE)))
                            .build()).build()));
        } catch (TransactionCanceledException expected) {
            // the condition failed, as intended: nothing written
        }
    }

    private static Map<String, AttributeValue> key(String organizationId, String key) {
        return Map.of(ORGANIZATION_ID, AttributeValues.string(organizationId), KEY, AttributeValues.string(key));
    }
}
