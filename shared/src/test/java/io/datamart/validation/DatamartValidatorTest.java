package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.Cardinality;
import io.datamart.domain.ClientColumnType;
import io.datamart.domain.Column;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.JoinType;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.domain.TenancyLevel;
import io.datamart.domain.TenancySettings;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import io.datamart.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of CONTRACT.md, "The datamart body", for create, update and the legacy delete. */
class DatamartValidatorTest {
    private static final DatamartValidator VALIDATOR = new DatamartValidator();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Only the required fields: one table with one column. */
    private static final String MINIMAL_CREATE = """
            {"name": "m", "datasourceName": "ds", "tableList": [{"name": "t", "columns": [{"name": "c"}]}]}
            """;

    /** Every field of the contract set, each to a value that is easy to recognise. */
    private static final String FULL_CREATE = """
            {
              "name": "Full Datamart",
              "datasourceName": "warehouse",
              "tableList": [
                {
                  "name": "events",
                  "schemaName": "analytics",
                  "clientColumn": "tenant",
                  "label": "Events",
                  "indexPattern": "events-*",
                  "isHide": true,
                  "columns": [
                    {"name": "id", "alias": "event_id", "label": "Event", "isHide": true,
                     "isCustomColumn": false, "isAggregate": false, "isApplyTimezone": true},
                    {"name": "total", "isCustomColumn": true, "sql": "SUM(amount)", "isAggregate": true,
                     "isApplyTimezone": false}
                  ]
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
                 "cardinality": "OneToMany", "join": "INNER JOIN"}
              ]
            }
            """;

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    static ObjectNode json(String text) {
        return Fixtures.object(text);
    }

    static ObjectNode minimal() {
        return json(MINIMAL_CREATE);
    }

    static ObjectNode documented() {
        return Fixtures.documentedCreateBody();
    }

    static ObjectNode table(ObjectNode body, int index) {
        return (ObjectNode) body.get("tableList").get(index);
    }

    static ObjectNode column(ObjectNode body, int table, int index) {
        return (ObjectNode) table(body, table).get("columns").get(index);
    }

    static ObjectNode tenancy(ObjectNode body) {
        return (ObjectNode) body.get("tenancySettings");
    }

    static ObjectNode relationship(ObjectNode body, int index) {
        return (ObjectNode) body.get("relationships").get(index);
    }

    /** The documented body after {@code change}. */
    static ObjectNode documentedWith(Consumer<ObjectNode> change) {
        ObjectNode body = documented();
        change.accept(body);
        return body;
    }

    static List<Violation> createViolations(JsonNode body) {
        InvalidRequestException rejected =
                assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateCreate(body), () ->
                        "accepted " + body);
        assertFalse(rejected.violations().isEmpty(), "a broken rule is reported with its path");
        return rejected.violations();
    }

    static List<Violation> updateViolations(JsonNode body) {
        InvalidRequestException rejected =
                assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateUpdate(body), () ->
                        "accepted " + body);
        assertFalse(rejected.violations().isEmpty(), "a broken rule is reported with its path");
        return rejected.violations();
    }

    static Violation only(List<Violation> violations) {
        assertEquals(1, violations.size(), () -> "expected exactly one violation, got " + violations);
        return violations.get(0);
    }

    /** The violation is at exactly {@code path}, and its message says each of {@code fragments}. */
    static void assertViolation(Violation violation, String path, String... fragments) {
        assertEquals(path, violation.path(), () -> "path of " + violation);
        for (String fragment : fragments) {
            assertTrue(violation.message().contains(fragment),
                    () -> "message of " + violation + " should say '" + fragment + "'");
        }
    }

    static void assertCreateRejected(JsonNode body, String path, String... fragments) {
        assertViolation(only(createViolations(body)), path, fragments);
    }

    static void assertUpdateRejected(JsonNode body, String path, String... fragments) {
        assertViolation(only(updateViolations(body)), path, fragments);
    }

    static List<String> paths(List<Violation> violations) {
        return violations.stream().map(Violation::path).toList();
    }

    /** Values that count as a missing required string. */
    static Stream<JsonNode> missingStrings() {
        return Stream.of(null, NODES.nullNode(), NODES.textNode(""), NODES.textNode(" "), NODES.textNode("   "),
                NODES.textNode("\t"), NODES.textNode("\n\r"), NODES.textNode(" \t \n "), NODES.textNode("\u3000"));
    }

    /** Sets {@code field} of {@code object} to {@code value}, or removes it when {@code value} is null. */
    static void set(ObjectNode object, String field, JsonNode value) {
        if (value == null) {
            object.remove(field);
        } else {
            object.set(field, value);
        }
    }

    static DatamartDefinition documentedDefinition() {
        return new DatamartDefinition("sales-analytics", "postgres-main",
                List.of(new Table("orders", "public", "tenant_id", "Customer Orders", null, false, List.of(
                        new Column("order_id", "id", "Order ID", false, null, null, null, null),
                        new Column("customer_id", null, "Customer", false, null, null, null, null),
                        new Column("order_date", "date", "Order Date", false, null, null, null, null)))),
                new TenancySettings(TenancyLevel.TABLE, ClientColumnType.STRING, "public", "client_mapping",
                        "client_id", "id", null),
                List.of(new Relationship("orders", "customer_id", "customers", "id", "orders_to_customers",
                        Cardinality.MANY_TO_ONE, JoinType.LEFT)));
    }

    // ---------------------------------------------------------------------------------------------
    // The names recorded for the schema checks (SchemaNames), and repeats by schemaName and name.
    // Kept at the top level: PIT runs the mutated class's own test class first, not its @Nested ones.
    // ---------------------------------------------------------------------------------------------

    static SchemaNames namesOfCreate(JsonNode body) {
        return VALIDATOR.readCreate(body).names();
    }

    /** The clientColumn recorded for the documented table when it is sent as {@code value}. */
    static String recordedClientColumn(String value) {
        return namesOfCreate(documentedWith(b -> table(b, 0).put("clientColumn", value))).tables().get(0)
                .clientColumn();
    }

    @Test
    void recordsEachTableAndColumnAtItsIndexWithTheNamesToLookUp() {
        // Only a column known to be plain is looked up by name; a custom column's checked sql is kept instead.
        // A broken schemaName leaves the table's schema unknown, so it is not looked up either.
        SchemaNames names = namesOfCreate(json("""
                {"name": "m", "datasourceName": "ds", "tableList": [
                  {"schemaName": "public", "name": "orders", "clientColumn": "tenant_id", "columns": [
                    {"name": "order_id"},
                    {"name": "total", "isCustomColumn": true, "sql": "quantity * unit_price"},
                    {"name": "status", "isCustomColumn": false},
                    {"name": "maybe", "isCustomColumn": "yes"}]},
                  {"name": "customers", "columns": [{"name": "id"}]},
                  {"schemaName": 5, "name": "events", "columns": [{"name": "event_id"}]}]}
                """));

        assertEquals(List.of(
                new SchemaNames.TableNames(0, "orders", "public", true, "tenant_id", List.of(
                        new SchemaNames.ColumnNames(0, "order_id", null),
                        new SchemaNames.ColumnNames(1, null, "quantity * unit_price"),
                        new SchemaNames.ColumnNames(2, "status", null),
                        new SchemaNames.ColumnNames(3, null, null))),
                new SchemaNames.TableNames(1, "customers", null, true, null,
                        List.of(new SchemaNames.ColumnNames(0, "id", null))),
                new SchemaNames.TableNames(2, "events", null, false, null,
                        List.of(new SchemaNames.ColumnNames(0, "event_id", null)))),
                names.tables());
    }

    @Test
    void recordsANameForLookUpOnlyIfItBreaksNoneOfTheIdentifierRules() {
        // The limit counts code points, as the identifier rule does: 128 emoji are 256 chars.
        assertEquals("x".repeat(128), recordedClientColumn("x".repeat(128)));
        assertEquals("😀".repeat(128), recordedClientColumn("😀".repeat(128)));
        assertNull(recordedClientColumn("x".repeat(129)));
        assertNull(recordedClientColumn(" \u00a0"));
        assertNull(recordedClientColumn("tenant\u0007id"));
    }

    @Test
    void acceptsAnIdentifierOf128CharactersAndRefuses129() {
        assertTrue(VALIDATOR.readCreate(documentedWith(b -> table(b, 0).put("clientColumn", "x".repeat(128))))
                .isValid());
        assertCreateRejected(documentedWith(b -> table(b, 0).put("clientColumn", "x".repeat(129))),
                "tableList[0].clientColumn", "must be at most 128 characters, not 129: no database takes a longer name");
    }

    @Test
    void recordsWhetherTheTableListWasSentAndWhetherItCanBeRead() {
        // An update that keeps its stored table list resolves relationships through that one instead.
        SchemaNames readable = namesOfCreate(documented());
        assertTrue(readable.tableListSent());
        assertTrue(readable.tableListReadable());

        SchemaNames empty = namesOfCreate(documentedWith(b -> b.putArray("tableList")));
        assertTrue(empty.tableListSent());
        assertFalse(empty.tableListReadable());

        SchemaNames absent = namesOfCreate(documentedWith(b -> b.remove("tableList")));
        assertFalse(absent.tableListSent());
        assertFalse(absent.tableListReadable());

        SchemaNames kept = VALIDATOR.readUpdate(json("""
                {"datamartName": "m", "relationships": []}""")).names();
        assertFalse(kept.tableListSent());
    }

    @Test
    void recordsTheMappingTableOfTableTenancyAndNoneForOtherLevels() {
        assertEquals(new SchemaNames.TenancyNames("public", "client_mapping", "client_id", "id"),
                namesOfCreate(documented()).tenancy());
        // Other levels may send the same fields, but they name no table the datamart reads.
        assertNull(namesOfCreate(documentedWith(b -> tenancy(b).put("tenancyLevel", "DATABASE"))).tenancy());
    }

    @Test
    void recordsEachRelationshipAtItsIndexWithItsUsableNames() {
        ObjectNode body = documented();
        ArrayNode relationships = (ArrayNode) body.get("relationships");
        relationships.add("not an object");
        relationships.addObject().put("parentTableName", "orders").put("parentColumnName", "x".repeat(129))
                .put("childTableName", "customers").put("childColumnName", "id").put("relationshipName", "r");

        assertEquals(List.of(new SchemaNames.RelationshipNames(0, "orders", "customer_id", "customers", "id"),
                new SchemaNames.RelationshipNames(2, "orders", null, "customers", "id")),
                namesOfCreate(body).relationships());
    }

    @Test
    void reportsARepeatedTableByItsSchemaNameAndNameWithOrWithoutASchema() {
        assertCreateRejected(json("""
                {"name": "m", "datasourceName": "ds", "tableList": [
                  {"schemaName": "s", "name": "t", "columns": [{"name": "a"}]},
                  {"schemaName": "s", "name": "t", "columns": [{"name": "b"}]}]}
                """), "tableList[1]", "repeats tableList[0]: two tables have the same schemaName and name");
        assertCreateRejected(json("""
                {"name": "m", "datasourceName": "ds", "tableList": [
                  {"name": "t", "columns": [{"name": "a"}]},
                  {"name": "t", "columns": [{"name": "b"}]}]}
                """), "tableList[1]", "repeats tableList[0]: two tables have the same schemaName and name");
    }

    @Test
    void doesNotCountTheSameNameInAnotherSchemaOrWithoutOneAsARepeat() {
        List<Table> tables = VALIDATOR.validateCreate(json("""
                {"name": "m", "datasourceName": "ds", "tableList": [
                  {"schemaName": "public", "name": "t", "columns": [{"name": "a"}]},
                  {"schemaName": "archive", "name": "t", "columns": [{"name": "a"}]},
                  {"name": "t", "columns": [{"name": "a"}]}]}
                """)).tableList();
        assertEquals(Arrays.asList("public", "archive", null), tables.stream().map(Table::schemaName).toList());
    }

    @Test
    void leavesTablesWithABrokenSchemaNameToThatViolationRatherThanCallingThemRepeats() {
        List<Violation> violations = createViolations(json("""
                {"name": "m", "datasourceName": "ds", "tableList": [
                  {"schemaName": 5, "name": "t", "columns": [{"name": "a"}]},
                  {"schemaName": 5, "name": "t", "columns": [{"name": "a"}]}]}
                """));
        assertEquals(List.of(new Violation("tableList[0].schemaName", "must be a string, not a number"),
                new Violation("tableList[1].schemaName", "must be a string, not a number")), violations);
    }

    // ---------------------------------------------------------------------------------------------
    // Create: accepted bodies
    // ---------------------------------------------------------------------------------------------

    @Nested
    class AcceptedCreateBodies {
        @Test
        void acceptsTheDocumentedExampleAndProducesTheTypedDefinition() {
            assertEquals(documentedDefinition(), VALIDATOR.validateCreate(documented()));
        }

        @Test
        void acceptsTheDocumentedExampleTextAsPublished() {
            assertEquals(documentedDefinition(), VALIDATOR.validateCreate(json(Fixtures.DOCUMENTED_CREATE_BODY)));
        }

        @Test
        void acceptsABodyWithOnlyTheRequiredFieldsAndLeavesTheRestAbsent() {
            DatamartDefinition definition = VALIDATOR.validateCreate(minimal());
            assertEquals(new DatamartDefinition("m", "ds",
                    List.of(new Table("t", null, null, null, null, null,
                            List.of(new Column("c", null, null, null, null, null, null, null)))),
                    null, null), definition);
        }

        @Test
        void acceptsEveryOptionalFieldAndKeepsEachValue() {
            DatamartDefinition definition = VALIDATOR.validateCreate(json(FULL_CREATE));
            assertEquals(new DatamartDefinition("Full Datamart", "warehouse",
                    List.of(new Table("events", "analytics", "tenant", "Events", "events-*", true, List.of(
                            new Column("id", "event_id", "Event", true, false, null, false, true),
                            new Column("total", null, null, null, true, "SUM(amount)", true, false)))),
                    new TenancySettings(TenancyLevel.MULTI_DATABASE, ClientColumnType.NUMBER, "tenancy", "clients",
                            "client_name", "client_pk", "main_db"),
                    List.of(new Relationship("events", "id", "sessions", "event_id", "events_sessions",
                            Cardinality.ONE_TO_MANY, JoinType.INNER))), definition);
        }

        @Test
        void keepsStringsExactlyAsSentIncludingCaseAndSurroundingSpaces() {
            ObjectNode body = minimal();
            body.put("name", "  Sales-Analytics ");
            body.put("datasourceName", "Postgres-MAIN");
            table(body, 0).put("label", " Ünïcödé 😀 \"quoted\" \\ ");
            column(body, 0, 0).put("alias", " Order ID ").put("label", "");
            DatamartDefinition definition = VALIDATOR.validateCreate(body);
            assertEquals("  Sales-Analytics ", definition.name());
            assertEquals("Postgres-MAIN", definition.datasourceName());
            assertEquals(" Ünïcödé 😀 \"quoted\" \\ ", definition.tableList().get(0).label());
            assertEquals(" Order ID ", definition.tableList().get(0).columns().get(0).alias());
            assertEquals("", definition.tableList().get(0).columns().get(0).label(),
                    "an optional text may be empty; it is stored as sent");
        }

        @Test
        void acceptsARelationshipNamingATableThatIsNotInTheTableList() {
            ObjectNode body = documented();
            relationship(body, 0).put("childTableName", "no_such_table").put("parentTableName", "nor_this_one");
            DatamartDefinition definition = VALIDATOR.validateCreate(body);
            assertEquals("no_such_table", definition.relationships().get(0).childTableName());
            assertEquals("nor_this_one", definition.relationships().get(0).parentTableName());
        }

        @Test
        void keepsAnEmptyRelationshipListAsEmptyNotAbsent() {
            ObjectNode body = minimal();
            body.putArray("relationships");
            assertEquals(List.of(), VALIDATOR.validateCreate(body).relationships());
        }

        @Test
        void leavesRelationshipsAndTenancyAbsentWhenNotSent() {
            DatamartDefinition definition = VALIDATOR.validateCreate(minimal());
            assertNull(definition.relationships());
            assertNull(definition.tenancySettings());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: the body and its root fields
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Root {
        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{}]", "\"text\"", "42", "true", "null"})
        void rejectsABodyThatIsNotAJsonObject(String text) throws Exception {
            JsonNode body = io.datamart.api.Json.MAPPER.readTree(text);
            InvalidRequestException rejected =
                    assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateCreate(body));
            assertTrue(rejected.getMessage().contains("JSON object"), rejected::getMessage);
        }

        @Test
        void rejectsAnEmptyObjectNamingEveryMissingRequiredField() {
            List<Violation> violations = createViolations(json("{}"));
            assertEquals(List.of("name", "datasourceName", "tableList"), paths(violations));
            violations.forEach(v -> assertTrue(v.message().contains("required"), v::toString));
        }

        @ParameterizedTest
        @MethodSource("io.datamart.validation.DatamartValidatorTest#missingStrings")
        void treatsAMissingNullEmptyOrBlankNameAsMissing(JsonNode value) {
            ObjectNode body = minimal();
            set(body, "name", value);
            assertCreateRejected(body, "name", "required");
        }

        @ParameterizedTest
        @MethodSource("io.datamart.validation.DatamartValidatorTest#missingStrings")
        void treatsAMissingNullEmptyOrBlankDatasourceNameAsMissing(JsonNode value) {
            ObjectNode body = minimal();
            set(body, "datasourceName", value);
            assertCreateRejected(body, "datasourceName", "required");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\u00a0", "\u2007", "\u202f", " \u00a0 "})
        void treatsANameOfNoBreakSpacesAsMissing(String blank) {
            // Unicode White_Space includes the no-break spaces; the contract says a
            // whitespace-only string counts as missing.
            ObjectNode body = minimal();
            body.put("name", blank);
            assertCreateRejected(body, "name", "required");
        }

        @ParameterizedTest
        @ValueSource(strings = {"name", "datasourceName"})
        void rejectsANumberWhereAStringIsRequired(String field) {
            ObjectNode body = minimal();
            body.put(field, 42);
            assertCreateRejected(body, field, "must be a string", "number");
        }

        @ParameterizedTest
        @ValueSource(strings = {"name", "datasourceName"})
        void rejectsABooleanOrObjectWhereAStringIsRequired(String field) {
            ObjectNode body = minimal();
            body.put(field, true);
            assertCreateRejected(body, field, "must be a string");
            body.putObject(field);
            assertCreateRejected(body, field, "must be a string");
        }

        @Test
        void rejectsAnUnknownRootFieldByNameWithADidYouMean() {
            ObjectNode body = documented();
            body.put("tenancySetings", 1);
            assertCreateRejected(body, "tenancySetings", "not a known field", "did you mean 'tenancySettings'");
        }

        @Test
        void suggestsTheFieldThatDiffersOnlyInCase() {
            ObjectNode body = minimal();
            body.put("DatasourceName", "ds");
            assertCreateRejected(body, "DatasourceName", "not a known field", "did you mean 'datasourceName'");
        }

        @Test
        void rejectsAnUnknownFieldWithoutASuggestionWhenNothingIsClose() {
            ObjectNode body = minimal();
            body.put("colour", "blue");
            Violation violation = only(createViolations(body));
            assertViolation(violation, "colour", "not a known field");
            assertFalse(violation.message().contains("did you mean"), violation::toString);
        }

        @Test
        void quotesAnUnknownFieldNameThatIsNotAnIdentifierInThePath() {
            ObjectNode body = minimal();
            body.put("table list", 1);
            assertCreateRejected(body, "[\"table list\"]", "not a known field");
        }

        @Test
        void rejectsUpdateOnlyFieldsInACreateBody() {
            ObjectNode body = minimal();
            body.put("datamartName", "m");
            assertCreateRejected(body, "datamartName", "not a known field");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: name
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Name {
        @Test
        void acceptsAOneCharacterName() {
            ObjectNode body = minimal();
            body.put("name", "x");
            assertEquals("x", VALIDATOR.validateCreate(body).name());
        }

        @Test
        void accepts255Characters() {
            ObjectNode body = minimal();
            body.put("name", "n".repeat(255));
            assertEquals("n".repeat(255), VALIDATOR.validateCreate(body).name());
        }

        @Test
        void rejects256Characters() {
            ObjectNode body = minimal();
            body.put("name", "n".repeat(256));
            assertCreateRejected(body, "name", "at most 255", "256");
        }

        @Test
        void counts255EmojiAs255CharactersNot510() {
            String emoji = "😀".repeat(255);
            assertEquals(510, emoji.length(), "each emoji is a surrogate pair in Java");
            ObjectNode body = minimal();
            body.put("name", emoji);
            assertEquals(emoji, VALIDATOR.validateCreate(body).name());
        }

        @Test
        void rejects256Emoji() {
            ObjectNode body = minimal();
            body.put("name", "😀".repeat(256));
            assertCreateRejected(body, "name", "at most 255");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a\u0000b", "line\nbreak", "tab\there", "cr\r", "\u0007bell", "esc\u001b[0m",
                "del\u007f", "c1\u0085next", "c1\u009f"})
        void rejectsControlCharacters(String name) {
            ObjectNode body = minimal();
            body.put("name", name);
            assertCreateRejected(body, "name", "control character");
        }

        @Test
        void reportsBothTooLongAndControlCharacters() {
            ObjectNode body = minimal();
            body.put("name", "a\n".repeat(150));
            List<Violation> violations = createViolations(body);
            assertEquals(List.of("name", "name"), paths(violations));
            assertTrue(violations.get(0).message().contains("at most 255"), violations::toString);
            assertTrue(violations.get(1).message().contains("control character"), violations::toString);
        }

        @Test
        void isCaseSensitive() {
            ObjectNode upper = minimal();
            upper.put("name", "Sales");
            ObjectNode lower = minimal();
            lower.put("name", "sales");
            assertEquals("Sales", VALIDATOR.validateCreate(upper).name());
            assertEquals("sales", VALIDATOR.validateCreate(lower).name());
        }

        @Test
        void acceptsUnicodeLettersAndPunctuation() {
            ObjectNode body = minimal();
            body.put("name", "Ventes été 2026 / 売上 — «Q1»");
            assertEquals("Ventes été 2026 / 売上 — «Q1»", VALIDATOR.validateCreate(body).name());
        }

        @Test
        void rejectsAnUnpairedSurrogateEscapedInJson() {
            ObjectNode body = json("""
                    {"name": "bad\\ud800", "datasourceName": "ds", "tableList": [{"name": "t",
                            "columns": [{"name": "c"}]}]}
                    """);
            assertEquals("bad\ud800", body.get("name").textValue(), "the JSON escape yields a lone surrogate");
            assertCreateRejected(body, "name", "Unicode");
        }

        @Test
        void rejectsALoneLowSurrogateAndAReversedPair() {
            ObjectNode low = minimal();
            low.put("name", "\udc00");
            assertCreateRejected(low, "name", "Unicode");
            ObjectNode reversed = minimal();
            reversed.put("name", "\ude00\ud83d");
            assertCreateRejected(reversed, "name", "Unicode");
        }

        @Test
        void acceptsASurrogatePairEscapedInJson() {
            ObjectNode body = json("""
                    {"name": "\\ud83d\\ude00", "datasourceName": "ds", "tableList": [{"name": "t",
                            "columns": [{"name": "c"}]}]}
                    """);
            assertEquals("😀", VALIDATOR.validateCreate(body).name());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: tableList and tables
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Tables {
        @Test
        void requiresTheTableList() {
            ObjectNode body = minimal();
            body.remove("tableList");
            assertCreateRejected(body, "tableList", "required");
            body.putNull("tableList");
            assertCreateRejected(body, "tableList", "required");
        }

        @Test
        void rejectsAnEmptyTableList() {
            ObjectNode body = minimal();
            body.putArray("tableList");
            assertCreateRejected(body, "tableList", "must not be empty");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "\"orders\"", "1", "true"})
        void rejectsATableListThatIsNotAnArray(String value) {
            ObjectNode body = minimal();
            body.set("tableList", json("{\"v\": " + value + "}").get("v"));
            assertCreateRejected(body, "tableList", "must be an array");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"orders\"", "1", "null", "[]"})
        void rejectsATableThatIsNotAnObject(String value) {
            ObjectNode body = documented();
            ((ArrayNode) body.get("tableList")).add(json("{\"v\": " + value + "}").get("v"));
            assertCreateRejected(body, "tableList[1]", "must be an object");
        }

        @ParameterizedTest
        @MethodSource("io.datamart.validation.DatamartValidatorTest#missingStrings")
        void treatsAMissingOrBlankTableNameAsMissing(JsonNode value) {
            ObjectNode body = documented();
            set(table(body, 0), "name", value);
            assertCreateRejected(body, "tableList[0].name", "required");
        }

        @ParameterizedTest
        @ValueSource(strings = {"schemaName", "clientColumn", "label", "indexPattern"})
        void rejectsANumberForAnOptionalTableString(String field) {
            ObjectNode body = documented();
            table(body, 0).put(field, 7);
            assertCreateRejected(body, "tableList[0]." + field, "must be a string", "number");
        }

        @ParameterizedTest
        @ValueSource(strings = {"schemaName", "clientColumn", "label", "indexPattern"})
        void rejectsNullForAnOptionalTableString(String field) {
            ObjectNode body = documented();
            table(body, 0).putNull(field);
            assertCreateRejected(body, "tableList[0]." + field, "must be a string", "null");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"true\"", "\"false\"", "1", "0", "null", "\"yes\"", "[]"})
        void rejectsAnythingButTrueOrFalseForTableIsHide(String value) {
            ObjectNode body = documented();
            table(body, 0).set("isHide", json("{\"v\": " + value + "}").get("v"));
            assertCreateRejected(body, "tableList[0].isHide", "must be true or false");
        }

        @Test
        void saysWhatWasSentInsteadOfABoolean() {
            ObjectNode body = documented();
            table(body, 0).put("isHide", "true");
            assertCreateRejected(body, "tableList[0].isHide", "must be true or false", "'true'");
        }

        @Test
        void rejectsAMissingEmptyOrNonArrayColumns() {
            ObjectNode body = documented();
            table(body, 0).remove("columns");
            assertCreateRejected(body, "tableList[0].columns", "required");
            table(body, 0).putArray("columns");
            assertCreateRejected(body, "tableList[0].columns", "must not be empty");
            table(body, 0).put("columns", "order_id");
            assertCreateRejected(body, "tableList[0].columns", "must be an array");
            table(body, 0).putNull("columns");
            assertCreateRejected(body, "tableList[0].columns", "required");
        }

        @Test
        void rejectsTwoTablesWithTheSameSchemaAndName() {
            ObjectNode body = documented();
            ((ArrayNode) body.get("tableList")).add(json("""
                    {"schemaName": "public", "name": "orders", "columns": [{"name": "other"}]}
                    """));
            assertCreateRejected(body, "tableList[1]", "tableList[0]", "same schemaName and name");
        }

        @Test
        void rejectsTwoTablesWithTheSameNameAndNoSchema() {
            ObjectNode body = json("""
                    {"name": "m", "datasourceName": "ds", "tableList": [
                      {"name": "t", "columns": [{"name": "a"}]},
                      {"name": "u", "columns": [{"name": "a"}]},
                      {"name": "t", "columns": [{"name": "b"}]}]}
                    """);
            assertCreateRejected(body, "tableList[2]", "tableList[0]");
        }

        @Test
        void acceptsTheSameTableNameInDifferentSchemas() {
            ObjectNode body = documented();
            ((ArrayNode) body.get("tableList")).add(json("""
                    {"schemaName": "archive", "name": "orders", "columns": [{"name": "order_id"}]}
                    """));
            List<Table> tables = VALIDATOR.validateCreate(body).tableList();
            assertEquals(2, tables.size());
            assertEquals("archive", tables.get(1).schemaName());
            assertEquals("orders", tables.get(1).name());
        }

        @Test
        void treatsTableNamesDifferingOnlyInCaseAsDifferentTables() {
            ObjectNode body = documented();
            ((ArrayNode) body.get("tableList")).add(json("""
                    {"schemaName": "public", "name": "Orders", "columns": [{"name": "order_id"}]}
                    """));
            assertEquals(List.of("orders", "Orders"),
                    VALIDATOR.validateCreate(body).tableList().stream().map(Table::name).toList());
        }

        @Test
        void reportsDuplicateTablesEvenWhenOneOfThemHasAnInvalidColumn() {
            // "details lists every validation violation": the duplicate is knowable from the
            // two tables' schemaName and name alone, whatever is wrong inside their columns.
            ObjectNode body = json("""
                    {"name": "m", "datasourceName": "ds", "tableList": [
                      {"name": "t", "columns": [{"name": "a"}, {"label": "no name"}]},
                      {"name": "t", "columns": [{"name": "a"}]}]}
                    """);
            List<Violation> violations = createViolations(body);
            assertEquals(List.of("tableList[0].columns[1].name", "tableList[1]"), paths(violations),
                    () -> "got " + violations);
        }

        @Test
        void rejectsAnUnknownTableFieldWithADidYouMean() {
            ObjectNode body = documented();
            table(body, 0).put("isHidden", true);
            assertCreateRejected(body, "tableList[0].isHidden", "not a known field", "did you mean 'isHide'");
        }

        @Test
        void quotesAnOddUnknownTableFieldInThePath() {
            ObjectNode body = documented();
            table(body, 0).put("is hide", true);
            assertCreateRejected(body, "tableList[0][\"is hide\"]", "not a known field");
        }

        @ParameterizedTest
        @ValueSource(strings = {"orders", "logs-*", "logs-2026.*", "*", "metrics_*_daily"})
        void acceptsAnOpenSearchWildcardIndexPattern(String pattern) {
            ObjectNode body = documented();
            table(body, 0).put("indexPattern", pattern);
            assertEquals(pattern, VALIDATOR.validateCreate(body).tableList().get(0).indexPattern());
        }

        @Test
        void refusesADashPlusOrUnderscoreOnlyAtTheStartOfAnIndexPattern() {
            for (String pattern : List.of("-logs", "-", "+logs", "_logs")) {
                ObjectNode body = documented();
                table(body, 0).put("indexPattern", pattern);
                assertCreateRejected(body, "tableList[0].indexPattern", "not starting with -, _ or +");
            }
            for (String pattern : List.of("l-ogs", "logs-", "l+ogs", "l_ogs")) {
                ObjectNode body = documented();
                table(body, 0).put("indexPattern", pattern);
                assertEquals(pattern, VALIDATOR.validateCreate(body).tableList().get(0).indexPattern());
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "logs *", "logs/2026", "Logs-*", "_internal", "a|b", "a#b"})
        void rejectsAStringThatCannotBeAnOpenSearchIndexPattern(String pattern) {
            ObjectNode body = documented();
            table(body, 0).put("indexPattern", pattern);
            assertCreateRejected(body, "tableList[0].indexPattern", "index pattern");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: columns
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Columns {
        @Test
        void rejectsAStringWhereBooleanIsRequiredAtTheExactColumnPath() {
            ObjectNode body = documented();
            column(body, 0, 1).put("isHide", "true");
            assertCreateRejected(body, "tableList[0].columns[1].isHide", "must be true or false");
        }

        @ParameterizedTest
        @ValueSource(strings = {"isHide", "isCustomColumn", "isAggregate", "isApplyTimezone"})
        void rejectsTheStringTrueForEveryColumnBoolean(String field) {
            ObjectNode body = documented();
            column(body, 0, 2).put(field, "true");
            assertCreateRejected(body, "tableList[0].columns[2]." + field, "must be true or false");
        }

        @ParameterizedTest
        @ValueSource(strings = {"isHide", "isCustomColumn", "isAggregate", "isApplyTimezone"})
        void rejectsANumberOrNullForEveryColumnBoolean(String field) {
            ObjectNode body = documented();
            column(body, 0, 0).put(field, 1);
            assertCreateRejected(body, "tableList[0].columns[0]." + field, "must be true or false");
            column(body, 0, 0).putNull(field);
            assertCreateRejected(body, "tableList[0].columns[0]." + field, "must be true or false");
        }

        @ParameterizedTest
        @ValueSource(strings = {"isHide", "isAggregate", "isApplyTimezone"})
        void keepsEachColumnBooleanAsSent(String field) {
            for (boolean value : new boolean[] {true, false}) {
                ObjectNode body = minimal();
                column(body, 0, 0).put(field, value);
                Column column = VALIDATOR.validateCreate(body).tableList().get(0).columns().get(0);
                Boolean read = switch (field) {
                    case "isHide" -> column.isHide();
                    case "isAggregate" -> column.isAggregate();
                    default -> column.isApplyTimezone();
                };
                assertEquals(value, read, field);
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"alias", "label"})
        void rejectsANumberForAnOptionalColumnString(String field) {
            ObjectNode body = documented();
            column(body, 0, 1).put(field, 3);
            assertCreateRejected(body, "tableList[0].columns[1]." + field, "must be a string", "number");
        }

        @ParameterizedTest
        @MethodSource("io.datamart.validation.DatamartValidatorTest#missingStrings")
        void treatsAMissingOrBlankColumnNameAsMissing(JsonNode value) {
            ObjectNode body = documented();
            set(column(body, 0, 1), "name", value);
            assertCreateRejected(body, "tableList[0].columns[1].name", "required");
        }

        @Test
        void rejectsAColumnThatIsNotAnObject() {
            ObjectNode body = documented();
            ((ArrayNode) table(body, 0).get("columns")).insert(1, "order_total");
            assertCreateRejected(body, "tableList[0].columns[1]", "must be an object");
        }

        @Test
        void rejectsTwoColumnsWithTheSameName() {
            ObjectNode body = documented();
            column(body, 0, 2).put("name", "order_id");
            assertCreateRejected(body, "tableList[0].columns[2].name", "tableList[0].columns[0]", "same name");
        }

        @Test
        void acceptsTheSameColumnNameInTwoTables() {
            ObjectNode body = json("""
                    {"name": "m", "datasourceName": "ds", "tableList": [
                      {"name": "a", "columns": [{"name": "id"}]},
                      {"name": "b", "columns": [{"name": "id"}]}]}
                    """);
            assertEquals(2, VALIDATOR.validateCreate(body).tableList().size());
        }

        @Test
        void treatsColumnNamesDifferingOnlyInCaseAsDifferentColumns() {
            ObjectNode body = json("""
                    {"name": "m", "datasourceName": "ds", "tableList": [
                      {"name": "a", "columns": [{"name": "id"}, {"name": "ID"}]}]}
                    """);
            assertEquals(2, VALIDATOR.validateCreate(body).tableList().get(0).columns().size());
        }

        @Test
        void rejectsAnUnknownColumnFieldWithADidYouMean() {
            ObjectNode body = documented();
            column(body, 0, 1).put("isHidden", false);
            assertCreateRejected(body, "tableList[0].columns[1].isHidden", "not a known field",
                    "did you mean 'isHide'");
        }

        @Test
        void acceptsACustomColumnWithSql() {
            ObjectNode body = minimal();
            column(body, 0, 0).put("isCustomColumn", true).put("sql", "price * quantity");
            Column column = VALIDATOR.validateCreate(body).tableList().get(0).columns().get(0);
            assertEquals(true, column.isCustomColumn());
            assertEquals("price * quantity", column.sql());
        }

        @ParameterizedTest
        @MethodSource("io.datamart.validation.DatamartValidatorTest#missingStrings")
        void requiresNonBlankSqlOnACustomColumn(JsonNode sql) {
            ObjectNode body = minimal();
            column(body, 0, 0).put("isCustomColumn", true);
            set(column(body, 0, 0), "sql", sql);
            assertCreateRejected(body, "tableList[0].columns[0].sql", "required");
        }

        @Test
        void rejectsNonStringSqlOnACustomColumn() {
            ObjectNode body = minimal();
            column(body, 0, 0).put("isCustomColumn", true).put("sql", 1);
            assertCreateRejected(body, "tableList[0].columns[0].sql", "must be a string");
        }

        @Test
        void rejectsSqlWhenIsCustomColumnIsFalse() {
            ObjectNode body = minimal();
            column(body, 0, 0).put("isCustomColumn", false).put("sql", "1 + 1");
            assertCreateRejected(body, "tableList[0].columns[0].sql", "custom column");
        }

        @Test
        void rejectsSqlWhenIsCustomColumnIsAbsent() {
            ObjectNode body = minimal();
            column(body, 0, 0).put("sql", "1 + 1");
            assertCreateRejected(body, "tableList[0].columns[0].sql", "custom column");
        }

        @Test
        void acceptsANonCustomColumnWithoutSql() {
            ObjectNode body = minimal();
            column(body, 0, 0).put("isCustomColumn", false);
            Column column = VALIDATOR.validateCreate(body).tableList().get(0).columns().get(0);
            assertEquals(false, column.isCustomColumn());
            assertNull(column.sql());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: tenancySettings
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Tenancy {
        @ParameterizedTest
        @ValueSource(strings = {"null", "\"TABLE\"", "[]", "1"})
        void rejectsTenancySettingsThatAreNotAnObject(String value) {
            ObjectNode body = minimal();
            body.set("tenancySettings", json("{\"v\": " + value + "}").get("v"));
            assertCreateRejected(body, "tenancySettings", "must be an object");
        }

        @Test
        void requiresTheTenancyLevelOnCreate() {
            ObjectNode body = minimal();
            body.putObject("tenancySettings").put("primaryDatabase", "db");
            assertCreateRejected(body, "tenancySettings.tenancyLevel", "required", "TABLE", "DATABASE",
                    "MULTI_DATABASE");
            tenancy(body).putNull("tenancyLevel");
            assertCreateRejected(body, "tenancySettings.tenancyLevel", "required");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"table\"", "\"Table\"", "\"database\"", "\"multi_database\"", "\"SCHEMA\"",
                "\"\"", "\" TABLE\"", "\"MULTI-DATABASE\"", "1", "true", "[\"TABLE\"]"})
        void rejectsATenancyLevelOutsideTheEnumCaseSensitively(String value) {
            ObjectNode body = documented();
            tenancy(body).set("tenancyLevel", json("{\"v\": " + value + "}").get("v"));
            assertCreateRejected(body, "tenancySettings.tenancyLevel",
                    "must be one of TABLE, DATABASE, MULTI_DATABASE");
        }

        @Test
        void requiresClientColumnTypeForTableTenancy() {
            ObjectNode body = documented();
            tenancy(body).remove("clientColumnType");
            assertCreateRejected(body, "tenancySettings.clientColumnType", "required", "NUMBER", "STRING");
            tenancy(body).putNull("clientColumnType");
            assertCreateRejected(body, "tenancySettings.clientColumnType", "required");
        }

        @ParameterizedTest
        @ValueSource(strings = {"NUMBER", "STRING"})
        void acceptsEachClientColumnType(String type) {
            ObjectNode body = documented();
            tenancy(body).put("clientColumnType", type);
            assertEquals(ClientColumnType.valueOf(type),
                    VALIDATOR.validateCreate(body).tenancySettings().clientColumnType());
        }

        @ParameterizedTest
        @ValueSource(strings = {"number", "String", "INTEGER", "TEXT", ""})
        void rejectsAClientColumnTypeOutsideTheEnum(String type) {
            ObjectNode body = documented();
            tenancy(body).put("clientColumnType", type);
            assertCreateRejected(body, "tenancySettings.clientColumnType", "must be one of NUMBER, STRING");
        }

        static Stream<Arguments> tableTenancyStringsWithMissingValues() {
            return Stream.of("schemaName", "tableName", "tableClientNameColumn", "tablePrimaryKeyColumn")
                    .flatMap(field -> missingStrings().map(value -> Arguments.of(field, value)));
        }

        @ParameterizedTest
        @MethodSource("tableTenancyStringsWithMissingValues")
        void requiresTheFourTableStringsForTableTenancy(String field, JsonNode value) {
            ObjectNode body = documented();
            set(tenancy(body), field, value);
            assertCreateRejected(body, "tenancySettings." + field, "required");
        }

        @Test
        void reportsEveryMissingTableTenancyFieldAtOnce() {
            ObjectNode body = minimal();
            body.putObject("tenancySettings").put("tenancyLevel", "TABLE");
            assertEquals(List.of("tenancySettings.clientColumnType", "tenancySettings.schemaName",
                    "tenancySettings.tableName", "tenancySettings.tableClientNameColumn",
                    "tenancySettings.tablePrimaryKeyColumn"), paths(createViolations(body)));
        }

        @Test
        void storesPrimaryDatabaseAsNullForTableTenancyEvenWhenSent() {
            ObjectNode body = documented();
            tenancy(body).put("primaryDatabase", "main_db");
            TenancySettings tenancy = VALIDATOR.validateCreate(body).tenancySettings();
            assertEquals(TenancyLevel.TABLE, tenancy.tenancyLevel());
            assertNull(tenancy.primaryDatabase());
        }

        @ParameterizedTest
        @EnumSource(value = TenancyLevel.class, names = {"DATABASE", "MULTI_DATABASE"})
        void keepsPrimaryDatabaseForDatabaseTenancies(TenancyLevel level) {
            ObjectNode body = minimal();
            body.putObject("tenancySettings").put("tenancyLevel", level.name()).put("primaryDatabase", "main_db");
            TenancySettings tenancy = VALIDATOR.validateCreate(body).tenancySettings();
            assertEquals(level, tenancy.tenancyLevel());
            assertEquals("main_db", tenancy.primaryDatabase());
        }

        @ParameterizedTest
        @EnumSource(value = TenancyLevel.class, names = {"DATABASE", "MULTI_DATABASE"})
        void acceptsANullOrAbsentPrimaryDatabaseForDatabaseTenancies(TenancyLevel level) {
            ObjectNode body = minimal();
            body.putObject("tenancySettings").put("tenancyLevel", level.name()).putNull("primaryDatabase");
            assertNull(VALIDATOR.validateCreate(body).tenancySettings().primaryDatabase());
            tenancy(body).remove("primaryDatabase");
            assertEquals(new TenancySettings(level, null, null, null, null, null, null),
                    VALIDATOR.validateCreate(body).tenancySettings());
        }

        @Test
        void doesNotRequireTheTableFieldsForDatabaseTenancy() {
            ObjectNode body = minimal();
            body.putObject("tenancySettings").put("tenancyLevel", "DATABASE");
            assertEquals(TenancyLevel.DATABASE, VALIDATOR.validateCreate(body).tenancySettings().tenancyLevel());
        }

        @Test
        void refusesANullClientColumnTypeEvenWhereItIsOptional() {
            // Only primaryDatabase, cardinality and join take null; elsewhere an optional field is left out.
            ObjectNode body = minimal();
            body.putObject("tenancySettings").put("tenancyLevel", "DATABASE").putNull("clientColumnType");
            assertCreateRejected(body, "tenancySettings.clientColumnType", "must be one of NUMBER, STRING, not null");
        }

        @Test
        void rejectsANonStringPrimaryDatabase() {
            ObjectNode body = minimal();
            body.putObject("tenancySettings").put("tenancyLevel", "DATABASE").put("primaryDatabase", 5);
            assertCreateRejected(body, "tenancySettings.primaryDatabase", "must be a string");
        }

        @Test
        void rejectsAnUnknownTenancyFieldWithADidYouMean() {
            ObjectNode body = documented();
            tenancy(body).put("tenancyLvl", "TABLE");
            assertCreateRejected(body, "tenancySettings.tenancyLvl", "not a known field",
                    "did you mean 'tenancyLevel'");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: relationships
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Relationships {
        static final List<String> REQUIRED =
                List.of("parentTableName", "parentColumnName", "childTableName", "childColumnName", "relationshipName");

        static Stream<Arguments> requiredRelationshipStringsWithMissingValues() {
            return REQUIRED.stream().flatMap(field -> missingStrings().map(value -> Arguments.of(field, value)));
        }

        @ParameterizedTest
        @MethodSource("requiredRelationshipStringsWithMissingValues")
        void requiresEachOfTheFiveStrings(String field, JsonNode value) {
            ObjectNode body = documented();
            set(relationship(body, 0), field, value);
            assertCreateRejected(body, "relationships[0]." + field, "required");
        }

        @ParameterizedTest
        @ValueSource(strings = {"parentTableName", "parentColumnName", "childTableName", "childColumnName",
                "relationshipName"})
        void rejectsANumberForARelationshipString(String field) {
            ObjectNode body = documented();
            relationship(body, 0).put(field, 1);
            assertCreateRejected(body, "relationships[0]." + field, "must be a string");
        }

        @Test
        void reportsEveryMissingStringOfAnEmptyRelationship() {
            ObjectNode body = documented();
            ((ArrayNode) body.get("relationships")).addObject();
            assertEquals(REQUIRED.stream().map(f -> "relationships[1]." + f).toList(), paths(createViolations(body)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "null", "\"orders\""})
        void rejectsRelationshipsThatAreNotAnArray(String value) {
            ObjectNode body = documented();
            body.set("relationships", json("{\"v\": " + value + "}").get("v"));
            assertCreateRejected(body, "relationships", "must be an array");
        }

        @Test
        void rejectsARelationshipThatIsNotAnObject() {
            ObjectNode body = documented();
            ((ArrayNode) body.get("relationships")).add("orders_to_customers");
            assertCreateRejected(body, "relationships[1]", "must be an object");
        }

        @ParameterizedTest
        @EnumSource(Cardinality.class)
        void acceptsEachDocumentedCardinality(Cardinality cardinality) {
            ObjectNode body = documented();
            relationship(body, 0).put("cardinality", cardinality.wire());
            assertEquals(cardinality, VALIDATOR.validateCreate(body).relationships().get(0).cardinality());
        }

        @ParameterizedTest
        @EnumSource(JoinType.class)
        void acceptsEachDocumentedJoin(JoinType join) {
            ObjectNode body = documented();
            relationship(body, 0).put("join", join.wire());
            assertEquals(join, VALIDATOR.validateCreate(body).relationships().get(0).join());
        }

        @Test
        void documentsTheWireValuesOfTheEnums() {
            assertEquals(List.of("ManyToMany", "ManyToOne", "OneToMany", "OneToOne"),
                    Arrays.stream(Cardinality.values()).map(Cardinality::wire).toList());
            assertEquals(List.of("INNER JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"),
                    Arrays.stream(JoinType.values()).map(JoinType::wire).toList());
        }

        @ParameterizedTest
        @ValueSource(strings = {"cardinality", "join"})
        void acceptsANullOrOmittedCardinalityAndJoin(String field) {
            ObjectNode body = documented();
            relationship(body, 0).putNull(field);
            Relationship withNull = VALIDATOR.validateCreate(body).relationships().get(0);
            relationship(body, 0).remove(field);
            Relationship omitted = VALIDATOR.validateCreate(body).relationships().get(0);
            assertEquals(withNull, omitted);
            assertNull("cardinality".equals(field) ? omitted.cardinality() : omitted.join());
        }

        @ParameterizedTest
        @ValueSource(strings = {"manyToOne", "MANY_TO_ONE", "manytoone", "ManyToOne ", "one-to-one", "", "1:n"})
        void rejectsACardinalityOutsideTheEnum(String value) {
            ObjectNode body = documented();
            relationship(body, 0).put("cardinality", value);
            assertCreateRejected(body, "relationships[0].cardinality",
                    "must be one of ManyToMany, ManyToOne, OneToMany, OneToOne");
        }

        @ParameterizedTest
        @ValueSource(strings = {"LEFT", "left join", "Left Join", "OUTER JOIN", "LEFT  JOIN", "LEFT_JOIN", ""})
        void rejectsAJoinOutsideTheEnum(String value) {
            ObjectNode body = documented();
            relationship(body, 0).put("join", value);
            assertCreateRejected(body, "relationships[0].join",
                    "must be one of INNER JOIN, LEFT JOIN, RIGHT JOIN, FULL JOIN");
        }

        @Test
        void rejectsANumberForCardinality() {
            ObjectNode body = documented();
            relationship(body, 0).put("cardinality", 1);
            assertCreateRejected(body, "relationships[0].cardinality", "must be one of", "number");
        }

        @Test
        void rejectsAnUnknownRelationshipFieldWithADidYouMean() {
            ObjectNode body = documented();
            relationship(body, 0).put("cardinalty", "ManyToOne");
            assertCreateRejected(body, "relationships[0].cardinalty", "not a known field",
                    "did you mean 'cardinality'");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: unknown fields at every level, all violations at once, unicode everywhere
    // ---------------------------------------------------------------------------------------------

    @Nested
    class EveryLevel {
        static Stream<Arguments> typosAtEveryLevel() {
            return Stream.of(
                    Arguments.of("root", (Consumer<ObjectNode>) b -> b.put("relationship", 1),
                            "relationship", "relationships"),
                    Arguments.of("table", (Consumer<ObjectNode>) b -> table(b, 0).put("isHidden", true),
                            "tableList[0].isHidden", "isHide"),
                    Arguments.of("column", (Consumer<ObjectNode>) b -> column(b, 0, 1).put("isHidden", true),
                            "tableList[0].columns[1].isHidden", "isHide"),
                    Arguments.of("tenancySettings",
                            (Consumer<ObjectNode>) b -> tenancy(b).put("primaryDatabse", "db"),
                            "tenancySettings.primaryDatabse", "primaryDatabase"),
                    Arguments.of("relationship", (Consumer<ObjectNode>) b -> relationship(b, 0).put("joins",
                            "LEFT JOIN"),
                            "relationships[0].joins", "join"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("typosAtEveryLevel")
        void rejectsAnUnknownFieldByNameWithASuggestion(String level, Consumer<ObjectNode> typo, String path,
                String suggestion) {
            ObjectNode body = documentedWith(typo);
            assertCreateRejected(body, path, "not a known field", "did you mean '" + suggestion + "'");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("typosAtEveryLevel")
        void rejectsTheSameUnknownFieldInAnUpdate(String level, Consumer<ObjectNode> typo, String path,
                String suggestion) {
            ObjectNode body = documentedWith(typo);
            body.remove("name");
            body.remove("datasourceName");
            body.put("datamartName", "sales-analytics");
            assertUpdateRejected(body, path, "not a known field", "did you mean '" + suggestion + "'");
        }

        @Test
        void reportsFiveDistinctProblemsAsFiveViolations() {
            ObjectNode body = documented();
            body.put("name", "");                                       // 1. blank required string
            body.put("datasourceName", 12);                             // 2. number for a string
            table(body, 0).put("isHide", "false");                      // 3. string for a boolean
            column(body, 0, 2).put("isHidden", true);                   // 4. unknown field
            relationship(body, 0).put("join", "OUTER JOIN");            // 5. not in the enum
            InvalidRequestException rejected =
                    assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateCreate(body));
            assertEquals(List.of("name", "datasourceName", "tableList[0].isHide", "tableList[0].columns[2].isHidden",
                    "relationships[0].join"), paths(rejected.violations()));
            assertTrue(rejected.getMessage().contains("5 problems"), rejected::getMessage);
        }

        @Test
        void reportsProblemsInEveryTableAndColumnNotJustTheFirst() {
            ObjectNode body = json("""
                    {"name": "m", "datasourceName": "ds", "tableList": [
                      {"name": "a", "isHide": "no", "columns": [{"name": "x", "isHide": 0}, {"name": "y",
                              "isAggregate": "yes"}]},
                      {"name": "b", "columns": [{"name": "z", "isApplyTimezone": "true"}]}]}
                    """);
            assertEquals(List.of("tableList[0].isHide", "tableList[0].columns[0].isHide",
                    "tableList[0].columns[1].isAggregate", "tableList[1].columns[0].isApplyTimezone"),
                    paths(createViolations(body)));
        }

        static Stream<Arguments> unpairedSurrogatesAnywhere() {
            return Stream.of(
                    Arguments.of((Consumer<ObjectNode>) b -> b.put("datasourceName", "pg\ud800"), "datasourceName"),
                    Arguments.of((Consumer<ObjectNode>) b -> table(b, 0).put("label", "\udfff"), "tableList[0].label"),
                    Arguments.of((Consumer<ObjectNode>) b -> column(b, 0, 0).put("alias", "a\ud800b"),
                            "tableList[0].columns[0].alias"),
                    Arguments.of((Consumer<ObjectNode>) b -> tenancy(b).put("tableName", "\ud800"),
                            "tenancySettings.tableName"),
                    Arguments.of((Consumer<ObjectNode>) b -> relationship(b, 0).put("relationshipName", "\udc00"),
                            "relationships[0].relationshipName"));
        }

        @ParameterizedTest
        @MethodSource("unpairedSurrogatesAnywhere")
        void rejectsAnUnpairedSurrogateInAnyString(Consumer<ObjectNode> change, String path) {
            assertCreateRejected(documentedWith(change), path, "Unicode");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Create: every name that reaches SQL, one grammar; labels
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Identifiers {
        private static Arguments field(String path, BiConsumer<ObjectNode, String> set) {
            return Arguments.of(path, set);
        }

        /** Every name that reaches SQL as an identifier: its JSON path, and how to set it on the documented body. */
        static Stream<Arguments> identifierFields() {
            return Stream.of(
                    field("tableList[0].name", (b, v) -> table(b, 0).put("name", v)),
                    field("tableList[0].schemaName", (b, v) -> table(b, 0).put("schemaName", v)),
                    field("tableList[0].clientColumn", (b, v) -> table(b, 0).put("clientColumn", v)),
                    field("tableList[0].columns[0].name", (b, v) -> column(b, 0, 0).put("name", v)),
                    field("tableList[0].columns[0].alias", (b, v) -> column(b, 0, 0).put("alias", v)),
                    field("tenancySettings.schemaName", (b, v) -> tenancy(b).put("schemaName", v)),
                    field("tenancySettings.tableName", (b, v) -> tenancy(b).put("tableName", v)),
                    field("tenancySettings.tableClientNameColumn",
                            (b, v) -> tenancy(b).put("tableClientNameColumn", v)),
                    field("tenancySettings.tablePrimaryKeyColumn",
                            (b, v) -> tenancy(b).put("tablePrimaryKeyColumn", v)),
                    field("tenancySettings.primaryDatabase",
                            (b, v) -> tenancy(b).put("tenancyLevel", "DATABASE").put("primaryDatabase", v)),
                    field("relationships[0].parentTableName", (b, v) -> relationship(b, 0).put("parentTableName", v)),
                    field("relationships[0].parentColumnName", (b, v) -> relationship(b, 0).put("parentColumnName", v)),
                    field("relationships[0].childTableName", (b, v) -> relationship(b, 0).put("childTableName", v)),
                    field("relationships[0].childColumnName", (b, v) -> relationship(b, 0).put("childColumnName", v)),
                    field("relationships[0].relationshipName",
                            (b, v) -> relationship(b, 0).put("relationshipName", v)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("identifierFields")
        void acceptsAnyNameADatabaseTakesUpTo128Characters(String path, BiConsumer<ObjectNode, String> set) {
            for (String name : List.of("Total Amount", "Ünïcödé 名前 😀", "a-b.c\"d'e", "x".repeat(128),
                    "😀".repeat(128))) {
                ObjectNode body = documented();
                set.accept(body, name);
                VALIDATOR.validateCreate(body);
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("identifierFields")
        void refusesANameNoDatabaseTakes(String path, BiConsumer<ObjectNode, String> set) {
            Map<String, String> refused = Map.of(
                    "x".repeat(129), "at most 128 characters, not 129",
                    "😀".repeat(129), "at most 128 characters, not 129",
                    "order\u0000id", "control characters",
                    "order\nid", "control characters",
                    "\u001B[31m", "control characters");
            refused.forEach((name, reason) -> {
                ObjectNode body = documented();
                set.accept(body, name);
                assertCreateRejected(body, path, reason);
            });
        }

        @Test
        void refusesAnEmptyOptionalName() {
            assertCreateRejected(documentedWith(b -> column(b, 0, 0).put("alias", "")),
                    "tableList[0].columns[0].alias", "must not be empty or blank");
            assertCreateRejected(documentedWith(b -> table(b, 0).put("schemaName", "  ")),
                    "tableList[0].schemaName", "must not be empty or blank");
        }

        @Test
        void refusesControlCharactersInLabelsButNothingElse() {
            assertCreateRejected(documentedWith(b -> table(b, 0).put("label", "Orders\n")),
                    "tableList[0].label", "control characters");
            assertCreateRejected(documentedWith(b -> column(b, 0, 0).put("label", "\u0007Order")),
                    "tableList[0].columns[0].label", "control characters");
            VALIDATOR.validateCreate(documentedWith(b -> column(b, 0, 0).put("label",
                    " Ünïcödé 😀 \"q\" " + "x".repeat(500))));
        }

        @Test
        void appliesToUpdatesToo() {
            assertUpdateRejected(json("""
                    {"datamartName": "m", "relationships": [{"parentTableName": "a\\u0000", "parentColumnName": "b",
                      "childTableName": "c", "childColumnName": "d", "relationshipName": "r"}]}"""),
                    "relationships[0].parentTableName", "control characters");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Update
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Update {
        @Test
        void acceptsAnUpdateOfOnlyTheTableList() {
            ObjectNode body = json("""
                    {"datamartName": "sales-analytics", "tableList": [{"name": "t", "columns": [{"name": "c"}]}]}
                    """);
            DatamartUpdate update = VALIDATOR.validateUpdate(body);
            assertEquals(new DatamartUpdate("sales-analytics", List.of(new Table("t", null, null, null, null, null,
                    List.of(new Column("c", null, null, null, null, null, null, null)))), null, null), update);
        }

        @Test
        void acceptsAnUpdateOfOnlyTheTenancySettings() {
            ObjectNode body = json("""
                    {"datamartName": "m", "tenancySettings": {"tenancyLevel": "DATABASE", "primaryDatabase": "db2"}}
                    """);
            DatamartUpdate update = VALIDATOR.validateUpdate(body);
            assertNull(update.tableList());
            assertNull(update.relationships());
            assertEquals(new TenancySettings(TenancyLevel.DATABASE, null, null, null, null, null, "db2"),
                    update.tenancySettings());
        }

        @Test
        void acceptsAnUpdateOfOnlyTheRelationships() {
            ObjectNode body = documented();
            body.remove(List.of("name", "datasourceName", "tableList", "tenancySettings"));
            body.put("datamartName", "m");
            DatamartUpdate update = VALIDATOR.validateUpdate(body);
            assertEquals(documentedDefinition().relationships(), update.relationships());
            assertNull(update.tableList());
            assertNull(update.tenancySettings());
        }

        @Test
        void acceptsAllThreePartsAtOnce() {
            ObjectNode body = documented();
            body.remove(List.of("name", "datasourceName"));
            body.put("datamartName", "sales-analytics");
            DatamartUpdate update = VALIDATOR.validateUpdate(body);
            DatamartDefinition expected = documentedDefinition();
            assertEquals(new DatamartUpdate("sales-analytics", expected.tableList(), expected.tenancySettings(),
                    expected.relationships()), update);
        }

        @ParameterizedTest
        @MethodSource("io.datamart.validation.DatamartValidatorTest#missingStrings")
        void requiresTheDatamartName(JsonNode value) {
            ObjectNode body = json("""
                    {"relationships": []}
                    """);
            set(body, "datamartName", value);
            assertUpdateRejected(body, "datamartName", "required");
        }

        @Test
        void rejectsANumberForTheDatamartName() {
            assertUpdateRejected(json("{\"datamartName\": 1, \"relationships\": []}"), "datamartName",
                    "must be a string");
        }

        @Test
        void requiresAtLeastOnePartToReplace() {
            Violation violation = only(updateViolations(json("{\"datamartName\": \"m\"}")));
            assertViolation(violation, "", "at least one of", "tableList", "tenancySettings", "relationships");
        }

        @Test
        void rejectsANameSayingRenamingIsDeleteAndCreate() {
            ObjectNode body = json("{\"datamartName\": \"m\", \"name\": \"m2\", \"relationships\": []}");
            assertUpdateRejected(body, "name", "renamed", "deleting", "creating");
        }

        @Test
        void rejectsTheNameEvenWhenItIsTheSameName() {
            ObjectNode body = json("{\"datamartName\": \"m\", \"name\": \"m\", \"relationships\": []}");
            assertUpdateRejected(body, "name", "renamed");
        }

        @Test
        void rejectsADatasourceNameSayingItTakesADeleteAndACreate() {
            ObjectNode body = json("{\"datamartName\": \"m\", \"datasourceName\": \"other\", \"relationships\": []}");
            assertUpdateRejected(body, "datasourceName", "cannot be changed", "delete", "create");
        }

        @Test
        void acceptsTenancySettingsWithoutALevelAndClearsThePrimaryDatabase() {
            ObjectNode body = json("""
                    {"datamartName": "m", "tenancySettings": {"primaryDatabase": "db", "schemaName": "s"}}
                    """);
            TenancySettings tenancy = VALIDATOR.validateUpdate(body).tenancySettings();
            assertNotNull(tenancy, "sent settings replace the stored ones");
            assertNull(tenancy.tenancyLevel());
            assertNull(tenancy.primaryDatabase());
            assertEquals("s", tenancy.schemaName());
        }

        @Test
        void acceptsEmptyTenancySettings() {
            ObjectNode body = json("{\"datamartName\": \"m\", \"tenancySettings\": {}}");
            assertEquals(new TenancySettings(null, null, null, null, null, null, null),
                    VALIDATOR.validateUpdate(body).tenancySettings());
        }

        @Test
        void clearsThePrimaryDatabaseOfTableTenancyInAnUpdate() {
            ObjectNode body = documented();
            body.remove(List.of("name", "datasourceName", "tableList", "relationships"));
            body.put("datamartName", "m");
            tenancy(body).put("primaryDatabase", "db");
            assertNull(VALIDATOR.validateUpdate(body).tenancySettings().primaryDatabase());
        }

        @ParameterizedTest
        @EnumSource(value = TenancyLevel.class, names = {"DATABASE", "MULTI_DATABASE"})
        void keepsThePrimaryDatabaseOfDatabaseTenanciesInAnUpdate(TenancyLevel level) {
            ObjectNode body = json("{\"datamartName\": \"m\"}");
            body.putObject("tenancySettings").put("tenancyLevel", level.name()).put("primaryDatabase", "db");
            assertEquals("db", VALIDATOR.validateUpdate(body).tenancySettings().primaryDatabase());
        }

        @Test
        void appliesTheTableTenancyRulesInAnUpdate() {
            ObjectNode body = json("{\"datamartName\": \"m\", \"tenancySettings\": {\"tenancyLevel\": \"TABLE\"}}");
            assertEquals(List.of("tenancySettings.clientColumnType", "tenancySettings.schemaName",
                    "tenancySettings.tableName", "tenancySettings.tableClientNameColumn",
                    "tenancySettings.tablePrimaryKeyColumn"), paths(updateViolations(body)));
        }

        @Test
        void rejectsALowerCaseTenancyLevelInAnUpdate() {
            ObjectNode body = json("{\"datamartName\": \"m\", \"tenancySettings\": {\"tenancyLevel\": \"table\"}}");
            assertUpdateRejected(body, "tenancySettings.tenancyLevel", "must be one of");
        }

        @Test
        void acceptsAnEmptyRelationshipListAsEmptyNotAbsent() {
            DatamartUpdate update = VALIDATOR.validateUpdate(json("{\"datamartName\": \"m\", \"relationships\": []}"));
            assertNotNull(update.relationships(), "[] clears the relationships, unlike an omitted list");
            assertEquals(List.of(), update.relationships());
        }

        @Test
        void rejectsAnEmptyTableList() {
            assertUpdateRejected(json("{\"datamartName\": \"m\", \"tableList\": []}"), "tableList",
                    "must not be empty");
        }

        @Test
        void rejectsANullTableListOrRelationships() {
            assertUpdateRejected(json("{\"datamartName\": \"m\", \"tableList\": null}"), "tableList", "required");
            assertUpdateRejected(json("{\"datamartName\": \"m\", \"relationships\": null}"), "relationships",
                    "must be an array");
        }

        @Test
        void appliesTheCreateRulesToTheTableListOfAnUpdate() {
            ObjectNode body = documented();
            body.remove(List.of("name", "datasourceName"));
            body.put("datamartName", "m");
            column(body, 0, 1).put("isHide", "true");
            ((ArrayNode) body.get("tableList")).add(table(body, 0).deepCopy());
            List<Violation> violations = updateViolations(body);
            assertEquals(List.of("tableList[0].columns[1].isHide", "tableList[1].columns[1].isHide", "tableList[1]"),
                    paths(violations));
        }

        @Test
        void rejectsAnUpdateBodyThatIsNotAnObject() {
            InvalidRequestException rejected = assertThrows(InvalidRequestException.class,
                    () -> VALIDATOR.validateUpdate(NODES.arrayNode()));
            assertTrue(rejected.getMessage().contains("JSON object"), rejected::getMessage);
        }

        @Test
        void suggestsDatamartNameForATypo() {
            ObjectNode body = json("{\"datamartname\": \"m\", \"datamartName\": \"m\", \"relationships\": []}");
            assertUpdateRejected(body, "datamartname", "not a known field", "did you mean 'datamartName'");
        }

        @Test
        void reportsEveryProblemOfAnUpdateAtOnce() {
            ObjectNode body = json("""
                    {"name": "x", "datasourceName": "y", "tableList": [], "relationships": [{}], "extra": 1}
                    """);
            List<String> paths = paths(updateViolations(body));
            assertTrue(paths.containsAll(List.of("extra", "datamartName", "name", "datasourceName", "tableList",
                    "relationships[0].relationshipName")), () -> "got " + paths);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Legacy delete body and delete query
    // ---------------------------------------------------------------------------------------------

    @Nested
    class Delete {
        @Test
        void returnsTheDatamartNameOfTheLegacyBodyAsSent() {
            assertEquals("sales-analytics",
                    VALIDATOR.validateDeleteBody(json("{\"datamartName\": \"sales-analytics\"}")));
            assertEquals(" Padded ", VALIDATOR.validateDeleteBody(json("{\"datamartName\": \" Padded \"}")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "{\"datamartName\": null}", "{\"datamartName\": \"\"}",
                "{\"datamartName\": \"   \"}", "{\"datamartName\": \"\\t\\n\"}"})
        void saysExactlyDatamartNameIsRequiredForAMissingBodyName(String body) {
            InvalidRequestException rejected =
                    assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateDeleteBody(json(body)));
            assertEquals("datamartName is required", rejected.getMessage());
        }

        @Test
        void rejectsANonStringBodyName() {
            InvalidRequestException rejected = assertThrows(InvalidRequestException.class,
                    () -> VALIDATOR.validateDeleteBody(json("{\"datamartName\": 5}")));
            assertViolation(only(rejected.violations()), "datamartName", "must be a string");
        }

        @Test
        void rejectsAnUnknownFieldBesideTheBodyName() {
            InvalidRequestException rejected = assertThrows(InvalidRequestException.class,
                    () -> VALIDATOR.validateDeleteBody(json("{\"datamartName\": \"m\", \"name\": \"m\"}")));
            assertViolation(only(rejected.violations()), "name", "not a known field");
        }

        @Test
        void rejectsALegacyBodyThatIsNotAnObject() {
            assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateDeleteBody(NODES.textNode("m")));
        }

        @Test
        void returnsTheDatamartNameOfTheQuery() {
            assertEquals("sales-analytics", VALIDATOR.validateDeleteQuery(List.of("sales-analytics")));
            assertEquals("a b+c", VALIDATOR.validateDeleteQuery(List.of("a b+c")));
        }

        static Stream<List<String>> missingQueryValues() {
            List<String> absent = null;
            return Stream.of(absent, List.of(), List.of(""), List.of("   "), List.of("\t"));
        }

        @ParameterizedTest
        @MethodSource("missingQueryValues")
        void saysExactlyDatamartNameIsRequiredForAMissingQueryName(List<String> values) {
            InvalidRequestException rejected =
                    assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateDeleteQuery(values));
            assertEquals("datamartName is required", rejected.getMessage());
        }

        @Test
        void rejectsARepeatedQueryParameter() {
            InvalidRequestException different = assertThrows(InvalidRequestException.class,
                    () -> VALIDATOR.validateDeleteQuery(List.of("a", "b")));
            assertTrue(different.getMessage().contains("once"), different::getMessage);
            InvalidRequestException same = assertThrows(InvalidRequestException.class,
                    () -> VALIDATOR.validateDeleteQuery(List.of("a", "a")));
            assertTrue(same.getMessage().contains("once"), same::getMessage);
        }

        @Test
        void rejectsARepeatedParameterEvenWhenOneValueIsBlank() {
            List<String> values = new ArrayList<>(List.of("a", ""));
            assertThrows(InvalidRequestException.class, () -> VALIDATOR.validateDeleteQuery(values));
        }

        @Test
        void rejectsAQueryNameWithAnUnpairedSurrogate() {
            InvalidRequestException rejected = assertThrows(InvalidRequestException.class,
                    () -> VALIDATOR.validateDeleteQuery(List.of("m\ud800")));
            assertTrue(rejected.getMessage().contains("Unicode"), rejected::getMessage);
        }
    }
}
