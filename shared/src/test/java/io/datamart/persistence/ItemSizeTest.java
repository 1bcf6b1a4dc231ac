package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.domain.Column;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.error.InvalidRequestException;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.validation.DatamartValidator;
import io.datamart.wiring.DatamartApi;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * ItemSize against DynamoDB's 400 KB item limit. The counting rules are DynamoDB's documented
 * ones; moto, the local engine, counts more loosely and stops at 405,000 bytes of its own
 * count, so the exact boundary is pinned on this side (what is refused before calling
 * DynamoDB, what is sent) and DynamoDB's own refusals are injected as DynamoDB words them.
 */
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
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        repository = new DatamartRepository(client, db.tables(), clock,
                DatamartApi.versions(client, db.environment(), clock));
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

    @ParameterizedTest(name = "N {0}: {1} bytes")
    @CsvSource({"1, 2", "7, 2", "12, 2", "123, 3", "1234, 3", "12345, 4", "123456, 4", "-1.50, 2", "0.001, 2",
        "1E+5, 2"})
    void countsANumberByItsSignificantDigitsAsDynamoDbDoes(String number, int bytes) {
        // One byte per two significant digits, rounded up, plus one (the rounding is the one
        // Amazon's own engine showed at the 400 KB boundary).
        assertEquals(1 + bytes, ItemSize.of(item("n", AttributeValue.fromN(number))));
    }

    // ---------------------------------------------------------------------------------------------
    // Create at the limit: what this side refuses, what it sends
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x", "😀"})
    void storesALargeDatamartLosslessly(String unit) {
        DatamartDefinition large = ofSize(390 * 1024, unit);
        repository.create(ORG, large);
        assertEquals(large, repository.find(ORG, large.name()).orElseThrow().definition());
    }

    /**
     * The documented datamart with 2,000 more columns, padded to exactly {@code bytes}. moto
     * counts no overhead for maps and lists, DynamoDB (and ItemSize) 4 to 5 bytes each: over
     * 2,000 columns that keeps moto's count of a 400 KB item under its own 405,000-byte stop,
     * so the engine stores what DynamoDB would.
     */
    static DatamartDefinition ofSizeInManyColumns(long bytes) {
        DatamartDefinition definition = withManyColumns("x".repeat((int) (bytes - storedSize(withManyColumns("")))));
        assertEquals(bytes, storedSize(definition), "the padding lands on the intended size");
        return definition;
    }

    private static DatamartDefinition withManyColumns(String label) {
        DatamartDefinition labelled = withLabel(label);
        Table table = labelled.tableList().get(0);
        List<Column> columns = new ArrayList<>(table.columns());
        for (int i = 0; i < 2_000; i++) {
            columns.add(new Column("c" + i, null, null, null, null, null, null, null));
        }
        return new DatamartDefinition(labelled.name(), labelled.datasourceName(),
                List.of(new Table(table.name(), table.schemaName(), table.clientColumn(), table.label(),
                        table.indexPattern(), table.isHide(), columns)),
                labelled.tenancySettings(), labelled.relationships());
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

    // ---------------------------------------------------------------------------------------------
    // Updates
    // ---------------------------------------------------------------------------------------------

    static List<Relationship> relationshipsOfAbout(int bytes) {
        return List.of(new Relationship("a", "b", "c", "d", "r".repeat(bytes), null, null));
    }

    @Test
    void refusesAnUpdateThatFitsAloneButNotBesideTheKeptTableList() {
        // DynamoDB enforces the limit on the item as the update leaves it: it cancels the
        // transaction with a ValidationError for the datamart's write (the first of the update,
        // then its version entry), changing nothing; the repository must turn that into a
        // request error. DynamoDB's answer is injected: moto counts sizes its own way (see
        // above) and may change some of an item it refuses (Failures.itemSizeToUpdateExceeded).
        DatamartDefinition large = ofSize(300 * 1024, "x");
        repository.create(ORG, large);
        DatamartUpdate update = new DatamartUpdate(large.name(), null, null, relationshipsOfAbout(150 * 1024));
        long alone = ItemSize.of(Map.of(DatamartItems.RELATIONSHIPS,
                DatamartItems.relationships(update.relationships())));
        assertTrue(alone < MAX && storedSize(large) + alone > MAX, "fits alone, not beside the kept table list");
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> cancelledAt(0, 2, "ValidationError",
                "Item size to update has exceeded the maximum allowed size"));
        Map<String, Object> before = db.snapshot();
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> repository.update(ORG, update), "a request error, not a raw TransactionCanceledException");
        assertEquals("Datamart is too large to store: with the parts it keeps, the updated datamart exceeds "
                + "DynamoDB's item limit of 400 KB (409600 bytes)", refused.getMessage());
        assertEquals(2, client.calls(Operation.TRANSACT_WRITE_ITEMS), "sent: not refused before by its own size");
        assertEquals(before, db.snapshot(), "nothing changed");
        assertEquals(1, repository.find(ORG, large.name()).orElseThrow().version());
    }

    @Test
    void sendsAnUpdateThatReplacesALargePartWithAnotherOfTheSameSize() {
        // 300 KB replaced by 300 KB: counting the replaced part as kept (600 KB) would refuse
        // it here. DynamoDB stores it; moto counts the old value with the new one and may
        // refuse it, which must then read as "too large".
        DatamartDefinition large = ofSize(300 * 1024, "x");
        repository.create(ORG, large);
        DatamartDefinition replacement = ofSize(300 * 1024, "y");
        try {
            repository.update(ORG, new DatamartUpdate(large.name(), replacement.tableList(), null, null));
        } catch (InvalidRequestException refusedByTheEngine) {
            assertTrue(refusedByTheEngine.getMessage().contains("400 KB"), refusedByTheEngine::getMessage);
        }
        assertEquals(2, client.calls(Operation.TRANSACT_WRITE_ITEMS), "sent to DynamoDB, not refused before");
    }

    @Test
    void replacesALargePartWithAnotherOfTheSameSize() {
        DatamartDefinition large = ofSize(190 * 1024, "x");
        repository.create(ORG, large);
        DatamartDefinition replacement = ofSize(190 * 1024, "y");
        repository.update(ORG, new DatamartUpdate(large.name(), replacement.tableList(), null, null));
        assertEquals(replacement.tableList(), repository.find(ORG, large.name()).orElseThrow().definition().tableList());
    }

    // ---------------------------------------------------------------------------------------------
    // DynamoDB's refusals: only its size error reads as "too large"
    // ---------------------------------------------------------------------------------------------

    private static TransactionCanceledException cancelled(String code, String message) {
        // The datamart write first, then its version entry: the second write is the one refused.
        return cancelledAt(1, 2, code, message);
    }

    /** A transaction of {@code writes} writes cancelled for the one at {@code index}, as DynamoDB words it. */
    private static TransactionCanceledException cancelledAt(int index, int writes, String code, String message) {
        List<CancellationReason> reasons = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            reasons.add(i == index ? CancellationReason.builder().code(code).message(message).build()
                    : CancellationReason.builder().code("None").build());
            codes.add(i == index ? code : "None");
        }
        return TransactionCanceledException.builder()
                .message("Transaction cancelled, please refer cancellation reasons for specific reasons "
                        + codes.toString())
                .cancellationReasons(reasons)
                .build();
    }

    private static DynamoDbException rejected(int status, String code, String message) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .serviceName("DynamoDb").build())
                .build();
    }

    @Test
    void reportsACancellationForAnItemOverTheLimitAsTooLarge() {
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1,
                () -> cancelled("ValidationError", "Item size has exceeded the maximum allowed size"));
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> repository.create(ORG, documented()));
        assertTrue(refused.getMessage().startsWith("Datamart is too large to store"), refused::getMessage);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "ValidationError | One or more parameter values were invalid: Type mismatch for key",
        "ItemCollectionSizeLimitExceeded | Collection size exceeded."})
    void letsACreatesCancellationForAnotherReasonThroughRatherThanCallItTooLarge(String code, String message) {
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> cancelled(code, message));
        TransactionCanceledException thrown = assertThrows(TransactionCanceledException.class,
                () -> repository.create(ORG, documented()));
        assertEquals(code, thrown.cancellationReasons().get(1).code());
        assertTrue(repository.find(ORG, "sales-analytics").isEmpty());
    }

    @Test
    void letsAnUpdatesCancellationForAnotherReasonThroughRatherThanCallItTooLarge() {
        repository.create(ORG, documented());
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1,
                () -> cancelled("ValidationError", "One or more parameter values were invalid: Type mismatch"));
        assertThrows(TransactionCanceledException.class, () -> repository.update(ORG,
                new DatamartUpdate("sales-analytics", null, null, relationshipsOfAbout(10))));
        assertEquals(1, repository.find(ORG, "sales-analytics").orElseThrow().version());
    }

    @Test
    void reportsDynamoDbsItemSizeErrorAsTooLarge() {
        repository.create(ORG, documented());
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, Failures::itemSizeToUpdateExceeded);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> repository.update(ORG,
                new DatamartUpdate("sales-analytics", null, null, relationshipsOfAbout(10))));
        assertTrue(refused.getMessage().startsWith("Datamart is too large to store"), refused::getMessage);
    }

    static List<DynamoDbException> otherRefusals() {
        return List.of(
                rejected(400, "ValidationException",
                        "One or more parameter values were invalid: An AttributeValue may not contain an empty string"),
                rejected(400, "AccessDeniedException", "User is not authorized to perform: dynamodb:TransactWriteItems"),
                // The size words, but not a request error: DynamoDB's own failure.
                rejected(500, "InternalServerError", "Internal error while checking the item size"));
    }

    @ParameterizedTest
    @MethodSource("otherRefusals")
    void letsAnotherDynamoDbErrorThroughRatherThanCallItTooLarge(DynamoDbException refusal) {
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> refusal);
        assertSame(refusal, assertThrows(DynamoDbException.class, () -> repository.create(ORG, documented())));

        repository.create(ORG, documented());
        client.fail(Operation.TRANSACT_WRITE_ITEMS, 1, () -> refusal);
        assertSame(refusal, assertThrows(DynamoDbException.class, () -> repository.update(ORG,
                new DatamartUpdate("sales-analytics", null, null, relationshipsOfAbout(10)))));
    }
}
