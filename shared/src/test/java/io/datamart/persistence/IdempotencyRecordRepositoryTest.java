package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.persistence.IdempotencyRecordRepository.Answered;
import io.datamart.persistence.IdempotencyRecordRepository.Claimed;
import io.datamart.persistence.IdempotencyRecordRepository.Running;
import io.datamart.persistence.IdempotencyRecordRepository.UsedForAnotherRequest;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claims, leases and takeovers of idempotency records, on the test AWS with a clock the tests move. */
class IdempotencyRecordRepositoryTest {
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final String KEY = "http:k-1";
    private static final Duration TIME_LEFT = Duration.ofSeconds(30);
    private static final Duration KEPT = Duration.ofHours(24);

    private final MutableClock clock = new MutableClock(Instant.now());
    private FaultInjectingDynamoDbClient client;
    private IdempotencyRecordRepository records;

    @BeforeEach
    void freshTables() {
        LocalDynamoDb db = Fixtures.freshDatabase();
        client = new FaultInjectingDynamoDbClient(db.client());
        records = new IdempotencyRecordRepository(client, db.idempotencyKeysTable(), clock);
    }

    /** The lease a claim made now holds until, to the millisecond. */
    private Duration untilTheLeaseEnds() {
        return TIME_LEFT.plus(IdempotencyRecordRepository.LEASE_MARGIN);
    }

    @Test
    void letsOneClaimHoldUntilItsInvocationMustHaveEnded() {
        assertInstanceOf(Claimed.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
        clock.advance(TIME_LEFT);
        assertInstanceOf(Running.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT), "within the margin");
        clock.advance(IdempotencyRecordRepository.LEASE_MARGIN.plusMillis(1));

        // The first claimant's invocation has ended: the same request takes the key over.
        assertInstanceOf(Claimed.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
    }

    @Test
    void neverHandsAnAbandonedClaimToAnotherRequest() {
        records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        clock.advance(Duration.ofMinutes(5));

        assertInstanceOf(UsedForAnotherRequest.class, records.claim(ORG, KEY, "g", TIME_LEFT, KEPT));
    }

    @Test
    void losesTheClaimToATakeoverSoItsAnswerIsNotRecorded() {
        Claimed first = (Claimed) records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        clock.advance(Duration.ofMinutes(5));
        Claimed second = (Claimed) records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        assertNotEquals(first.claimId(), second.claimId());

        assertThrows(IdempotencyClaimLostException.class, () -> records.complete(ORG, KEY, first.claimId(), 200, "{}"));
        records.complete(ORG, KEY, second.claimId(), 200, "{\"id\":\"x\"}");

        Answered answered = (Answered) records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        assertEquals(200, answered.status());
        assertEquals("{\"id\":\"x\"}", answered.answer());
    }

    @Test
    void releasesOnlyItsOwnClaimAndThenTheKeyIsFree() {
        Claimed first = (Claimed) records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        records.release(ORG, KEY, "someone-else");
        assertInstanceOf(Running.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT), "not released by another");

        records.release(ORG, KEY, first.claimId());

        assertInstanceOf(Claimed.class, records.claim(ORG, KEY, "g", TIME_LEFT, KEPT), "free for any request");
    }

    @Test
    void forgetsAnAnswerOnceItsTimeIsUpEvenBeforeTtlDeletesIt() {
        Claimed claimed = (Claimed) records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        records.complete(ORG, KEY, claimed.claimId(), 400, "{}");
        assertTrue(records.answered(ORG, KEY, "f").isPresent());
        clock.advance(KEPT.plusSeconds(1));

        assertTrue(records.answered(ORG, KEY, "f").isEmpty());
        assertInstanceOf(Claimed.class, records.claim(ORG, KEY, "g", TIME_LEFT, KEPT));
    }

    @Test
    void answersRunningWhileTheHoldersTransactionIsWritingTheRecord() {
        client.fail(Operation.PUT_ITEM, 1, Failures::transactionConflict);

        assertInstanceOf(Running.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
    }

    @Test
    void claimsAgainAKeyWhoseRecordVanishedBetweenThePutAndTheRead() {
        // The put's condition failed, yet the read finds nothing: released (or expired and deleted) in between.
        client.fail(Operation.PUT_ITEM, 1, Failures::conditionFailed);

        assertInstanceOf(Claimed.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
        assertEquals(2, client.calls(Operation.PUT_ITEM));
    }

    @Test
    void answersRunningAfterThreeClaimsLostToARecordThatKeepsVanishing() {
        client.fail(Operation.PUT_ITEM, 3, Failures::conditionFailed);

        assertInstanceOf(Running.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
        assertEquals(3, client.calls(Operation.PUT_ITEM));
    }

    @Test
    void takesOverAClaimWhoseLeaseRanOutBetweenThePutAndTheRead() {
        Claimed first = (Claimed) records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        client.beforeCall(Operation.GET_ITEM, 1, () -> clock.advance(untilTheLeaseEnds().plusMillis(1)));

        Claimed second = assertInstanceOf(Claimed.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
        assertNotEquals(first.claimId(), second.claimId());
        assertEquals(3, client.calls(Operation.PUT_ITEM), "the first claim, the lost put, the takeover");
    }

    @Test
    void triesNoTakeoverOfALeaseInItsLastMillisecond() {
        records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        client.beforeCall(Operation.GET_ITEM, 1, () -> clock.advance(untilTheLeaseEnds()));

        assertInstanceOf(Running.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
        assertEquals(2, client.calls(Operation.PUT_ITEM), "the first claim and the lost put, nothing more");
    }

    @Test
    void answersRunningAfterThreeTakeoversOfAnEndedLeaseWereLost() {
        records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        clock.advance(Duration.ofMinutes(5));
        // Others keep winning the race to take the abandoned claim over.
        client.fail(Operation.PUT_ITEM, 3, Failures::conditionFailed);

        assertInstanceOf(Running.class, records.claim(ORG, KEY, "f", TIME_LEFT, KEPT));
        assertEquals(4, client.calls(Operation.PUT_ITEM), "the first claim and three lost takeovers");
    }

    @Test
    void stillAnswersInTheLastSecondTheRecordIsKept() {
        Claimed claimed = (Claimed) records.claim(ORG, KEY, "f", TIME_LEFT, KEPT);
        records.complete(ORG, KEY, claimed.claimId(), 201, "{}");
        clock.advance(KEPT);

        assertEquals(Optional.of(new Answered(201, "{}")), records.answered(ORG, KEY, "f"));
    }
}
