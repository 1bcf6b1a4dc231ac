package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.aws.CallBudget;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.DatamartVersion;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.domain.TenancySettings;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.error.DatamartAlreadyExistsException;
import io.datamart.error.DatamartNotFoundException;
import io.datamart.error.DatasourceNotFoundException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.QueryRead;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.MutableClock;
import io.datamart.testing.TestContext;
import io.datamart.validation.DatamartValidator;
import io.datamart.wiring.DatamartApi;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Datamarts in DynamoDB (on the test AWS): lossless storage, conditional writes, versions, organizations. */
class DatamartRepositoryTest {
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final DatamartValidator VALIDATOR = new DatamartValidator();
    private static final Instant START = Instant.parse("2026-03-01T10:15:30.123456789Z");

    /** Every field of the contract set, with strings that are easy to get wrong. */
    static final String FULL_BODY = """
            {
              "name": "Ventes été 2026 😀",
              "datasourceName": "postgres-main",
              "tableList": [
                {
                  "name": "events",
                  "schemaName": "analytics",
                  "clientColumn": "tenant",
                  "label": "  Événements « bruts » \\"quoted\\" \\\\ back\\\\slash  ",
                  "indexPattern": "events-*",
                  "isHide": true,
                  "columns": [
                    {"name": "id", "alias": " id · ☃ ", "label": "", "isHide": true, "isCustomColumn": false,
                     "isAggregate": false, "isApplyTimezone": true},
                    {"name": "total", "isCustomColumn": true, "sql": "SUM(amount)\\n  || ' 合計'", "isAggregate": true,
                     "isApplyTimezone": false},
                    {"name": "ID", "isHide": false}
                  ]
                },
                {
                  "name": "events",
                  "schemaName": "archive",
                  "isHide": false,
                  "columns": [{"name": "id"}]
                }
              ],
              "tenancySettings": {
                "tenancyLevel": "MULTI_DATABASE",
                "clientColumnType": "NUMBER",
                "schemaName": "tenancy",
                "tableName": "clients",
                "tableClientNameColumn": "client_name",
                "tablePrimaryKeyColumn": "client_pk",
                "primaryDatabase": "main_db"
              },
              "relationships": [
                {"parentTableName": "events", "parentColumnName": "id", "childTableName": "sessions",
                 "childColumnName": "event_id", "relationshipName": "events_sessions",
                 "cardinality": "OneToMany", "join": "INNER JOIN"},
                {"parentTableName": "events", "parentColumnName": "id", "childTableName": "archive",
                 "childColumnName": "id", "relationshipName": "no_enums", "cardinality": null, "join": null},
                {"parentTableName": "a", "parentColumnName": "b", "childTableName": "c",
                 "childColumnName": "d", "relationshipName": "omitted_enums"}
              ]
            }
            """;

    static final String MINIMAL_BODY = """
            {"name": "m", "datasourceName": "postgres-main", "tableList": [{"name": "t", "columns": [{"name": "c"}]}]}
            """;

    /** An update of MINIMAL_BODY's datamart that replaces its table list. */
    private static final String OURS = """
            {"datamartName": "m", "tableList": [{"name": "ours", "columns": [{"name": "c"}]}]}
            """;


    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient client;
    private MutableClock clock;
    private DatamartRepository repository;
    private ExecutorService pool;

    @BeforeEach
    void freshDatabase() {
        db = Fixtures.freshDatabase();
        client = new FaultInjectingDynamoDbClient(db.client());
        clock = new MutableClock(START);
        repository = new DatamartRepository(client, db.tables(), clock, DatamartApi.versions(client, db.environment(), clock));
    }

    @AfterEach
    void stopThreads() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    static DatamartDefinition definition(String json) {
        return VALIDATOR.validateCreate(Fixtures.object(json));
    }

    static DatamartDefinition definition(ObjectNode body) {
        return VALIDATOR.validateCreate(body);
    }

    static DatamartUpdate update(String json) {
        return VALIDATOR.validateUpdate(Fixtures.object(json));
    }

    private Datamart stored(String organizationId, String name) {
        return repository.find(organizationId, name).orElseThrow(() -> new AssertionError(name + " is not stored"));
    }

    /** Another writer of the same tables, whose calls the repository under test neither makes nor counts. */
    private DatamartRepository rival() {
        return new DatamartRepository(db.client(), db.tables(), clock,
                DatamartApi.versions(db.client(), db.environment(), clock));
    }

    private void createNamed(String... names) {
        for (String name : names) {
            repository.create(ORG, definition(Fixtures.object(MINIMAL_BODY).put("name", name)));
        }
    }

    private Map<String, AttributeValue> raw(String name) {
        Map<String, AttributeValue> item = db.rawDatamart(ORG, name);
        assertNotNull(item, name + " is not stored");
        return item;
    }

    private static TransactionCanceledException conflict() {
        return TransactionCanceledException.builder()
                .message("Transaction cancelled, please refer cancellation reasons for specific reasons "
                        + "[TransactionConflict, None]")
                .cancellationReasons(
                        CancellationReason.builder().code("TransactionConflict")
                                .message("Transaction is ongoing for the item").build(),
                        CancellationReason.builder().code("None").build())
                .build();
    }

    // ---------------------------------------------------------------------------------------------
    // Lossless storage
    // ---------------------------------------------------------------------------------------------

    @Test
    void readsBackTheDocumentedDatamartExactlyAsValidated() {
        DatamartDefinition accepted = definition(Fixtures.documentedCreateBody());
        repository.create(ORG, accepted);
        Datamart datamart = stored(ORG, "sales-analytics");
        assertEquals(accepted, datamart.definition());
        assertEquals(ORG, datamart.organizationId());
        assertEquals(1, datamart.version());
    }

    @Test
    void readsBackEveryOptionalFieldExactly() {
        DatamartDefinition accepted = definition(FULL_BODY);
        repository.create(ORG, accepted);
        DatamartDefinition read = stored(ORG, "Ventes été 2026 😀").definition();
        assertEquals(accepted, read);
        assertEquals("", read.tableList().get(0).columns().get(0).label(), "an empty string stays empty");
        assertEquals(" id · ☃ ", read.tableList().get(0).columns().get(0).alias(), "a name is kept as sent");
        assertNull(read.relationships().get(1).cardinality());
        assertNull(read.relationships().get(2).join());
    }

    @Test
    void readsBackADatamartOfOnlyRequiredFieldsWithoutInventingAny() {
        DatamartDefinition accepted = definition(MINIMAL_BODY);
        repository.create(ORG, accepted);
        DatamartDefinition read = stored(ORG, "m").definition();
        assertEquals(accepted, read);
        assertNull(read.tenancySettings());
        assertNull(read.relationships());
        assertEquals(new Table("t", null, null, null, null, null, read.tableList().get(0).columns()),
                read.tableList().get(0));
        Map<String, AttributeValue> item = raw("m");
        assertEquals(java.util.Set.of("organizationId", "name", "datasourceName", "tableList", "createdAt", "updatedAt",
                "version"), item.keySet(), "nothing that was not sent is stored");
    }

    @Test
    void keepsAnEmptyRelationshipListDistinctFromNone() {
        ObjectNode body = Fixtures.object(MINIMAL_BODY);
        body.putArray("relationships");
        repository.create(ORG, definition(body));
        assertEquals(List.of(), stored(ORG, "m").definition().relationships());
    }

    @Test
    void storesTableTenancyWithANullPrimaryDatabaseAndKeepsItForDatabaseTenancy() {
        ObjectNode table = Fixtures.documentedCreateBody();
        ((ObjectNode) table.get("tenancySettings")).put("primaryDatabase", "ignored");
        repository.create(ORG, definition(table));
        assertNull(stored(ORG, "sales-analytics").definition().tenancySettings().primaryDatabase());
        assertTrue(raw("sales-analytics").get("tenancySettings").m().get("primaryDatabase").nul(),
                "primaryDatabase is always stored, as NULL when empty");

        ObjectNode database = Fixtures.object(MINIMAL_BODY);
        database.putObject("tenancySettings").put("tenancyLevel", "DATABASE").put("primaryDatabase", "db1");
        repository.create(ORG, definition(database));
        assertEquals("db1", stored(ORG, "m").definition().tenancySettings().primaryDatabase());
    }

    @Test
    void storesANameOf255EmojiAsAKey() {
        ObjectNode body = Fixtures.object(MINIMAL_BODY);
        String name = "😀".repeat(255);
        body.put("name", name);
        DatamartDefinition accepted = definition(body);
        repository.create(ORG, accepted);
        assertEquals(accepted, stored(ORG, name).definition());
    }

    @Test
    void storesTheApiFieldNamesInNativeMapsAndLists() {
        repository.create(ORG, definition(Fixtures.documentedCreateBody()));
        Map<String, AttributeValue> item = raw("sales-analytics");
        AttributeValue column = item.get("tableList").l().get(0).m().get("columns").l().get(1);
        assertEquals("customer_id", column.m().get("name").s());
        assertEquals(false, column.m().get("isHide").bool());
        assertEquals("LEFT JOIN", item.get("relationships").l().get(0).m().get("join").s());
        assertEquals("ManyToOne", item.get("relationships").l().get(0).m().get("cardinality").s());
    }

    // ---------------------------------------------------------------------------------------------
    // Timestamps and versions
    // ---------------------------------------------------------------------------------------------

    @Test
    void createsWithCreatedAtEqualToUpdatedAtInIso8601Utc() {
        repository.create(ORG, definition(MINIMAL_BODY));
        Map<String, AttributeValue> item = raw("m");
        String createdAt = item.get("createdAt").s();
        assertEquals(createdAt, item.get("updatedAt").s());
        assertTrue(createdAt.endsWith("Z"), createdAt);
        assertEquals(START.truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                Instant.from(DateTimeFormatter.ISO_INSTANT.parse(createdAt)));
        assertEquals("1", item.get("version").n());
        Datamart datamart = stored(ORG, "m");
        assertEquals(datamart.createdAt(), datamart.updatedAt());
    }

    @Test
    void bumpsTheVersionByExactlyOneOnEveryUpdateAndMovesOnlyUpdatedAt() {
        repository.create(ORG, definition(MINIMAL_BODY));
        Instant createdAt = stored(ORG, "m").createdAt();
        for (int i = 2; i <= 4; i++) {
            clock.advance(Duration.ofMinutes(7));
            repository.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}"));
            Datamart datamart = stored(ORG, "m");
            assertEquals(i, datamart.version());
            assertEquals(createdAt, datamart.createdAt());
            assertEquals(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), datamart.updatedAt());
            String updatedAt = raw("m").get("updatedAt").s();
            assertTrue(updatedAt.endsWith("Z"), updatedAt);
            assertEquals(datamart.updatedAt(), Instant.from(DateTimeFormatter.ISO_INSTANT.parse(updatedAt)));
        }
    }

    @Test
    void writesAnUpdateOnlyOverTheVersionItWasValidatedAgainst() {
        repository.create(ORG, definition(MINIMAL_BODY));
        Datamart read = stored(ORG, "m");
        repository.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}"), read);
        Map<String, AttributeValue> afterFirst = raw("m");

        assertThrows(DatamartChangedException.class, () -> repository.update(ORG,
                update("{\"datamartName\": \"m\", \"tableList\": [{\"name\": \"t\", \"columns\": [{\"name\": \"c\"}]}]}"),
                read), "version 1 was read, version 2 is stored");
        assertEquals(afterFirst, raw("m"), "nothing written");
        assertThrows(DatamartNotFoundException.class, () -> repository.update(ORG,
                update("{\"datamartName\": \"gone\", \"relationships\": []}"), read));
    }

    @Test
    void countsEveryOneOfManyConcurrentUpdatesThatSucceeds() throws Exception {
        repository.create(ORG, definition(MINIMAL_BODY));
        int updates = 8;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < updates; i++) {
            String label = "label-" + i;
            tasks.add(() -> {
                repository.update(ORG, update("""
                        {"datamartName": "m", "tableList": [{"name": "t", "label": "%s", "columns": [{"name": "c"}]}]}
                        """.formatted(label)));
                return null;
            });
        }
        // Each update is conditional on the version it read, so one that kept losing is refused.
        int succeeded = 0;
        for (Future<Void> done : runTogether(tasks)) {
            try {
                done.get(30, TimeUnit.SECONDS);
                succeeded++;
            } catch (ExecutionException refused) {
                assertInstanceOf(ConcurrentModificationException.class, refused.getCause());
            }
        }
        assertTrue(succeeded >= 1, "one of them always wins");
        assertEquals(1 + succeeded, stored(ORG, "m").version());
    }

    // ---------------------------------------------------------------------------------------------
    // Update
    // ---------------------------------------------------------------------------------------------

    @Test
    void replacesTheWholeTableListAndKeepsTheOmittedParts() {
        DatamartDefinition created = definition(FULL_BODY);
        repository.create(ORG, created);
        repository.update(ORG, update("""
                {"datamartName": "Ventes été 2026 😀", "tableList": [{"name": "only", "columns": [{"name": "c"}]}]}
                """));
        DatamartDefinition read = stored(ORG, created.name()).definition();
        assertEquals(List.of(new Table("only", null, null, null, null, null,
                List.of(new io.datamart.domain.Column("c", null, null, null, null, null, null, null)))),
                        read.tableList());
        assertEquals(created.tenancySettings(), read.tenancySettings());
        assertEquals(created.relationships(), read.relationships());
        assertEquals(created.datasourceName(), read.datasourceName());
    }

    @Test
    void replacesTheTenancySettingsWhollyAndKeepsTheRest() {
        DatamartDefinition created = definition(Fixtures.documentedCreateBody());
        repository.create(ORG, created);
        repository.update(ORG, update("""
                {"datamartName": "sales-analytics", "tenancySettings": {"tenancyLevel": "DATABASE",
                        "primaryDatabase": "db2"}}
                """));
        DatamartDefinition read = stored(ORG, "sales-analytics").definition();
        assertEquals(new TenancySettings(io.datamart.domain.TenancyLevel.DATABASE, null, null, null, null, null, "db2"),
                read.tenancySettings(), "no field of the old TABLE settings survives");
        assertEquals(created.tableList(), read.tableList());
        assertEquals(created.relationships(), read.relationships());
    }

    @Test
    void clearsThePrimaryDatabaseWhenTenancyIsSentWithoutALevel() {
        ObjectNode body = Fixtures.object(MINIMAL_BODY);
        body.putObject("tenancySettings").put("tenancyLevel", "DATABASE").put("primaryDatabase", "db1");
        repository.create(ORG, definition(body));
        repository.update(ORG, update("""
                {"datamartName": "m", "tenancySettings": {"primaryDatabase": "db9", "schemaName": "s"}}
                """));
        assertEquals(new TenancySettings(null, null, "s", null, null, null, null),
                stored(ORG, "m").definition().tenancySettings());
    }

    @Test
    void clearsTheRelationshipsWithAnEmptyList() {
        DatamartDefinition created = definition(Fixtures.documentedCreateBody());
        repository.create(ORG, created);
        repository.update(ORG, update("{\"datamartName\": \"sales-analytics\", \"relationships\": []}"));
        DatamartDefinition read = stored(ORG, "sales-analytics").definition();
        assertEquals(List.of(), read.relationships());
        assertEquals(created.tableList(), read.tableList());
        assertEquals(created.tenancySettings(), read.tenancySettings());
    }

    @Test
    void replacesAllRelationshipsAndAddsThemWhereThereWereNone() {
        repository.create(ORG, definition(MINIMAL_BODY));
        DatamartUpdate replacement = update("""
                {"datamartName": "m", "relationships": [{"parentTableName": "t", "parentColumnName": "c",
                  "childTableName": "u", "childColumnName": "d", "relationshipName": "r", "join": "FULL JOIN"}]}
                """);
        repository.update(ORG, replacement);
        List<Relationship> read = stored(ORG, "m").definition().relationships();
        assertEquals(replacement.relationships(), read);
        assertNull(stored(ORG, "m").definition().tenancySettings(), "still never sent");
    }

    @Test
    void refusesToUpdateAMissingDatamartAndCreatesNothing() {
        Map<String, Object> before = db.snapshot();
        assertThrows(DatamartNotFoundException.class,
                () -> repository.update(ORG, update("{\"datamartName\": \"ghost\", \"relationships\": []}")));
        assertEquals(before, db.snapshot());
        assertTrue(repository.find(ORG, "ghost").isEmpty());
    }

    @Test
    void refusesToUpdateADeletedDatamart() {
        repository.create(ORG, definition(MINIMAL_BODY));
        repository.delete(ORG, "m");
        assertThrows(DatamartNotFoundException.class,
                () -> repository.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}")));
        assertTrue(repository.find(ORG, "m").isEmpty(), "an update never resurrects a datamart");
    }

    @Test
    void readsAgainAndAppliesAnUpdateThatLostARaceToAnother() {
        repository.create(ORG, definition(MINIMAL_BODY));
        DatamartRepository rival = rival();
        client.beforeCall(Operation.TRANSACT_WRITE_ITEMS, 2,
                () -> rival.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}")));

        repository.update(ORG, update(OURS));

        Datamart datamart = stored(ORG, "m");
        assertEquals(3, datamart.version(), "the rival's change, then ours over it");
        assertEquals("ours", datamart.definition().tableList().get(0).name());
        assertEquals(List.of(), datamart.definition().relationships(), "the rival's change is kept");
        assertEquals(3, client.calls(Operation.TRANSACT_WRITE_ITEMS), "the create, the lost attempt, the retry");
    }

    @Test
    void givesUpOnAnUpdateAsAConcurrentModificationAfterThreeLostRaces() {
        repository.create(ORG, definition(MINIMAL_BODY));
        DatamartRepository rival = rival();
        AtomicInteger rivalChanges = new AtomicInteger();
        // The rival gets in ahead of one attempt more than the repository makes.
        client.beforeEachCall(Operation.TRANSACT_WRITE_ITEMS, () -> {
            if (rivalChanges.incrementAndGet() <= DatamartRepository.MAX_CHANGED_ATTEMPTS + 1) {
                rival.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}"));
            }
        });

        assertThrows(ConcurrentModificationException.class, () -> repository.update(ORG, update(OURS)));

        assertEquals(1 + DatamartRepository.MAX_CHANGED_ATTEMPTS, client.calls(Operation.TRANSACT_WRITE_ITEMS));
        assertEquals(1 + DatamartRepository.MAX_CHANGED_ATTEMPTS, stored(ORG, "m").version(),
                "only the rival's changes landed");
    }

    @Test
    void keepsTheNewestVersionsEachUnderItsOwnNumberAndDropsTheOldest() {
        Map<String, String> environment = new HashMap<>(db.environment());
        environment.put(DatamartVersionRepository.KEPT_VARIABLE, "2");
        DatamartVersionRepository twoKept = DatamartApi.versions(client, environment, clock);
        DatamartRepository keepingTwo = new DatamartRepository(client, db.tables(), clock, twoKept);

        keepingTwo.create(ORG, definition(MINIMAL_BODY));
        keepingTwo.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}"));
        keepingTwo.update(ORG, update(OURS));

        assertEquals(List.of(3L, 2L), twoKept.list(ORG, "m").stream().map(DatamartVersion::version).toList());
        assertTrue(twoKept.find(ORG, "m", 3).orElseThrow().contains("ours"), "version 3 holds the last update");
    }

    // ---------------------------------------------------------------------------------------------
    // Delete
    // ---------------------------------------------------------------------------------------------

    @Test
    void deletesAStoredDatamart() {
        repository.create(ORG, definition(MINIMAL_BODY));
        repository.delete(ORG, "m");
        assertTrue(repository.find(ORG, "m").isEmpty());
        assertNull(db.rawDatamart(ORG, "m"));
    }

    @Test
    void refusesToDeleteAMissingDatamart() {
        assertThrows(DatamartNotFoundException.class, () -> repository.delete(ORG, "ghost"));
    }

    @Test
    void refusesASecondDeleteOfTheSameDatamart() {
        repository.create(ORG, definition(MINIMAL_BODY));
        repository.delete(ORG, "m");
        assertThrows(DatamartNotFoundException.class, () -> repository.delete(ORG, "m"));
    }

    @Test
    void letsANameBeCreatedAgainAfterItWasDeleted() {
        repository.create(ORG, definition(MINIMAL_BODY));
        repository.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}"));
        repository.delete(ORG, "m");
        repository.create(ORG, definition(MINIMAL_BODY));
        Datamart again = stored(ORG, "m");
        assertEquals(1, again.version(), "a new datamart, not the old one's history");
        assertNull(again.definition().relationships());
    }

    @Test
    void matchesNamesCaseSensitively() {
        repository.create(ORG, definition(MINIMAL_BODY));
        assertTrue(repository.find(ORG, "M").isEmpty());
        assertThrows(DatamartNotFoundException.class, () -> repository.delete(ORG, "M"));
        assertThrows(DatamartNotFoundException.class,
                () -> repository.update(ORG, update("{\"datamartName\": \"M\", \"relationships\": []}")));
        assertTrue(repository.find(ORG, "m").isPresent());
    }

    // ---------------------------------------------------------------------------------------------
    // The 400 KB item limit, by this side's count before any call (ItemSizeTest: the counting)
    // ---------------------------------------------------------------------------------------------

    @Test
    void refusesADatamartOneByteOverTheLimitBeforeAnyCall() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> repository.create(ORG, ItemSizeTest.ofSize(ItemSize.MAX_ITEM_BYTES + 1, "x")));
        assertEquals("Datamart is too large to store: the datamart is 409601 bytes, and it exceeds DynamoDB's "
                + "item limit of 400 KB (409600 bytes)", refused.getMessage());
        assertEquals(0, client.calls(Operation.TRANSACT_WRITE_ITEMS), "refused before any call");
    }

    @Test
    void sendsADatamartOfExactlyTheLimitOnToDynamoDb() {
        // The call fails here only to keep 400 KB off the emulator: this is the quick check of the
        // boundary, which the mutation run reaches; the next test stores one for real.
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> new IllegalStateException("reached DynamoDB"));

        IllegalStateException sent = assertThrows(IllegalStateException.class,
                () -> repository.create(ORG, ItemSizeTest.ofSize(ItemSize.MAX_ITEM_BYTES, "x")));

        assertEquals("reached DynamoDB", sent.getMessage());
        assertEquals(1, client.calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @Test
    void storesTheLargestDatamartThatFits() {
        DatamartDefinition largest = ItemSizeTest.ofSizeInManyColumns(ItemSize.MAX_ITEM_BYTES);
        repository.create(ORG, largest);
        assertEquals(largest, repository.find(ORG, largest.name()).orElseThrow().definition());
    }

    @Test
    void refusesAnUpdateWhoseNewPartsAloneExceed400KbBeforeCallingDynamoDb() {
        repository.create(ORG, ItemSizeTest.documented());
        assertEquals(1, client.calls(Operation.TRANSACT_WRITE_ITEMS), "the create's transaction");
        Map<String, Object> before = db.snapshot();
        DatamartUpdate overLimit = new DatamartUpdate("sales-analytics", null, null,
                ItemSizeTest.relationshipsOfAbout(ItemSize.MAX_ITEM_BYTES));
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> repository.update(ORG, overLimit));
        assertTrue(refused.getMessage().startsWith("Datamart is too large to store: the datamart is "),
                refused::getMessage);
        assertTrue(refused.getMessage().contains("400 KB"), refused::getMessage);
        // Every write of the repository is a transaction: none sent means refused on this side.
        assertEquals(1, client.calls(Operation.TRANSACT_WRITE_ITEMS), "refused before the update was sent");
        assertEquals(before, db.snapshot());
    }

    // ---------------------------------------------------------------------------------------------
    // Listing
    // ---------------------------------------------------------------------------------------------

    @Test
    void findsTheNameAtEachPositionCountingFromOne() {
        createNamed("b", "a", "c");

        assertEquals(Optional.of("a"), repository.nameAt(ORG, 1));
        assertEquals(Optional.of("c"), repository.nameAt(ORG, 3));
        assertEquals(Optional.empty(), repository.nameAt(ORG, 4));
        assertThrows(IllegalArgumentException.class, () -> repository.nameAt(ORG, 0));
        assertEquals(Optional.empty(), repository.nameAt("no-datamarts", 1), "an organization without any");
    }

    @Test
    void readsNoMoreDatamartsThanTheCallerWants() {
        createNamed("a", "b", "c");

        assertEquals(List.of("a", "b"),
                repository.listAfter(ORG, null, 2).map(datamart -> datamart.definition().name()).toList());
        assertEquals(List.of(new QueryRead(null, 2)), client.queries(), "one page of two");
    }

    // ---------------------------------------------------------------------------------------------
    // Names that cannot be keys
    // ---------------------------------------------------------------------------------------------

    static List<String> unstorableNames() {
        return List.of("x".repeat(2000), "é".repeat(513), "", "bad\ud800", "\udc00");
    }

    @ParameterizedTest
    @MethodSource("unstorableNames")
    void answersNotFoundForANameThatCannotBeAKey(String name) {
        assertFalse(DatamartRepository.isStorableName(name));
        assertTrue(repository.find(ORG, name).isEmpty());
        assertThrows(DatamartNotFoundException.class, () -> repository.delete(ORG, name));
        assertThrows(DatamartNotFoundException.class,
                () -> repository.update(ORG, new DatamartUpdate(name, null, null, List.of())));
    }

    /** DynamoDB's limit on a sort key, 1,024 UTF-8 bytes, in one-, two- and four-byte characters. */
    @ParameterizedTest
    @MethodSource("namesOf1024Bytes")
    void storesFindsAndDeletesANameOfExactly1024Utf8Bytes(String name) {
        assertEquals(1024, name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertTrue(DatamartRepository.isStorableName(name));
        DatamartDefinition base = definition(MINIMAL_BODY);
        DatamartDefinition definition = new DatamartDefinition(name, base.datasourceName(), base.tableList(), null,
                null);
        repository.create(ORG, definition);
        assertEquals(definition, stored(ORG, name).definition());
        repository.delete(ORG, name);
        assertTrue(repository.find(ORG, name).isEmpty());
    }

    @ParameterizedTest
    @MethodSource("namesOf1024Bytes")
    void answersNotFoundWithoutAskingDynamoDbForANameOf1025Utf8Bytes(String name) {
        String longer = name + "x";
        assertTrue(repository.find(ORG, longer).isEmpty());
        assertThrows(DatamartNotFoundException.class, () -> repository.delete(ORG, longer));
        assertEquals(0, client.calls(Operation.GET_ITEM), "a name that cannot be a key is never looked up");
    }

    static List<String> namesOf1024Bytes() {
        return List.of("x".repeat(1024), "é".repeat(512), "😀".repeat(256), "é".repeat(510) + "😀");
    }

    @ParameterizedTest
    @MethodSource("unstorableNames")
    void answersInvalidDatasourceForADatasourceNameThatCannotBeAKey(String datasource) {
        DatamartDefinition base = definition(MINIMAL_BODY);
        DatamartDefinition definition = new DatamartDefinition("m", datasource, base.tableList(), null, null);
        assertThrows(DatasourceNotFoundException.class, () -> repository.create(ORG, definition));
        assertTrue(repository.find(ORG, "m").isEmpty());
    }

    // ---------------------------------------------------------------------------------------------
    // Create: uniqueness and datasources
    // ---------------------------------------------------------------------------------------------

    @Test
    void refusesASecondDatamartOfTheSameNameAndKeepsTheFirst() {
        DatamartDefinition first = definition(Fixtures.documentedCreateBody());
        repository.create(ORG, first);
        ObjectNode secondBody = Fixtures.documentedCreateBody();
        secondBody.remove("relationships");
        Map<String, Object> before = db.snapshot();
        assertThrows(DatamartAlreadyExistsException.class, () -> repository.create(ORG, definition(secondBody)));
        assertEquals(before, db.snapshot());
        assertEquals(first, stored(ORG, "sales-analytics").definition());
    }

    @Test
    void reportsTheClaimLostWhenTheWriteCommittedAlongsideFailsItsConditionAndStoresNothing() {
        Map<String, Object> before = db.snapshot();

        assertThrows(IdempotencyClaimLostException.class,
                () -> repository.create(ORG, definition(Fixtures.documentedCreateBody()), claimHeld(false)));

        assertEquals(before, db.snapshot());
    }

    @Test
    void answersThatTheNameIsTakenWhenTheWriteCommittedAlongsideStillHolds() {
        repository.create(ORG, definition(Fixtures.documentedCreateBody()));
        Map<String, Object> before = db.snapshot();

        assertThrows(DatamartAlreadyExistsException.class,
                () -> repository.create(ORG, definition(Fixtures.documentedCreateBody()), claimHeld(true)));

        assertEquals(before, db.snapshot());
    }

    /**
     * A write that commits with a change, as an idempotency record does: a check that holds
     * only when {@code held}, standing for a claim still held or lost to another request.
     */
    private CommittedWith claimHeld(boolean held) {
        return name -> TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(db.tables().datamarts())
                .key(Keys.of("claims", name))
                .conditionExpression(held ? "attribute_not_exists(#name)" : "attribute_exists(#name)")
                .expressionAttributeNames(Map.of("#name", Keys.NAME))
                .build()).build();
    }

    @Test
    void refusesAnUnknownDatasourceAndWritesNothing() {
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("datasourceName", "no-such-datasource");
        Map<String, Object> before = db.snapshot();
        assertThrows(DatasourceNotFoundException.class, () -> repository.create(ORG, definition(body)));
        assertEquals(before, db.snapshot());
    }

    @Test
    void refusesTheDatasourceOfAnotherOrganization() {
        new DatasourceRepository(db.client(), db.tables(), clock).save(Fixtures.OTHER_ORG, "acme-only");
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("datasourceName", "acme-only");
        assertThrows(DatasourceNotFoundException.class, () -> repository.create(ORG, definition(body)));
        assertTrue(repository.find(ORG, "sales-analytics").isEmpty());
        repository.create(Fixtures.OTHER_ORG, definition(body));
        assertEquals("acme-only", stored(Fixtures.OTHER_ORG, "sales-analytics").definition().datasourceName());
    }

    @Test
    void matchesDatasourceNamesCaseSensitively() {
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("datasourceName", "Postgres-Main");
        assertThrows(DatasourceNotFoundException.class, () -> repository.create(ORG, definition(body)));
    }

    @Test
    void refusesAnUnknownDatasourceForATakenNameWithOneOfTheTwoErrors() {
        repository.create(ORG, definition(Fixtures.documentedCreateBody()));
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("datasourceName", "no-such-datasource");
        Map<String, Object> before = db.snapshot();
        RuntimeException refused = assertThrows(RuntimeException.class, () -> repository.create(ORG, definition(body)));
        assertTrue(refused instanceof DatasourceNotFoundException || refused instanceof DatamartAlreadyExistsException,
                () -> "either broken rule may be reported, not " + refused);
        assertEquals(before, db.snapshot());
    }

    @Test
    void createsExactlyOneOfManyConcurrentCreatesOfOneName() throws Exception {
        int creators = 8;
        List<DatamartDefinition> bodies = new ArrayList<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < creators; i++) {
            ObjectNode body = Fixtures.documentedCreateBody();
            ((ObjectNode) body.get("tableList").get(0)).put("label", "creator-" + i);
            DatamartDefinition definition = definition(body);
            bodies.add(definition);
            tasks.add(() -> {
                repository.create(ORG, definition);
                return null;
            });
        }
        List<Future<Void>> outcomes = runTogether(tasks);
        List<DatamartDefinition> winners = new ArrayList<>();
        for (int i = 0; i < creators; i++) {
            try {
                outcomes.get(i).get(30, TimeUnit.SECONDS);
                winners.add(bodies.get(i));
            } catch (java.util.concurrent.ExecutionException failed) {
                assertSame(DatamartAlreadyExistsException.class, failed.getCause().getClass(),
                        () -> "a losing create fails as a duplicate, not " + failed.getCause());
            }
        }
        assertEquals(1, winners.size(), "exactly one create succeeds");
        assertEquals(winners.get(0), stored(ORG, "sales-analytics").definition(), "and the stored body is its body");
    }

    // ---------------------------------------------------------------------------------------------
    // Organizations
    // ---------------------------------------------------------------------------------------------

    @Test
    void keepsTheSameNameInTwoOrganizationsApart() {
        DatamartDefinition demo = definition(Fixtures.documentedCreateBody());
        ObjectNode acmeBody = Fixtures.documentedCreateBody();
        acmeBody.remove("relationships");
        DatamartDefinition acme = definition(acmeBody);
        repository.create(ORG, demo);
        repository.create(Fixtures.OTHER_ORG, acme);
        assertEquals(demo, stored(ORG, "sales-analytics").definition());
        assertEquals(acme, stored(Fixtures.OTHER_ORG, "sales-analytics").definition());

        repository.update(Fixtures.OTHER_ORG, update("{\"datamartName\": \"sales-analytics\", \"relationships\": []}"));
        assertEquals(1, stored(ORG, "sales-analytics").version(), "the other organization's update stays there");
        repository.delete(Fixtures.OTHER_ORG, "sales-analytics");
        assertEquals(demo, stored(ORG, "sales-analytics").definition());
        assertTrue(repository.find(Fixtures.OTHER_ORG, "sales-analytics").isEmpty());
    }

    @Test
    void neverReachesAnotherOrganizationsDatamart() {
        repository.create(ORG, definition(Fixtures.documentedCreateBody()));
        Map<String, Object> before = db.snapshot();
        assertTrue(repository.find(Fixtures.OTHER_ORG, "sales-analytics").isEmpty());
        assertThrows(DatamartNotFoundException.class, () -> repository.update(Fixtures.OTHER_ORG,
                update("{\"datamartName\": \"sales-analytics\", \"relationships\": []}")));
        assertThrows(DatamartNotFoundException.class, () -> repository.delete(Fixtures.OTHER_ORG, "sales-analytics"));
        assertEquals(before, db.snapshot());
    }

    // ---------------------------------------------------------------------------------------------
    // One conditional write per change; transaction conflicts
    // ---------------------------------------------------------------------------------------------

    @Test
    void writesEachChangeAsOneTransactionWithItsVersionEntries() {
        repository.create(ORG, definition(MINIMAL_BODY));
        assertEquals(1, client.calls(Operation.TRANSACT_WRITE_ITEMS));
        assertEquals(0, client.calls(Operation.GET_ITEM), "a create reads nothing first");
        repository.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}"));
        assertEquals(2, client.calls(Operation.TRANSACT_WRITE_ITEMS));
        assertEquals(1, client.calls(Operation.GET_ITEM), "the stored definition, for the new version's entry");
        repository.delete(ORG, "m");
        assertEquals(3, client.calls(Operation.TRANSACT_WRITE_ITEMS));
        assertEquals(2, client.calls(Operation.GET_ITEM), "the incarnation and version the delete requires");
        assertEquals(1, client.calls(Operation.QUERY), "the entries the delete sets to expire");
        assertEquals(0, client.calls(Operation.PUT_ITEM) + client.calls(Operation.UPDATE_ITEM)
                + client.calls(Operation.DELETE_ITEM), "every write inside a transaction");
    }

    @Test
    void retriesACreateThatConflictedWithAnotherTransaction() {
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 2, DatamartRepositoryTest::conflict);
        DatamartDefinition accepted = definition(Fixtures.documentedCreateBody());
        repository.create(ORG, accepted);
        assertEquals(3, client.calls(Operation.TRANSACT_WRITE_ITEMS));
        assertEquals(accepted, stored(ORG, "sales-analytics").definition());
    }

    @Test
    void givesUpAfterTheLastAttemptAsAConcurrentModificationAndStoresNothing() {
        client.fail(Operation.TRANSACT_WRITE_ITEMS, Integer.MAX_VALUE, DatamartRepositoryTest::conflict);
        Map<String, Object> before = db.snapshot();
        assertThrows(ConcurrentModificationException.class,
                () -> repository.create(ORG, definition(Fixtures.documentedCreateBody())));
        assertEquals(DynamoDbRetryPolicy.MAX_TRANSACTION_ATTEMPTS, client.calls(Operation.TRANSACT_WRITE_ITEMS));
        assertEquals(before, db.snapshot());
    }

    @Test
    void stopsRetryingAConflictWhenTheBudgetCannotHoldAnotherAttempt() throws Exception {
        client.fail(Operation.TRANSACT_WRITE_ITEMS, Integer.MAX_VALUE, DatamartRepositoryTest::conflict);
        // 300 ms: the first attempt fits; the backoff (12 ms or more) plus a 250 ms call soon does not.
        TestContext context = new TestContext().remainingTimeMillis(300);
        long started = System.nanoTime();
        assertThrows(ConcurrentModificationException.class, () -> CallBudget.within(context, Duration.ZERO,
                () -> {
                    repository.create(ORG, definition(Fixtures.documentedCreateBody()));
                    return null;
                }));
        assertTrue(client.calls(Operation.TRANSACT_WRITE_ITEMS) < DynamoDbRetryPolicy.MAX_TRANSACTION_ATTEMPTS,
                () -> "attempts: " + client.calls(Operation.TRANSACT_WRITE_ITEMS));
        assertTrue(System.nanoTime() - started < 300_000_000L, "never waits past the budget");
    }

    @Test
    void retriesACancellationForThrottlingThenAnswersBusy() {
        Supplier<RuntimeException> throttled = () -> TransactionCanceledException.builder()
                .message("Transaction cancelled [ThrottlingError, None]")
                .cancellationReasons(CancellationReason.builder().code("ThrottlingError").build(),
                        CancellationReason.builder().code("None").build())
                .build();
        client.fail(Operation.TRANSACT_WRITE_ITEMS, Integer.MAX_VALUE, throttled);
        assertThrows(ServiceUnavailableException.class,
                () -> repository.create(ORG, definition(Fixtures.documentedCreateBody())));
        assertEquals(DynamoDbRetryPolicy.MAX_TRANSACTION_ATTEMPTS, client.calls(Operation.TRANSACT_WRITE_ITEMS),
                "cancelled, so nothing was written: tried again like a conflict");
    }

    @Test
    void reportsAnExistingNameAfterARetryRatherThanRetryingForever() {
        repository.create(ORG, definition(MINIMAL_BODY));
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, DatamartRepositoryTest::conflict);
        assertThrows(DatamartAlreadyExistsException.class, () -> repository.create(ORG, definition(MINIMAL_BODY)));
        assertEquals(3, client.calls(Operation.TRANSACT_WRITE_ITEMS), "the first create, the conflict, the retry");
    }

    @Test
    void letsAnUpdateFailureThroughAndChangesNothing() {
        repository.create(ORG, definition(MINIMAL_BODY));
        Map<String, Object> before = db.snapshot();
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> new IllegalStateException("injected outage"));
        assertThrows(IllegalStateException.class,
                () -> repository.update(ORG, update("{\"datamartName\": \"m\", \"relationships\": []}")));
        assertEquals(before, db.snapshot());
        assertNotEquals(1, client.calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @Test
    void passesACancellationWithoutReasonsThroughAsDynamoDbReportedIt() {
        TransactionCanceledException withoutReasons = TransactionCanceledException.builder()
                .message("Transaction cancelled").build();
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> withoutReasons);

        assertSame(withoutReasons, assertThrows(TransactionCanceledException.class,
                () -> repository.create(ORG, definition(MINIMAL_BODY))));
    }

    @Test
    void stopsRetryingACancelledTransactionWhenItsThreadIsInterruptedAndKeepsTheInterrupt() {
        client.fail(Operation.TRANSACT_WRITE_ITEMS, Integer.MAX_VALUE, DatamartRepositoryTest::conflict);
        DatamartDefinition definition = definition(MINIMAL_BODY);
        boolean stillInterrupted;
        Thread.currentThread().interrupt();
        try {
            assertThrows(IllegalStateException.class, () -> repository.create(ORG, definition));
        } finally {
            // Cleared, whatever happened, so that no later test inherits it.
            stillInterrupted = Thread.interrupted();
        }
        assertTrue(stillInterrupted, "the caller still sees that it was interrupted");
        assertEquals(1, client.calls(Operation.TRANSACT_WRITE_ITEMS), "no attempt after the interrupted wait");
    }

    private List<Future<Void>> runTogether(List<Callable<Void>> tasks) throws InterruptedException {
        pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch ready = new CountDownLatch(tasks.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Void>> futures = new ArrayList<>();
        for (Callable<Void> task : tasks) {
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return task.call();
            }));
        }
        ready.await(10, TimeUnit.SECONDS);
        go.countDown();
        return futures;
    }
}
