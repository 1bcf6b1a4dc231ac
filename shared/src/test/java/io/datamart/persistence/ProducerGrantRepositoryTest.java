package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.persistence.ProducerGrantRepository.Grant;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Producer grants on the test AWS, as operators list them. */
class ProducerGrantRepositoryTest {
    /** An organization the fixtures grant nothing to. */
    private static final String ORG = Fixtures.OTHER_ORG;
    private static final Instant START = Instant.parse("2026-03-01T10:15:30.123456789Z");

    private final MutableClock clock = new MutableClock(START);
    private LocalDynamoDb db;
    private ProducerGrantRepository grants;

    @BeforeEach
    void freshTables() {
        db = Fixtures.freshDatabase();
        grants = new ProducerGrantRepository(db.client(), db.producerGrantsTable(), clock);
    }

    @Test
    void listsAnOrganizationsGrantsByProducerWithWhenEachWasGranted() {
        grants.grant("source:zeta", ORG);
        clock.advance(Duration.ofMinutes(1));
        grants.grant("role:BETA", ORG);
        grants.grant("role:ALPHA", ORG);

        Instant later = START.plus(Duration.ofMinutes(1));
        assertEquals(List.of(new Grant("role:ALPHA", ORG, later.toString()), new Grant("role:BETA", ORG, later.toString()),
                new Grant("source:zeta", ORG, START.toString())), grants.list(ORG));
    }

    @Test
    void ordersTheGrantsItselfRatherThanAsTheTableAnswers() {
        // DynamoDB's scan order is its own (moto's is by code point); Java's String order
        // differs from code point order past U+FFFF, which shows whose order the list has.
        String astral = "source:\uD83D\uDE00";
        String fullwidth = "source:\uFF21";
        grants.grant(fullwidth, ORG);
        grants.grant(astral, ORG);

        assertEquals(List.of(astral, fullwidth), grants.list(ORG).stream().map(Grant::producer).toList());
    }

    @Test
    void listsAGrantStoredWithoutATimeAsGrantedAtNoKnownTime() {
        db.client().putItem(request -> request.tableName(db.producerGrantsTable()).item(Map.of(
                ProducerGrantRepository.PRODUCER, AttributeValues.string("role:OLD"),
                ProducerGrantRepository.ORGANIZATION_ID, AttributeValues.string(ORG))));

        assertEquals(List.of(new Grant("role:OLD", ORG, null)), grants.list(ORG));
    }
}
