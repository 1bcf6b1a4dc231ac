package io.datamart.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.error.DatamartAlreadyExistsException;
import io.datamart.error.DatamartNotFoundException;
import io.datamart.error.DatasourceNotFoundException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.error.Violation;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.testing.Databases;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Failures;
import io.datamart.testing.BrokenParts;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.StoredDatamarts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The service itself, below any handler: what each operation answers, how it retries a
 * write that lost a race (and how often), that a dry run checks against the datasource as
 * it is now, and that the body's own violations and its schema misses come together,
 * through every entry point (the API's create and update, provisioning's createIfAbsent
 * and updateIfChanged), with nothing written when anything is wrong, or the body's own
 * violations alone where the schema cannot be had.
 */
class DatamartServiceTest {
    private static final String ORG = Fixtures.DEMO_ORG;

    private static final List<Violation> BROKEN_CREATE_VIOLATIONS = violations(BrokenParts.WAREHOUSE_DETAILS);

    private static final List<Violation> ONLY_ITS_OWN = violations(BrokenParts.OWN_DETAILS);

    private static List<Violation> violations(List<List<String>> details) {
        return details.stream().map(detail -> new Violation(detail.get(0), detail.get(1))).toList();
    }
    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient dynamoDb;
    private DatamartService service;
    /** Another caller, straight to the store: the requests that slip in between the service's calls. */
    private DatamartService other;

    @BeforeEach
    void setUp() {
        db = Databases.fresh();
        ObjectNode onWarehouse = Fixtures.createBody("on-warehouse");
        onWarehouse.put("datasourceName", Fixtures.WAREHOUSE);
        StoredDatamarts.seed(db, ORG, onWarehouse);
        StoredDatamarts.seed(db, ORG, Fixtures.createBody("on-postgres"));
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
        service = Fixtures.api(db, dynamoDb).service();
        other = Fixtures.api(db).service();
    }

    /** The violations a request is refused with; it must have changed nothing stored. */
    private List<Violation> refused(Executable request) {
        Map<String, Object> before = db.snapshot();
        List<Violation> violations = assertThrows(InvalidRequestException.class, request).violations();
        assertEquals(before, db.snapshot(), "a refused request wrote nothing");
        return violations;
    }

    @Test
    void createListsTheBodysViolationsAndItsSchemaMissesAndStoresNothing() {
        var body = Fixtures.object(BrokenParts.create(Fixtures.WAREHOUSE));

        assertEquals(BROKEN_CREATE_VIOLATIONS, refused(() -> service.create(ORG, body)));
        assertEquals(BROKEN_CREATE_VIOLATIONS, refused(() -> service.createIfAbsent(ORG, body)));
    }

    @Test
    void updateListsTheBodysViolationsAndItsSchemaMissesAndChangesNothing() {
        var body = Fixtures.object(BrokenParts.update("on-warehouse"));

        assertEquals(BROKEN_CREATE_VIOLATIONS, refused(() -> service.update(ORG, body)));
        assertEquals(BROKEN_CREATE_VIOLATIONS, refused(() -> service.updateIfChanged(ORG, body)));
    }

    @Test
    void aBrokenCreateOnADatasourceThatDoesNotExistAnswersTheBodysOwnViolations() {
        var broken = Fixtures.object(BrokenParts.create("nowhere"));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.create(ORG, broken)));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.createIfAbsent(ORG, broken)));

        ObjectNode valid = Fixtures.documentedCreateBody();
        valid.put("datasourceName", "nowhere");
        assertThrows(DatasourceNotFoundException.class, () -> service.create(ORG, valid), "as before");
    }

    @Test
    void aBrokenCreateWithoutAUsableDatasourceNameIsNotLookedUp() {
        ObjectNode body = Fixtures.object(BrokenParts.create(Fixtures.WAREHOUSE));
        body.put("datasourceName", 5);

        List<Violation> violations = refused(() -> service.create(ORG, body));

        assertEquals(List.of(new Violation("datasourceName", "must be a string, not a number"),
                ONLY_ITS_OWN.get(0)), violations);
        assertEquals(0, dynamoDb.calls(Operation.GET_ITEM));
    }

    @Test
    void aBrokenCreateOnADatasourceWhoseSchemaIsUnknownAnswersTheBodysOwnViolations() {
        var body = Fixtures.object(BrokenParts.create(Fixtures.DATASOURCE));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.create(ORG, body)));
    }

    @Test
    void aBrokenCreateStillAnswersItsOwnViolationsWhenTheDatasourceCannotBeRead() {
        dynamoDb.fail(Operation.GET_ITEM, 1, Failures::throttled);
        var broken = Fixtures.object(BrokenParts.create(Fixtures.WAREHOUSE));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.create(ORG, broken)));

        dynamoDb.fail(Operation.GET_ITEM, 1, Failures::throttled);
        ObjectNode valid = Fixtures.documentedCreateBody();
        assertThrows(ServiceUnavailableException.class, () -> service.create(ORG, valid),
                "a valid body cannot be accepted unchecked");
    }

    @Test
    void aBrokenUpdateOfADatamartThatDoesNotExistAnswersTheBodysOwnViolations() {
        var broken = Fixtures.object(BrokenParts.update("no-such-datamart"));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.update(ORG, broken)));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.updateIfChanged(ORG, broken)));

        var valid = Fixtures.object("""
                {"datamartName": "no-such-datamart", "relationships": []}""");
        assertThrows(DatamartNotFoundException.class, () -> service.update(ORG, valid), "as before");
    }

    @Test
    void aBrokenUpdateOfADatamartOnADatasourceWhoseSchemaIsUnknownAnswersTheBodysOwnViolations() {
        var body = Fixtures.object(BrokenParts.update("on-postgres"));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.update(ORG, body)));
    }

    @Test
    void aBrokenUpdateStillAnswersItsOwnViolationsWhenTheDatamartOrItsDatasourceCannotBeRead() {
        var body = Fixtures.object(BrokenParts.update("on-warehouse"));
        dynamoDb.fail(Operation.GET_ITEM, 1, Failures::throttled);
        assertEquals(ONLY_ITS_OWN, refused(() -> service.update(ORG, body)), "the datamart unread");

        dynamoDb.afterCall(Operation.GET_ITEM, dynamoDb.calls(Operation.GET_ITEM) + 1,
                () -> dynamoDb.fail(Operation.GET_ITEM, 1, Failures::throttled));
        assertEquals(ONLY_ITS_OWN, refused(() -> service.update(ORG, body)), "its datasource unread");
        assertEquals(0, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS), "no write even tried");
    }

    @Test
    void aBrokenIdempotentUpdateIsRefusedEvenWhereItsPartsMatchWhatIsStored() {
        // The relationships as stored, beside a field an update may not send: not "already applied".
        ObjectNode body = Fixtures.object("""
                {"datamartName": "on-warehouse", "name": "renamed"}""");
        body.set("relationships", Fixtures.documentedCreateBody().get("relationships"));

        assertEquals(List.of(new Violation("name",
                "cannot be sent in an update: a datamart is renamed by deleting it and creating it again")),
                refused(() -> service.updateIfChanged(ORG, body)));
    }

    private ObjectNode onWarehouse(String name, String table) {
        return Fixtures.object("""
                {"name": "%s", "datasourceName": "%s",
                 "tableList": [{"schemaName": "public", "name": "%s", "columns": [{"name": "id"}]}]}"""
                .formatted(name, Fixtures.WAREHOUSE, table));
    }

    private void saveCatalogWith(String table) {
        List<DatasourceTable> catalog = new ArrayList<>(Fixtures.CATALOG);
        catalog.add(new DatasourceTable("public", table, List.of(new DatasourceColumn("id", null))));
        datasources().save(ORG, Fixtures.WAREHOUSE, catalog);
    }

    private DatasourceRepository datasources() {
        return new DatasourceRepository(db.client(), db.tables(), Clock.systemUTC());
    }

    private static ObjectNode relationships(String datamartName, boolean documented) {
        ObjectNode body = Fixtures.object("{\"datamartName\": \"%s\"}".formatted(datamartName));
        if (documented) {
            body.set("relationships", Fixtures.documentedCreateBody().get("relationships"));
        } else {
            body.putArray("relationships");
        }
        return body;
    }

    private long version(String name) {
        return StoredDatamarts.stored(db, ORG, name).version();
    }

    @Test
    void everyWriteAnswersTheNameOfTheDatamartItWrote() {
        assertEquals("fresh", service.create(ORG, Fixtures.createBody("fresh")));
        assertEquals("on-warehouse", service.update(ORG, relationships("on-warehouse", false)));
        assertEquals("on-warehouse", service.update(ORG, relationships("on-warehouse", true), null));
        assertEquals("fresh", service.delete(ORG, "fresh"));
        assertEquals(3, version("on-warehouse"));
    }

    @Test
    void createIfAbsentAnswersWhetherThisCallCreatedTheDatamart() {
        assertTrue(service.createIfAbsent(ORG, Fixtures.createBody("fresh")));
        assertFalse(service.createIfAbsent(ORG, Fixtures.createBody("fresh")), "already there as requested");
        assertEquals(1, version("fresh"));

        ObjectNode otherwise = Fixtures.createBody("fresh");
        otherwise.put("datasourceName", Fixtures.WAREHOUSE);
        assertThrows(DatamartAlreadyExistsException.class, () -> service.createIfAbsent(ORG, otherwise));
    }

    @Test
    void createIfAbsentCreatesTheDatamartWhenTheOneInItsWayIsDeletedMeanwhile() {
        ObjectNode body = Fixtures.createBody("on-warehouse"); // taken, by a datamart on another datasource
        AtomicBoolean deleted = new AtomicBoolean();
        // Deleted after the create found the name taken, before the service reads what holds it.
        dynamoDb.beforeEachCall(Operation.GET_ITEM, () -> {
            if (dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS) == 1 && !deleted.getAndSet(true)) {
                other.delete(ORG, "on-warehouse");
            }
        });

        assertTrue(service.createIfAbsent(ORG, body));

        assertEquals(2, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS), "refused, then created");
        assertEquals(StoredDatamarts.accepted(body), StoredDatamarts.stored(db, ORG, "on-warehouse").definition());
    }

    @Test
    void createIfAbsentGivesUpAfterThreeAttemptsWhenTheNameKeepsChangingHands() {
        ObjectNode body = Fixtures.createBody("contested");
        ObjectNode theirs = Fixtures.createBody("contested");
        theirs.put("datasourceName", Fixtures.WAREHOUSE);
        AtomicInteger deletions = new AtomicInteger();
        // Created by another caller just before each write, deleted just before each read of it.
        dynamoDb.beforeEachCall(Operation.TRANSACT_WRITE_ITEMS, () -> {
            if (db.rawDatamart(ORG, "contested") == null) {
                StoredDatamarts.seed(db, ORG, theirs);
            }
        });
        dynamoDb.beforeEachCall(Operation.GET_ITEM, () -> {
            if (dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS) > deletions.get()) {
                deletions.incrementAndGet();
                other.delete(ORG, "contested");
            }
        });

        assertThrows(DatamartAlreadyExistsException.class, () -> service.createIfAbsent(ORG, body));

        assertEquals(DatamartService.MAX_UPDATE_ATTEMPTS, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @Test
    void anUpdateThatLostARaceIsValidatedAndWrittenAgain() {
        dynamoDb.beforeCall(Operation.TRANSACT_WRITE_ITEMS, 1,
                () -> other.update(ORG, relationships("on-warehouse", false)));

        assertEquals("on-warehouse", service.update(ORG, relationships("on-warehouse", true)));

        assertEquals(2, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS), "refused once, then written");
        assertEquals(3, version("on-warehouse"), "the other update's version, then this one's");
        assertEquals(Fixtures.documentedCreateBody().get("relationships").size(),
                StoredDatamarts.stored(db, ORG, "on-warehouse").definition().relationships().size());
    }

    @Test
    void anUpdateGivesUpAfterThreeAttemptsWhenTheDatamartKeepsChangingUnderIt() {
        AtomicBoolean documented = new AtomicBoolean();
        dynamoDb.beforeEachCall(Operation.TRANSACT_WRITE_ITEMS,
                () -> other.update(ORG, relationships("on-warehouse", documented.getAndSet(!documented.get()))));

        assertThrows(ConcurrentModificationException.class,
                () -> service.update(ORG, relationships("on-warehouse", false)));

        assertEquals(DatamartService.MAX_UPDATE_ATTEMPTS, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @Test
    void updateIfChangedAnswersWhetherItWroteAndWritesNothingWhenEveryPartIsStored() {
        assertFalse(service.updateIfChanged(ORG, relationships("on-warehouse", true)), "stored as it says");
        assertEquals(1, version("on-warehouse"));
        assertEquals(0, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS));

        assertTrue(service.updateIfChanged(ORG, relationships("on-warehouse", false)));
        assertEquals(2, version("on-warehouse"));
    }

    @Test
    void deleteIfPresentAnswersWhetherThisCallDeletedTheDatamart() {
        assertTrue(service.deleteIfPresent(ORG, "on-warehouse"));
        assertNull(db.rawDatamart(ORG, "on-warehouse"));
        assertFalse(service.deleteIfPresent(ORG, "on-warehouse"), "already gone");
    }

    @Test
    void aCreateWhoseDatasourceChangesUnderItTwiceIsAConflictAndForgetsTheCatalogItHad() {
        assertEquals("first", service.create(ORG, onWarehouse("first", "customers"))); // the catalog remembered
        AtomicInteger changes = new AtomicInteger();
        dynamoDb.beforeEachCall(Operation.TRANSACT_WRITE_ITEMS, () -> {
            if (dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS) > 1 && changes.incrementAndGet() <= 2) {
                saveCatalogWith("added" + changes.get());
            }
        });

        assertThrows(ConcurrentModificationException.class, () -> service.create(ORG, onWarehouse("second", "customers")));
        assertNull(db.rawDatamart(ORG, "second"));
        assertEquals(3, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS));

        // The next create validates against the catalog as it now is (not the one read in between,
        // which would accept it too), and its one write commits.
        assertEquals("third", service.create(ORG, onWarehouse("third", "customers")));
        assertEquals(4, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @Test
    void aCreateWhoseDatasourceIsChangedThenRemovedUnderItFindsNoDatasource() {
        assertEquals("first", service.create(ORG, onWarehouse("first", "customers")));
        dynamoDb.beforeEachCall(Operation.TRANSACT_WRITE_ITEMS, () -> {
            int call = dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS);
            if (call == 2) {
                saveCatalogWith("added");
            } else if (call == 3) {
                datasources().delete(ORG, Fixtures.WAREHOUSE);
            }
        });

        assertThrows(DatasourceNotFoundException.class, () -> service.create(ORG, onWarehouse("second", "customers")));
        assertNull(db.rawDatamart(ORG, "second"));
    }

    @Test
    void aDryRunCreateChecksTheDatasourceAsItIsNowNotAsRemembered() {
        saveCatalogWith("refunds");
        assertEquals("first", service.create(ORG, onWarehouse("first", "refunds"))); // that catalog remembered
        datasources().save(ORG, Fixtures.WAREHOUSE, Fixtures.CATALOG); // refunds gone

        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> service.tryCreate(ORG, onWarehouse("second", "refunds")));

        assertEquals("tableList[0].name", refused.violations().get(0).path(), refused.violations()::toString);
        assertEquals("second", service.tryCreate(ORG, onWarehouse("second", "customers")));
        assertNull(db.rawDatamart(ORG, "second"), "a dry run writes nothing");
        assertThrows(DatamartAlreadyExistsException.class, () -> service.tryCreate(ORG, onWarehouse("first", "customers")));
        assertThrows(InvalidRequestException.class, () -> service.tryCreate(ORG, null));
    }

    @Test
    void primingValidatesAndMapsTheBodyAndStoresNothing() {
        Map<String, Object> before = db.snapshot();

        assertEquals(StoredDatamarts.accepted(Fixtures.createBody("primed")),
                service.prime(ORG, Fixtures.createBody("primed")).definition());

        assertEquals(before, db.snapshot());
    }
}
