package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.domain.Datasource;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.testing.Databases;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Datasources on the test AWS: what a save stores, what a delete reports, what a create's read remembers. */
class DatasourceRepositoryTest {
    private static final String ORG = Fixtures.DEMO_ORG;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:15:30Z"));
    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient client;
    private DatasourceRepository repository;

    @BeforeEach
    void freshTables() {
        db = Databases.fresh();
        client = new FaultInjectingDynamoDbClient(db.client());
        repository = new DatasourceRepository(client, db.tables(), clock);
    }

    @Test
    void registersADatasourceWhoseSchemaIsNotKnown() {
        repository.save(ORG, "reporting");

        assertEquals(Optional.of(new Datasource(ORG, "reporting", null)), repository.find(ORG, "reporting"));
    }

    @Test
    void readsBackEachTablesSchemaNameAndItsAbsence() {
        List<DatasourceTable> tables = List.of(
                new DatasourceTable("analytics", "events",
                        List.of(new DatasourceColumn("id", "bigint"), new DatasourceColumn("payload", null))),
                new DatasourceTable(null, "clients", List.of(new DatasourceColumn("name", "text"))));

        repository.save(ORG, "reporting", tables);

        assertEquals(Optional.of(new Datasource(ORG, "reporting", tables)), repository.find(ORG, "reporting"));
    }

    @Test
    void answersThatNothingWasRemovedForANameThatCannotBeAKeyWithoutAskingDynamoDb() {
        assertFalse(repository.delete(ORG, ""));
        assertEquals(0, client.calls(Operation.DELETE_ITEM));

        assertTrue(repository.delete(ORG, Fixtures.DATASOURCE));
        assertFalse(repository.delete(ORG, Fixtures.DATASOURCE), "already removed");
    }

    @Test
    void remembersEachOfSeveralDatasourcesReadForCreates() {
        assertFalse(repository.findRecent(ORG, Fixtures.DATASOURCE).orElseThrow().remembered());
        assertFalse(repository.findRecent(ORG, Fixtures.WAREHOUSE).orElseThrow().remembered());

        assertTrue(repository.findRecent(ORG, Fixtures.DATASOURCE).orElseThrow().remembered(),
                "reading another datasource in between does not forget the first");
        assertEquals(2, client.calls(Operation.GET_ITEM));
    }

    @Test
    void forgetsEverythingItRemembersBeforeRememberingMoreThanItsLimit() {
        int limit = 3;
        DatasourceRepository remembering = new DatasourceRepository(client, db.tables(), clock, limit);
        for (int i = 0; i <= limit; i++) {
            remembering.save(ORG, "ds-" + i);
        }
        for (int i = 0; i < limit; i++) {
            remembering.findRecent(ORG, "ds-" + i);
        }
        assertTrue(remembering.findRecent(ORG, "ds-0").orElseThrow().remembered(), "as many as the limit remembered");

        remembering.findRecent(ORG, "ds-" + limit);

        assertFalse(remembering.findRecent(ORG, "ds-0").orElseThrow().remembered(), "read again from DynamoDB");
        assertTrue(remembering.findRecent(ORG, "ds-" + limit).orElseThrow().remembered(),
                "the one read after forgetting is remembered");
    }
}
