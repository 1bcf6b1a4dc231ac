package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.persistence.ParkedDatamartRepository.Parking;
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

/** Parked datamarts on the test AWS: the first parking holds until an operator releases it. */
class ParkedDatamartRepositoryTest {
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final String NAME = "sales-analytics";
    private static final Instant START = Instant.parse("2026-03-01T10:15:30.123456789Z");

    private final MutableClock clock = new MutableClock(START);
    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient client;
    private ParkedDatamartRepository parkings;

    @BeforeEach
    void freshTables() {
        db = Fixtures.freshDatabase();
        client = new FaultInjectingDynamoDbClient(db.client());
        parkings = new ParkedDatamartRepository(client, db.parkedDatamartsTable(), clock);
    }

    private static Parking parking(Instant parkedAt, String messageId, String reason) {
        return new Parking(ORG, NAME, parkedAt.toString(), messageId, reason);
    }

    @Test
    void parksADatamartAndAnswersTheParkingItStored() {
        Parking parked = parkings.park(ORG, NAME, "msg-1", "the datasource is gone");

        assertEquals(parking(START, "msg-1", "the datasource is gone"), parked);
        assertEquals(Optional.of(parked), parkings.find(ORG, NAME));
    }

    @Test
    void keepsAndAnswersTheFirstParkingWhenParkedAgain() {
        Parking first = parkings.park(ORG, NAME, "msg-1", "first");
        clock.advance(Duration.ofMinutes(5));

        assertEquals(first, parkings.park(ORG, NAME, "msg-2", "second"));
        assertEquals(Optional.of(first), parkings.find(ORG, NAME));
    }

    @Test
    void answersItsOwnParkingWhenTheOneInItsWayIsReleasedBeforeItIsRead() {
        parkings.park(ORG, NAME, "msg-1", "first");
        // An operator's release slips in between the refused put and the read of the parking in its way.
        ParkedDatamartRepository operator = new ParkedDatamartRepository(db.client(), db.parkedDatamartsTable(), clock);
        client.beforeCall(Operation.GET_ITEM, 1, () -> operator.release(ORG, NAME));
        clock.advance(Duration.ofMinutes(5));

        assertEquals(parking(START.plus(Duration.ofMinutes(5)), "msg-2", "second"),
                parkings.park(ORG, NAME, "msg-2", "second"));
    }
}
