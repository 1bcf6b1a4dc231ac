package io.datamart.throttling;

import io.datamart.aws.AwsClients;
import io.datamart.error.RequestLimitExceededException;
import io.datamart.error.ServiceUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * At most {@code limit} API requests per organization in each fixed one-minute window,
 * whichever function and execution environment serves them.
 *
 * <p>The design: one counter item per organization and window in the request counters
 * table, keyed {@code <organizationId>#<window start, epoch seconds>}. Each authenticated
 * request adds one with a single UpdateItem conditioned on the count being below the
 * limit, so the count is exact under any concurrency and a refused request adds nothing.
 * A refusal tells the client how long until the window ends ({@code Retry-After}). Counters
 * carry an {@code expiresAt} (epoch seconds) an hour after their window, for DynamoDB's
 * TTL to delete them. A fixed window lets a client send up to twice the limit across a
 * window boundary; that is the price of one write per request instead of a read and a
 * write.
 *
 * <p>The limit protects capacity; it is not a security boundary. When DynamoDB cannot
 * count a request (throttled, unreachable), the request goes ahead uncounted and the
 * caller logs it: a limiter that failed closed would turn a counter-table hiccup into an
 * outage of the whole API.
 */
public final class OrganizationRequestLimit {
    public static final String TABLE_VARIABLE = "REQUEST_COUNTERS_TABLE";
    /** Requests per organization and minute; 0, or the variable unset, means no limit. */
    public static final String LIMIT_VARIABLE = "ORGANIZATION_REQUESTS_PER_MINUTE";
    static final long WINDOW_SECONDS = 60;
    /** How long a counter outlives its window before the table's TTL may delete it. */
    static final long KEEP_SECONDS = 3600;
    static final String KEY = "counter";

    /** What {@link #admit} did with a request it let through. */
    public record Admission(Outcome outcome, String uncountedBecause) {
        public enum Outcome { COUNTED, NOT_LIMITED, UNCOUNTED }

        static final Admission COUNTED = new Admission(Outcome.COUNTED, null);
        static final Admission NOT_LIMITED = new Admission(Outcome.NOT_LIMITED, null);
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final int limit;
    private final Clock clock;

    public OrganizationRequestLimit(DynamoDbClient dynamoDb, String table, int limit, Clock clock) {
        if (limit < 0) {
            throw new IllegalArgumentException("a request limit cannot be negative: " + limit);
        }
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.limit = limit;
        this.clock = clock;
    }

    /** The limit the environment sets ({@value #LIMIT_VARIABLE}, counted in {@value #TABLE_VARIABLE}). */
    public static OrganizationRequestLimit fromEnvironment(DynamoDbClient dynamoDb, Map<String, String> environment,
            Clock clock) {
        String value = environment.get(LIMIT_VARIABLE);
        int limit;
        try {
            limit = value == null || value.isBlank() ? 0 : Integer.parseInt(value.strip());
        } catch (NumberFormatException invalid) {
            limit = -1;
        }
        if (limit < 0) {
            throw new IllegalStateException(LIMIT_VARIABLE + " must be a whole number of requests (0: no limit), not '"
                    + value + "'");
        }
        return new OrganizationRequestLimit(dynamoDb,
                limit == 0 ? null : AwsClients.required(environment, TABLE_VARIABLE), limit, clock);
    }

    /**
     * Counts one request of the organization.
     *
     * @throws RequestLimitExceededException the organization's requests for this window are used up
     */
    public Admission admit(String organizationId) {
        if (limit == 0) {
            return Admission.NOT_LIMITED;
        }
        Instant now = clock.instant();
        long windowStart = Math.floorDiv(now.getEpochSecond(), WINDOW_SECONDS) * WINDOW_SECONDS;
        try {
            dynamoDb.updateItem(request -> request
                    .tableName(table)
                    .key(Map.of(KEY, AttributeValue.fromS(organizationId + "#" + windowStart)))
                    .updateExpression("ADD requests :one SET expiresAt = if_not_exists(expiresAt, :expires)")
                    .conditionExpression("attribute_not_exists(requests) OR requests < :limit")
                    .expressionAttributeValues(Map.of(
                            ":one", AttributeValue.fromN("1"),
                            ":limit", AttributeValue.fromN(Integer.toString(limit)),
                            ":expires", AttributeValue.fromN(Long.toString(windowStart + WINDOW_SECONDS
                                    + KEEP_SECONDS)))));
            return Admission.COUNTED;
        } catch (ConditionalCheckFailedException spent) {
            long untilWindowEnds = (windowStart + WINDOW_SECONDS) * 1000 - now.toEpochMilli();
            throw new RequestLimitExceededException(limit, WINDOW_SECONDS, Math.max(1, (untilWindowEnds + 999) / 1000));
        } catch (SdkException uncounted) {
            return new Admission(Admission.Outcome.UNCOUNTED, uncounted.getClass().getSimpleName() + ": "
                    + uncounted.getMessage());
        } catch (ServiceUnavailableException uncounted) {
            return new Admission(Admission.Outcome.UNCOUNTED, uncounted.internalCause());
        }
    }
}
