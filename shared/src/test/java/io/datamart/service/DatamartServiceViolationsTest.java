package io.datamart.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.error.DatamartNotFoundException;
import io.datamart.error.DatasourceNotFoundException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.error.Violation;
import io.datamart.testing.Databases;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Failures;
import io.datamart.testing.BrokenParts;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.StoredDatamarts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The service answers a body's own violations and its schema misses together, through
 * every entry point (the API's create and update, provisioning's createIfAbsent and
 * updateIfChanged), writes nothing when anything is wrong, and answers the body's own
 * violations alone where the schema cannot be had.
 */
class DatamartServiceViolationsTest {
    private static final String ORG = Fixtures.DEMO_ORG;

    private static final List<Violation> BROKEN_CREATE_VIOLATIONS = violations(BrokenParts.WAREHOUSE_DETAILS);

    private static final List<Violation> ONLY_ITS_OWN = violations(BrokenParts.OWN_DETAILS);

    private static List<Violation> violations(List<List<String>> details) {
        return details.stream().map(detail -> new Violation(detail.get(0), detail.get(1))).toList();
    }
    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient dynamoDb;
    private DatamartService service;

    @BeforeEach
    void setUp() {
        db = Databases.fresh();
        ObjectNode onWarehouse = Fixtures.createBody("on-warehouse");
        onWarehouse.put("datasourceName", Fixtures.WAREHOUSE);
        StoredDatamarts.seed(db, ORG, onWarehouse);
        StoredDatamarts.seed(db, ORG, Fixtures.createBody("on-postgres"));
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
        service = Fixtures.api(db, dynamoDb).service();
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
}
