package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartVersion;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The entries of kept versions on the test AWS, written the way DatamartRepository writes
 * them (each change's entries in one transaction), with a clock the tests move.
 */
class DatamartVersionRepositoryTest {
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final String NAME = "m";
    private static final Instant START = Instant.parse("2026-03-01T10:15:30.123456789Z");
    private static final Instant RECREATED = START.plus(Duration.ofHours(1));
    private static final int KEPT = 3;
    private static final String CHANGED_BY = "token-a";

    private final MutableClock clock = new MutableClock(START);
    private LocalDynamoDb db;
    private DatamartVersionRepository versions;

    @BeforeEach
    void freshTables() {
        db = Fixtures.freshDatabase();
        versions = repository(KEPT);
    }

    private DatamartVersionRepository repository(int kept) {
        return new DatamartVersionRepository(db.client(), db.datamartVersionsTable(), kept, clock,
                DatamartVersionRepositoryTest::json);
    }

    /** Enough of a datamart's JSON to tell its versions and incarnations apart. */
    private static String json(Datamart datamart) {
        return "{\"name\":\"" + datamart.definition().name() + "\",\"createdAt\":\"" + datamart.createdAt()
                + "\",\"version\":" + datamart.version() + "}";
    }

    private static Datamart datamart(Instant createdAt, long version) {
        return new Datamart(ORG, DatamartRepositoryTest.definition(DatamartRepositoryTest.MINIMAL_BODY), createdAt,
                createdAt.plusSeconds(version - 1), version);
    }

    private static DatamartVersion version(Instant createdAt, long version) {
        return new DatamartVersion(version, createdAt, createdAt.plusSeconds(version - 1), CHANGED_BY);
    }

    private void transact(List<TransactWriteItem> items) {
        db.client().transactWriteItems(request -> request.transactItems(items));
    }

    /** Versions 1 to {@code last} of an incarnation, each written as a change writes it. */
    private void write(DatamartVersionRepository repository, Instant createdAt, long last) {
        write(repository, createdAt, 1, last);
    }

    private void write(DatamartVersionRepository repository, Instant createdAt, long first, long last) {
        for (long version = first; version <= last; version++) {
            Datamart datamart = datamart(createdAt, version);
            List<TransactWriteItem> items = new ArrayList<>(List.of(repository.put(datamart, CHANGED_BY)));
            repository.deleteBeyondKept(datamart).ifPresent(items::add);
            transact(items);
        }
    }

    private List<Long> listed() {
        return versions.list(ORG, NAME).stream().map(DatamartVersion::version).toList();
    }

    @Test
    void keepsOnlyTheNewestVersionsOfAnIncarnation() {
        write(versions, START, KEPT);
        assertEquals(List.of(3L, 2L, 1L), listed());

        write(versions, START, KEPT + 1, KEPT + 1);
        assertEquals(List.of(4L, 3L, 2L), listed(), "the oldest goes as soon as one more is written");

        write(versions, START, KEPT + 2, KEPT + 3);
        assertEquals(List.of(6L, 5L, 4L), listed());
    }

    @Test
    void keepsTheEntriesOfAnIncarnationApartFromThoseOfTheOneBefore() {
        write(versions, START, 2);
        write(versions, RECREATED, 1);

        assertEquals(List.of(version(RECREATED, 1), version(START, 2), version(START, 1)), versions.list(ORG, NAME));
        assertEquals(Optional.of(json(datamart(RECREATED, 1))), versions.find(ORG, NAME, 1),
                "the newest incarnation's version 1");
    }

    @Test
    void findsTheFullJsonAVersionWasWrittenWith() {
        write(versions, START, 2);

        assertEquals(Optional.of(json(datamart(START, 2))), versions.find(ORG, NAME, 2));
        assertEquals(Optional.of(json(datamart(START, 1))), versions.find(ORG, NAME, 1));
        assertEquals(Optional.empty(), versions.find(ORG, NAME, 3));
    }

    @Test
    void hidesTheEntriesOfADeletedIncarnationFromTheMomentTheyExpire() {
        write(versions, START, 2);
        List<TransactWriteItem> expiries = versions.expireIncarnation(datamart(START, 2));
        assertEquals(2, expiries.size(), "one per entry of the incarnation");
        transact(expiries);
        write(versions, RECREATED, 1);

        clock.advance(DatamartVersionRepository.KEPT_AFTER_DELETE.minusSeconds(1));
        assertEquals(List.of(version(RECREATED, 1), version(START, 2), version(START, 1)), versions.list(ORG, NAME));

        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(version(RECREATED, 1)), versions.list(ORG, NAME), "expired, if not yet deleted by TTL");
        assertEquals(Optional.empty(), versions.find(ORG, NAME, 2));
    }

    @Test
    void keepsFrom1To98VersionsAndRefusesAnyOtherNumber() {
        write(repository(1), START, 2);
        assertEquals(List.of(2L), listed());
        assertEquals(Optional.empty(), repository(DatamartVersionRepository.MAX_KEPT)
                .deleteBeyondKept(datamart(START, DatamartVersionRepository.MAX_KEPT)));

        for (int kept : new int[] {0, DatamartVersionRepository.MAX_KEPT + 1}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> repository(kept));
            assertEquals("versions kept must be 1 to 98: " + kept, refused.getMessage());
        }
    }

    @Test
    void isMadeFromTheTableAndNumberKeptThatTheEnvironmentNames() {
        Map<String, String> environment = db.environment();
        environment.put(DatamartVersionRepository.KEPT_VARIABLE, "1");
        DatamartVersionRepository fromEnvironment = DatamartVersionRepository.fromEnvironment(db.client(), environment,
                clock, DatamartVersionRepositoryTest::json);

        write(fromEnvironment, START, 2);

        assertEquals(List.of(2L), listed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", " 98 ", "20"})
    void takesANumberKeptFrom1To98(String kept) {
        assertEquals(Integer.parseInt(kept.strip()),
                DatamartVersionRepository.kept(Map.of(DatamartVersionRepository.KEPT_VARIABLE, kept)));
    }

    @Test
    void keeps20VersionsWhenTheEnvironmentSaysNothing() {
        assertEquals(20, DatamartVersionRepository.kept(Map.of()));
        assertEquals(20, DatamartVersionRepository.kept(Map.of(DatamartVersionRepository.KEPT_VARIABLE, " ")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "99", "-1", "3.5", "many"})
    void refusesANumberKeptOutside1To98(String kept) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> DatamartVersionRepository.kept(Map.of(DatamartVersionRepository.KEPT_VARIABLE, kept)));
        assertEquals("DATAMART_VERSIONS_KEPT must be a whole number from 1 to 98 (versions kept per datamart), not '"
                + kept + "'", refused.getMessage());
    }
}
