package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.domain.Column;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.error.InvalidRequestException;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.validation.DatamartValidator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** ItemSize against DynamoDB's 400 KB item limit, checked with DynamoDB Local. */
class ItemSizeTest {
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");
    private static final int MAX = ItemSize.MAX_ITEM_BYTES;

    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient client;
    private DatamartRepository repository;

    @BeforeEach
    void freshDatabase() {
        db = Fixtures.freshDatabase();
        client = new FaultInjectingDynamoDbClient(db.client());
        repository = new DatamartRepository(client, db.tables(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static DatamartDefinition documented() {
        return new DatamartValidator().validateCreate(Fixtures.documentedCreateBody());
    }

    /** The documented datamart with the first column's label replaced. */
    static DatamartDefinition withLabel(String label) {
        DatamartDefinition documented = documented();
        Table table = documented.tableList().get(0);
        List<Column> columns = new ArrayList<>(table.columns());
        Column first = columns.get(0);
        columns.set(0, new Column(first.name(), first.alias(), label, first.isHide(), first.isCustomColumn(),
                first.sql(), first.isAggregate(), first.isApplyTimezone()));
        return new DatamartDefinition(documented.name(), documented.datasourceName(),
                List.of(new Table(table.name(), table.schemaName(), table.clientColumn(), table.label(),
                        table.indexPattern(), table.isHide(), columns)),
                documented.tenancySettings(), documented.relationships());
    }

    /** The size of the item the repository would write for this definition. */
    static long storedSize(DatamartDefinition definition) {
        return ItemSize.of(DatamartItems.newItem(ORG, definition, NOW));
    }

    /** The documented datamart padded to exactly {@code bytes} as ItemSize counts them, with {@code unit}s then ASCII. */
    static DatamartDefinition ofSize(long bytes, String unit) {
        long base = storedSize(withLabel(""));
        long padding = bytes - base;
        int unitBytes = unit.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        String label = unit.repeat((int) (padding / unitBytes)) + "x".repeat((int) (padding % unitBytes));
        DatamartDefinition definition = withLabel(label);
        assertEquals(bytes, storedSize(definition), "the padding lands on the intended size");
        return definition;
    }

    static Map<String, AttributeValue> item(Object... nameThenValue) {
        Map<String, AttributeValue> item = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameThenValue.length; i += 2) {
            item.put((String) nameThenValue[i], (AttributeValue) nameThenValue[i + 1]);
        }
        return item;
    }

    // ---------------------------------------------------------------------------------------------
    // The documented counting rules
    // ---------------------------------------------------------------------------------------------

    @Test
    void countsNamesAndStringsByTheirUtf8Bytes() {
        assertEquals(3, ItemSize.of(item("a", AttributeValue.fromS("bc"))));
        assertEquals(2 + 4 + 1 + 3, ItemSize.of(item("é", AttributeValue.fromS("😀"), "k", AttributeValue.fromS("日"))));
        assertEquals(1, ItemSize.of(item("e", AttributeValue.fromS(""))));
    }

    @Test
    void countsOneByteForBooleansAndNulls() {
        assertEquals(2, ItemSize.of(item("b", AttributeValue.fromBool(true))));
        assertEquals(2, ItemSize.of(item("z", AttributeValue.fromNul(true))));
    }

    @Test
    void countsThreeBytesForAnEmptyMapOrList() {
        assertEquals(1 + 3, ItemSize.of(item("m", AttributeValue.fromM(Map.of()))));
        assertEquals(1 + 3, ItemSize.of(item("l", AttributeValue.fromL(List.of()))));
    }

    @Test
    void countsOneBytePerElementOfAMapOrListOnTopOfItsContent() {
        assertEquals(1 + 3 + 1 + 2, ItemSize.of(item("l", AttributeValue.fromL(List.of(AttributeValue.fromS("ab"))))));
        assertEquals(1 + 3 + 1 + (1 + 2),
                ItemSize.of(item("m", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("ab"))))));
    }

    @Test
    void growsByExactlyTheUtf8BytesOfAddedText() {
        long base = storedSize(withLabel(""));
        assertEquals(base + 10, storedSize(withLabel("x".repeat(10))));
        assertEquals(base + 8, storedSize(withLabel("😀😀")));
        assertEquals(base + 6, storedSize(withLabel("日本")));
    }

    // ---------------------------------------------------------------------------------------------
    // Create at the limit, with DynamoDB Local as the judge
    // ---------------------------------------------------------------------------------------------

    @Test
    void storesADatamartJustUnder400KbInDynamoDbLocal() {
        DatamartDefinition large = ofSize(MAX - 1, "x");
        repository.create(ORG, large);
        assertEquals(large, repository.find(ORG, large.name()).orElseThrow().definition());
    }

    @Test
    void storesADatamartJustUnder400KbOfFourByteCharactersInDynamoDbLocal() {
        DatamartDefinition large = ofSize(MAX - 1, "😀");
        repository.create(ORG, large);
        assertEquals(large, repository.find(ORG, large.name()).orElseThrow().definition());
    }

    @Test
    void refusesADatamartOneByteOver400KbBeforeCallingDynamoDb() {
        Map<String, Object> before = db.snapshot();
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> repository.create(ORG, ofSize(MAX + 1, "x")));
        assertTrue(refused.getMessage().contains("400 KB"), refused::getMessage);
        assertEquals(0, client.calls(Operation.TRANSACT_WRITE_ITEMS), "refused before any call");
        assertEquals(before, db.snapshot());
    }

    @Test
    void refusesAMultiByteDatamartOneByteOver400Kb() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> repository.create(ORG, ofSize(MAX + 1, "é")));
        assertTrue(refused.getMessage().contains("400 KB"), refused::getMessage);
        assertEquals(0, client.calls(Operation.TRANSACT_WRITE_ITEMS));
    }

    @ParameterizedTest(name = "ItemSize {0}")
    @ValueSource(ints = {MAX - 2, MAX - 1, MAX, MAX + 1, MAX + 2})
    void answersEverySizeAroundTheLimitWithAStoredDatamartOrAnInvalidRequest(int size) {
        // The contract: bad input never gets a 5xx. A create either stores the datamart or
        // refuses it as too large; DynamoDB's own size error must never escape.
        DatamartDefinition definition = ofSize(size, "x");
        try {
            repository.create(ORG, definition);
            assertEquals(definition, repository.find(ORG, definition.name()).orElseThrow().definition());
        } catch (InvalidRequestException tooLarge) {
            assertTrue(tooLarge.getMessage().contains("400 KB"), tooLarge::getMessage);
            assertTrue(repository.find(ORG, definition.name()).isEmpty());
        }
    }

    @ParameterizedTest(name = "N {0}")
    @ValueSource(strings = {"1", "7", "12", "123", "1234", "12345", "123456"})
    void countsANumberTheWayDynamoDbLocalDoes(String number) {
        // An item ItemSize counts at exactly 400 KB must fit; one byte more must not.
        for (int size : new int[] {MAX, MAX + 1}) {
            Map<String, AttributeValue> item = new java.util.LinkedHashMap<>();
            item.put("organizationId", AttributeValue.fromS(ORG));
            item.put("name", AttributeValue.fromS("n-" + size));
            item.put("version", AttributeValue.fromN(number));
            long rest = ItemSize.of(item) + "padding".length();
            item.put("padding", AttributeValue.fromS("x".repeat((int) (size - rest))));
            assertEquals(size, ItemSize.of(item));
            if (size == MAX) {
                db.client().putItem(r -> r.tableName(db.tables().datamarts()).item(item));
            } else {
                DynamoDbException rejected = assertThrows(DynamoDbException.class,
                        () -> db.client().putItem(r -> r.tableName(db.tables().datamarts()).item(item)));
                assertTrue(rejected.getMessage().toLowerCase().contains("item size"), rejected::getMessage);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Updates
    // ---------------------------------------------------------------------------------------------

    static List<Relationship> relationshipsOfAbout(int bytes) {
        return List.of(new Relationship("a", "b", "c", "d", "r".repeat(bytes), null, null));
    }

    @Test
    void refusesAnUpdateWhoseNewPartsAloneExceed400KbBeforeCallingDynamoDb() {
        repository.create(ORG, documented());
        Map<String, Object> before = db.snapshot();
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> repository.update(ORG,
                new DatamartUpdate("sales-analytics", null, null, relationshipsOfAbout(MAX))));
        assertTrue(refused.getMessage().contains("400 KB"), refused::getMessage);
        assertEquals(0, client.calls(Operation.UPDATE_ITEM));
        assertEquals(before, db.snapshot());
    }

    @Test
    void refusesAnUpdateThatFitsAloneButNotBesideTheKeptTableList() {
        // DynamoDB Local enforces the limit on the item as the update leaves it (it answers
        // "Item size to update has exceeded the maximum allowed size"), as DynamoDB does; the
        // repository must turn that into a request error.
        DatamartDefinition large = ofSize(300 * 1024, "x");
        repository.create(ORG, large);
        Map<String, Object> before = db.snapshot();
        DatamartUpdate update = new DatamartUpdate(large.name(), null, null, relationshipsOfAbout(150 * 1024));
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> repository.update(ORG, update), "a request error, not a raw DynamoDbException");
        assertTrue(refused.getMessage().contains("400 KB"), refused::getMessage);
        assertEquals(before, db.snapshot(), "nothing changed");
        assertEquals(1, repository.find(ORG, large.name()).orElseThrow().version());
    }

    @Test
    void acceptsAnUpdateThatReplacesALargePartWithAnotherOfTheSameSize() {
        DatamartDefinition large = ofSize(MAX - 1024, "x");
        repository.create(ORG, large);
        DatamartDefinition replacement = ofSize(MAX - 1024, "y");
        repository.update(ORG, new DatamartUpdate(large.name(), replacement.tableList(), null, null));
        assertEquals(replacement.tableList(), repository.find(ORG, large.name()).orElseThrow().definition().tableList());
    }
}
