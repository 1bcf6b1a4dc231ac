package io.datamart.testing;

import static io.datamart.testing.HandlerAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The contract's Idempotency-Key, as every write function must keep it, written once:
 * each function's test class extends this with its routes and requests. A request
 * repeated with its key gets the first answer again, with {@code Idempotent-Replayed:
 * true}, and changes nothing more, even after other changes of the datamart; the key with
 * another request is 422; while the first runs, 409; bad input is replayed, a 5xx is not.
 */
public abstract class IdempotencyKeyBehaviour {
    private static final String KEY = "3f1c9a52-7b1e-4d6a-9d0e-2b8f4c1a6e77";

    /** A route the operation is served on. {@code ALIAS} only where there is one (delete). */
    public enum Way { NEW, LEGACY, ALIAS }

    protected abstract FunctionUnderTest<? extends RequestStreamHandler> function();

    /** The route's request for the datamart the tests use, with the demo token; null where the route does not exist. */
    protected abstract ApiCall request(Way way, Payload payload);

    /** The same route, the same datamart, another request. */
    protected abstract ApiCall otherRequest(Way way, Payload payload);

    /** The same route with input the operation refuses with a 4xx. */
    protected abstract ApiCall badRequest(Way way, Payload payload);

    /** What the operation needs stored before it runs. */
    protected abstract void seed();

    /** Another client's change of the datamart, after which running the request again would do something else. */
    protected abstract void changeMeanwhile();

    /** The state after the request took effect once, and only the change of {@link #changeMeanwhile} after it. */
    protected abstract void assertAppliedOnceThenChanged();

    /** The state after the request took effect once, by itself. */
    protected abstract void assertAppliedOnce();

    private RequestStreamHandler handler() {
        return function().handler();
    }

    private ApiResult send(ApiCall call) {
        return call.invoke(handler());
    }

    private ApiCall keyed(ApiCall call) {
        return call.header("Idempotency-Key", KEY);
    }

    private static boolean skipped(ApiCall call) {
        return call == null;
    }

    private static void assertReplayOf(ApiResult first, ApiResult replay) {
        assertEquals(first.status(), replay.status(), replay::toString);
        assertEquals(first.body(), replay.body(), "the first answer, again");
        assertEquals("true", replay.header("Idempotent-Replayed"), replay::toString);
        assertEquals(first.header("Deprecation"), replay.header("Deprecation"), "a legacy route's notice, again");
        assertEquals(first.header("Link"), replay.header("Link"));
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void replaysTheFirstAnswerAndChangesNothingMoreEvenAfterOtherChanges(Way way) {
        ApiCall request = request(way, Payload.HTTP_API);
        if (skipped(request)) {
            return;
        }
        seed();
        ApiResult first = send(keyed(request));
        assertEquals(200, first.status(), first::toString);
        assertNull(first.header("Idempotent-Replayed"), "the first answer is not a replay");
        changeMeanwhile();
        Map<String, Object> before = function().db().snapshot();

        ApiResult again = send(keyed(request(way, Payload.REST_API)));

        assertReplayOf(first, again);
        assertEquals(before, function().db().snapshot(), "a replay writes nothing, records included");
        assertAppliedOnceThenChanged();
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void refusesTheKeyWithAnotherRequestAs422(Way way) {
        ApiCall request = request(way, Payload.HTTP_API);
        if (skipped(request)) {
            return;
        }
        seed();
        send(keyed(request));
        Map<String, Object> before = function().db().snapshot();

        ApiResult other = send(keyed(otherRequest(way, Payload.HTTP_API)));

        assertError(other, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key was used for a different request");
        assertEquals(before, function().db().snapshot());
        assertAppliedOnce();
    }

    @Test
    void refusesTheKeyOnAnotherRouteAs422() {
        ApiCall onNew = request(Way.NEW, Payload.HTTP_API);
        ApiCall onLegacy = request(Way.LEGACY, Payload.HTTP_API);
        seed();
        send(keyed(onNew));

        ApiResult other = send(keyed(onLegacy));

        assertError(other, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key was used for a different request");
        assertAppliedOnce();
    }

    @Test
    void answersInUseWhileTheFirstRequestRunsThenReplaysIt() {
        seed();
        AtomicReference<ApiResult> meanwhile = new AtomicReference<>();
        // Just before the first request's write, the same request arrives again.
        function().dynamoDb().beforeCall(Operation.TRANSACT_WRITE_ITEMS, 1,
                () -> meanwhile.set(send(keyed(request(Way.NEW, Payload.REST_API)))));

        ApiResult first = send(keyed(request(Way.NEW, Payload.HTTP_API)));

        assertEquals(200, first.status(), first::toString);
        assertError(meanwhile.get(), 409, "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress");
        assertReplayOf(first, send(keyed(request(Way.NEW, Payload.HTTP_API))));
        assertAppliedOnce();
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void replaysBadInputAnswersToo(Way way) {
        ApiCall bad = badRequest(way, Payload.HTTP_API);
        if (skipped(bad)) {
            return;
        }
        seed();
        ApiResult first = send(keyed(bad));
        assertTrue(first.status() >= 400 && first.status() < 500, first::toString);

        ApiResult again = send(keyed(badRequest(way, Payload.HTTP_API)));

        assertReplayOf(first, again);
    }

    @Test
    void runsAfreshAfterA5xxWhichIsNotRecorded() {
        seed();
        // The write's transaction is throttled every time: 503, and the key given up.
        function().dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 100, Failures::throttled);
        ApiResult failed = send(keyed(request(Way.NEW, Payload.HTTP_API)));
        assertEquals(503, failed.status(), failed::toString);
        function().dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 0, Failures::throttled);

        ApiResult retried = send(keyed(request(Way.NEW, Payload.HTTP_API)));

        assertEquals(200, retried.status(), retried::toString);
        assertNull(retried.header("Idempotent-Replayed"), "run afresh, not replayed");
        assertAppliedOnce();
    }

    @Test
    void commitsTheChangeOnlyTogetherWithItsRecord() {
        seed();
        Map<String, Object> before = function().db().snapshotOfData();
        // Between the claim and the write, the claim stops being this request's (as when its
        // lease ran out and another took over): the record's condition fails inside the
        // write's own transaction, and the change is not made either.
        function().dynamoDb().beforeCall(Operation.TRANSACT_WRITE_ITEMS, 1, () -> function().db().client()
                .updateItem(r -> r.tableName(function().db().idempotencyKeysTable())
                        .key(Map.of("organizationId", AttributeValue.fromS(Fixtures.DEMO_ORG),
                                "idempotencyKey", AttributeValue.fromS("http:" + KEY)))
                        .updateExpression("SET claimId = :other")
                        .expressionAttributeValues(Map.of(":other", AttributeValue.fromS("another-request")))));

        ApiResult lost = send(keyed(request(Way.NEW, Payload.HTTP_API)));

        assertError(lost, 409, "IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress");
        assertEquals(before, function().db().snapshotOfData(), "no change without its record");
    }

    @Test
    void leavesNeitherTheChangeNorItsRecordWhenTheTransactionFails() {
        seed();
        Map<String, Object> before = function().db().snapshot();
        // The transaction cancelled for a reason that is not retried: neither the change nor its answer.
        function().dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> TransactionCanceledException.builder()
                .message("Transaction cancelled [ValidationError]")
                .cancellationReasons(CancellationReason.builder().code("ValidationError").message("boom").build())
                .statusCode(400).build());

        ApiResult failed = send(keyed(request(Way.NEW, Payload.HTTP_API)));

        assertEquals(500, failed.status(), failed::toString);
        assertEquals(before, function().db().snapshot(), "no change without its record, no record without its change");
        ApiResult retried = send(keyed(request(Way.NEW, Payload.HTTP_API)));
        assertEquals(200, retried.status(), "the key was given up, so the retry runs: " + retried);
        assertAppliedOnce();
    }

    @Test
    void keepsTheAnswerHashedAtLeastADayAndNeverTheBodyOrTheToken() {
        seed();
        Instant sent = Instant.now();
        ApiResult first = send(keyed(request(Way.NEW, Payload.HTTP_API)));

        List<Map<String, AttributeValue>> records = function().db().client()
                .scan(r -> r.tableName(function().db().idempotencyKeysTable())).items();
        assertEquals(1, records.size());
        Map<String, AttributeValue> record = records.get(0);
        assertEquals(Fixtures.DEMO_ORG, record.get("organizationId").s());
        assertEquals("http:" + KEY, record.get("idempotencyKey").s());
        assertTrue(record.get("requestFingerprint").s().matches("[0-9a-f]{64}"), "a SHA-256, not the request");
        assertEquals("DONE", record.get("state").s());
        assertEquals(first.body(), Fixtures.object(record.get("answer").s()));
        assertTrue(Long.parseLong(record.get("expiresAt").n()) >= sent.plusSeconds(24 * 3600).getEpochSecond(),
                "kept at least 24 hours (TTL)");
        assertFalse(record.toString().contains(Fixtures.DEMO_TOKEN), "never the token");
        // Nothing else: the body's place is taken by its hash.
        assertEquals(Set.of("organizationId", "idempotencyKey", "requestFingerprint", "state", "claimId", "status",
                "answer", "createdAt", "expiresAt"), record.keySet());
    }

    @Test
    void keepsKeysPerOrganization() {
        seed();
        send(keyed(request(Way.NEW, Payload.HTTP_API)));

        // The same key from another organization is another key: its request runs for itself.
        ApiResult other = send(keyed(request(Way.NEW, Payload.HTTP_API).bearer(Fixtures.OTHER_TOKEN)));

        assertNull(other.header("Idempotent-Replayed"), other::toString);
        assertFalse(other.status() == 422, "not the other organization's key: " + other);
        List<String> organizations = function().db().client()
                .scan(r -> r.tableName(function().db().idempotencyKeysTable())).items().stream()
                .map(record -> record.get("organizationId").s()).sorted().toList();
        assertEquals(List.of(Fixtures.OTHER_ORG, Fixtures.DEMO_ORG).stream().sorted().toList(), organizations,
                "one record per organization under the same key");
    }

    @Test
    void refusesAKeyThatIsNotOneTo255PrintableAsciiCharacters() {
        seed();
        Map<String, Object> before = function().db().snapshot();
        for (String key : new String[] {"", " ", "k".repeat(256), "clé", "tab\there"}) {
            ApiResult result = send(request(Way.NEW, Payload.HTTP_API).header("Idempotency-Key", key));
            assertEquals(400, result.status(), () -> "'" + key + "': " + result);
            assertEquals("INVALID_REQUEST_BODY", result.errorCode());
            assertTrue(result.errorMessage().startsWith("Idempotency-Key must be 1 to 255 printable ASCII"),
                    result::toString);
        }
        assertEquals(before, function().db().snapshot());
        ApiResult longest = send(keyed(request(Way.NEW, Payload.HTTP_API))
                .header("Idempotency-Key", "k".repeat(255)));
        assertEquals(200, longest.status(), longest::toString);
    }

    @Test
    void runsExactlyOneOfFiftyConcurrentRequestsWithOneKey() {
        seed();
        List<ApiResult> results = Concurrently.run(50, n -> send(keyed(request(Way.NEW,
                n % 2 == 0 ? Payload.HTTP_API : Payload.REST_API))));

        List<ApiResult> ran = new ArrayList<>();
        for (ApiResult result : results) {
            if (result.status() == 409) {
                assertEquals("IDEMPOTENCY_KEY_IN_USE", result.errorCode(), result::toString);
            } else if ("true".equals(result.header("Idempotent-Replayed"))) {
                assertEquals(200, result.status(), result::toString);
            } else {
                ran.add(result);
            }
        }
        assertEquals(1, ran.size(), () -> "exactly one ran: " + ran);
        assertEquals(200, ran.get(0).status(), ran.get(0)::toString);
        assertAppliedOnce();
    }

    @Test
    void behavesAsBeforeWithoutTheHeader() {
        seed();
        ApiResult first = send(request(Way.NEW, Payload.HTTP_API));
        assertEquals(200, first.status(), first::toString);
        assertNull(first.header("Idempotent-Replayed"));
        assertEquals(List.of(), function().db().client()
                .scan(r -> r.tableName(function().db().idempotencyKeysTable())).items(), "no record");
        assertNotNull(first.body());
    }
}
