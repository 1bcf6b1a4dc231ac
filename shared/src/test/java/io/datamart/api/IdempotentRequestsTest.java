package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.datamart.error.IdempotencyKeyReusedException;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.testing.Databases;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.TestContext;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keyed writes against the real idempotency table: what makes a retry the same request. */
class IdempotentRequestsTest {
    private static final String KEY = "retry-7f3a";
    private static final String BODY = "{\"datamartName\": \"m\", \"relationships\": []}";

    private IdempotentRequests requests;
    private final AtomicInteger runs = new AtomicInteger();

    /** The local AWS started before any test, so that no test's time includes its start. */
    @BeforeAll
    static void startLocalAws() {
        LocalDynamoDb.instance();
    }

    @BeforeEach
    void freshTables() {
        LocalDynamoDb db = Databases.fresh();
        requests = new IdempotentRequests(
                new IdempotencyRecordRepository(db.client(), db.idempotencyKeysTable(), Clock.systemUTC()));
    }

    private static ApiRequest update(String ifMatch) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Type", "application/json");
        if (ifMatch != null) {
            headers.put("If-Match", ifMatch);
        }
        return new ApiRequest("PUT", Route.UPDATE.path(), headers, null, Map.of(), Map.of(), BODY, false);
    }

    /** The keyed update, answered (when it runs) with a 400 that is recorded against the key. */
    private ApiResponse send(ApiRequest request) {
        return requests.serve(Fixtures.DEMO_ORG, Route.UPDATE, request, KEY, new TestContext(), with -> {
            runs.incrementAndGet();
            return ApiResponse.json(400, Fixtures.object("{\"error\": {\"code\": \"INVALID_REQUEST\"}}"));
        });
    }

    @Test
    void replaysARetryNamingTheSameVersion() {
        send(update("\"1\""));
        ApiResponse retried = send(update("\"1\""));

        assertEquals(1, runs.get(), "run once");
        assertEquals("true", retried.headers().get(IdempotentRequests.REPLAYED));
        assertEquals(400, retried.statusCode());
    }

    @Test
    void refusesTheKeyForARetryNamingAnotherVersion() {
        send(update("\"1\""));

        assertThrows(IdempotencyKeyReusedException.class, () -> send(update("\"2\"")));
        assertEquals(1, runs.get());
    }

    @Test
    void refusesTheKeyForARetryThatAddsAnIfMatch() {
        send(update(null));

        assertThrows(IdempotencyKeyReusedException.class, () -> send(update("\"1\"")));
        assertEquals(1, runs.get());
    }
}
