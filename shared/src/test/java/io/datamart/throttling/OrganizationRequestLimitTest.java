package io.datamart.throttling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.error.RequestLimitExceededException;
import io.datamart.testing.Concurrently;
import io.datamart.testing.Databases;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.MutableClock;
import io.datamart.throttling.OrganizationRequestLimit.Admission.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** The per-organization request limit against the test AWS's counters table, under a test clock. */
class OrganizationRequestLimitTest {
    private static final FaultInjectingDynamoDbClient.Operation UPDATE_ITEM =
            FaultInjectingDynamoDbClient.Operation.UPDATE_ITEM;
    /** 45.2 s into a minute: 14.8 s of the window left, so Retry-After is 15. */
    private static final Instant IN_A_WINDOW = Instant.parse("2026-11-30T10:00:45.200Z");

    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient client;
    private MutableClock clock;

    @BeforeEach
    void freshTables() {
        db = Databases.fresh();
        client = new FaultInjectingDynamoDbClient(db.client());
        clock = new MutableClock(IN_A_WINDOW);
    }

    private OrganizationRequestLimit limit(int requestsPerMinute) {
        return new OrganizationRequestLimit(client, db.requestCountersTable(), requestsPerMinute, clock);
    }

    private Map<String, AttributeValue> counter(String key) {
        return db.client().getItem(r -> r.tableName(db.requestCountersTable()).consistentRead(true)
                .key(Map.of("counter", AttributeValue.fromS(key)))).item();
    }

    @Test
    void admitsTheLimitThenRefusesWithTheTimeLeftInTheWindow() {
        OrganizationRequestLimit limit = limit(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.COUNTED, limit.admit("demo").outcome());
        }
        RequestLimitExceededException refused = assertThrows(RequestLimitExceededException.class,
                () -> limit.admit("demo"));
        assertEquals(15, refused.retryAfterSeconds());
        assertTrue(refused.getMessage().contains("at most 3 requests per organization every 60 seconds"),
                refused::getMessage);
    }

    @Test
    void aRefusedRequestAddsNothing() {
        OrganizationRequestLimit limit = limit(2);
        limit.admit("demo");
        limit.admit("demo");
        for (int i = 0; i < 5; i++) {
            assertThrows(RequestLimitExceededException.class, () -> limit.admit("demo"));
        }
        assertEquals("2", counter("demo#" + windowStart(IN_A_WINDOW)).get("requests").n());
    }

    @Test
    void startsAfreshInTheNextWindow() {
        OrganizationRequestLimit limit = limit(1);
        limit.admit("demo");
        assertThrows(RequestLimitExceededException.class, () -> limit.admit("demo"));
        clock.advance(Duration.ofMillis(14_799));
        assertEquals(1, assertThrows(RequestLimitExceededException.class, () -> limit.admit("demo"))
                .retryAfterSeconds(), "never less than one second");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Outcome.COUNTED, limit.admit("demo").outcome(), "the next minute is a new window");
    }

    @Test
    void countsEachOrganizationApart() {
        OrganizationRequestLimit limit = limit(1);
        limit.admit("demo");
        assertThrows(RequestLimitExceededException.class, () -> limit.admit("demo"));
        assertEquals(Outcome.COUNTED, limit.admit("acme").outcome(), "one busy tenant does not spend another's");
        assertEquals(Outcome.COUNTED, limit.admit("demo#").outcome(), "a lookalike id has its own counter");
    }

    @Test
    void countsExactlyUnderConcurrency() {
        OrganizationRequestLimit limit = limit(10);
        List<Boolean> admitted = Concurrently.run(24, i -> {
            try {
                limit.admit("demo");
                return true;
            } catch (RequestLimitExceededException refused) {
                return false;
            }
        });
        assertEquals(10, admitted.stream().filter(Boolean::booleanValue).count());
        assertEquals("10", counter("demo#" + windowStart(IN_A_WINDOW)).get("requests").n());
    }

    @Test
    void marksEachCounterForDeletionAnHourAfterItsWindow() {
        limit(5).admit("demo");
        long start = windowStart(IN_A_WINDOW);
        assertEquals(Long.toString(start + 60 + 3600), counter("demo#" + start).get("expiresAt").n());
    }

    @Test
    void withoutALimitNeverTouchesDynamoDb() {
        OrganizationRequestLimit limit = new OrganizationRequestLimit(client, null, 0, clock);
        for (int i = 0; i < 100; i++) {
            assertEquals(Outcome.NOT_LIMITED, limit.admit("demo").outcome());
        }
        assertEquals(0, client.calls(UPDATE_ITEM));
    }

    @Test
    void letsTheRequestThroughUncountedWhenDynamoDbCannotCountIt() {
        client.fail(UPDATE_ITEM, 1, () -> ProvisionedThroughputExceededException.builder()
                .message("Rate of requests exceeds the allowed throughput").build());
        OrganizationRequestLimit.Admission admission = limit(1).admit("demo");
        assertEquals(Outcome.UNCOUNTED, admission.outcome());
        assertTrue(admission.uncountedBecause().contains("ProvisionedThroughputExceededException"),
                admission::uncountedBecause);
    }

    @Test
    void readsTheLimitAndTheTableFromTheEnvironment() {
        Map<String, String> environment = Map.of(OrganizationRequestLimit.LIMIT_VARIABLE, " 1 ",
                OrganizationRequestLimit.TABLE_VARIABLE, db.requestCountersTable());
        OrganizationRequestLimit limit = OrganizationRequestLimit.fromEnvironment(client, environment, clock);
        limit.admit("demo");
        assertThrows(RequestLimitExceededException.class, () -> limit.admit("demo"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "  "})
    void anUnsetOrZeroLimitNeedsNoTable(String value) {
        OrganizationRequestLimit limit = OrganizationRequestLimit.fromEnvironment(client,
                Map.of(OrganizationRequestLimit.LIMIT_VARIABLE, value), clock);
        assertEquals(Outcome.NOT_LIMITED, limit.admit("demo").outcome());
        assertEquals(Outcome.NOT_LIMITED, OrganizationRequestLimit.fromEnvironment(client, Map.of(), clock)
                .admit("demo").outcome());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "ten", "1.5", "99999999999"})
    void refusesToStartWithAMalformedLimit(String value) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> OrganizationRequestLimit.fromEnvironment(client, Map.of(OrganizationRequestLimit.LIMIT_VARIABLE,
                        value, OrganizationRequestLimit.TABLE_VARIABLE, "counters"), clock));
        assertTrue(refused.getMessage().contains(OrganizationRequestLimit.LIMIT_VARIABLE), refused::getMessage);
    }

    @Test
    void refusesToStartWithALimitButNoTable() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> OrganizationRequestLimit.fromEnvironment(client,
                        Map.of(OrganizationRequestLimit.LIMIT_VARIABLE, "5"), clock));
        assertTrue(refused.getMessage().contains(OrganizationRequestLimit.TABLE_VARIABLE), refused::getMessage);
    }

    private static long windowStart(Instant at) {
        return at.getEpochSecond() / 60 * 60;
    }
}
