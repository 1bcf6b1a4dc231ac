package io.datamart.functions.create;

import static io.datamart.functions.create.CreateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.Fixtures.DOCUMENTED_CREATE_BODY;
import static io.datamart.testing.Fixtures.OTHER_ORG;
import static io.datamart.testing.Fixtures.OTHER_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertErrorMentioning;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Databases;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.MalformedBody;
import io.datamart.testing.StoredDatamarts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Create's rejections: malformed bodies, broken rules with every violation listed, a
 * name taken, an unknown datasource, a datamart too large to store. Each is a 400 that
 * changes nothing stored.
 */
class CreateDatamartValidationTest {
    // Something stored, so that "nothing changed" also means "nothing overwritten".
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()))
            .seeded(db -> StoredDatamarts.seed(db, DEMO_ORG, Fixtures.createBody("already-here")));

    private static ApiCall create(Payload payload) {
        return ApiCall.to(payload, "POST", NEW_ROUTE).bearer(DEMO_TOKEN);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndMalformedBodies")
    void aMalformedBodyIsAnInvalidRequestBody(Payload payload, MalformedBody body) {
        HandlerChecks.assertMalformedBodyRejected(function.db(), function.handler(), create(payload), body,
                DOCUMENTED_CREATE_BODY);

        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aBodyMarkedBase64ThatIsNotBase64IsAnInvalidRequestBody(Payload payload) {
        ObjectNode event = Fixtures.object(create(payload).json(DOCUMENTED_CREATE_BODY).event());
        event.put("body", "{not base64 at all}");
        event.put("isBase64Encoded", true);

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.invokeEvent(function.handler(),
                event.toString()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "base64");
    }

    /** A body breaking eight rules at once, and where each violation must be reported. */
    private static final String EIGHT_VIOLATIONS = """
            {
              "name": "bad\\u0007name",
              "tableList": [
                {
                  "name": "orders",
                  "isHidden": true,
                  "columns": [
                    {"name": "id", "isHide": "true"},
                    {"name": "id"},
                    {"name": "total", "isCustomColumn": true}
                  ]
                }
              ],
              "tenancySettings": {"clientColumnType": "STRING"},
              "relationships": [
                {"parentTableName": "orders", "parentColumnName": "id", "childTableName": "lines",
                 "childColumnName": "order_id", "relationshipName": "r", "join": "OUTER JOIN"}
              ]
            }
            """;

    @ParameterizedTest
    @EnumSource(Payload.class)
    void everyRuleViolationIsListedWithItsPath(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(EIGHT_VIOLATIONS)
                .invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "8 problems");
        Map<String, String> details = result.details();
        assertEquals(Set.of("name", "datasourceName", "tableList[0].isHidden", "tableList[0].columns[0].isHide",
                "tableList[0].columns[1].name", "tableList[0].columns[2].sql", "tenancySettings.tenancyLevel",
                "relationships[0].join"), details.keySet(), () -> "details of " + result);
        assertTrue(details.get("tableList[0].isHidden").contains("isHide"), "suggests the field meant");
        assertTrue(details.get("tableList[0].columns[1].name").contains("tableList[0].columns[0]"),
                "names the column it repeats");
    }

    static Stream<Arguments> brokenRules() {
        List<Arguments> rules = new ArrayList<>();
        rule(rules, "name missing", b -> b.remove("name"), "name");
        rule(rules, "name blank", b -> b.put("name", "  \t "), "name");
        rule(rules, "name empty", b -> b.put("name", ""), "name");
        rule(rules, "name of 256 characters", b -> b.put("name", "n".repeat(256)), "name");
        rule(rules, "name with a control character", b -> b.put("name", "sales\nanalytics"), "name");
        rule(rules, "name not a string", b -> b.put("name", 42), "name");
        rule(rules, "datasourceName missing", b -> b.remove("datasourceName"), "datasourceName");
        rule(rules, "datasourceName blank", b -> b.put("datasourceName", " "), "datasourceName");
        rule(rules, "tableList missing", b -> b.remove("tableList"), "tableList");
        rule(rules, "tableList empty", b -> b.putArray("tableList"), "tableList");
        rule(rules, "tableList an object", b -> b.putObject("tableList"), "tableList");
        rule(rules, "two tables with the same schemaName and name",
                b -> ((ArrayNode) b.get("tableList")).add(table(b).deepCopy()), "tableList[1]");
        rule(rules, "two tables with the same name and no schemaName", b -> {
            table(b).remove("schemaName");
            ((ArrayNode) b.get("tableList")).add(table(b).deepCopy());
        }, "tableList[1]");
        rule(rules, "table name missing", b -> table(b).remove("name"), "tableList[0].name");
        rule(rules, "table columns missing", b -> table(b).remove("columns"), "tableList[0].columns");
        rule(rules, "table columns empty", b -> table(b).putArray("columns"), "tableList[0].columns");
        rule(rules, "table isHide a string", b -> table(b).put("isHide", "false"), "tableList[0].isHide");
        rule(rules, "table label a number", b -> table(b).put("label", 7), "tableList[0].label");
        rule(rules, "indexPattern with a space", b -> table(b).put("indexPattern", "logs *"),
                "tableList[0].indexPattern");
        rule(rules, "indexPattern in upper case", b -> table(b).put("indexPattern", "Logs-*"),
                "tableList[0].indexPattern");
        rule(rules, "table with an unknown field", b -> table(b).put("isHidden", false), "tableList[0].isHidden");
        rule(rules, "two columns with the same name", b -> columns(b).add(columns(b).get(0).deepCopy()),
                "tableList[0].columns[3].name");
        rule(rules, "column name missing", b -> column(b).remove("name"), "tableList[0].columns[0].name");
        rule(rules, "column isHide a string", b -> column(b).put("isHide", "true"),
                "tableList[0].columns[0].isHide");
        rule(rules, "column isHide a number", b -> column(b).put("isHide", 0), "tableList[0].columns[0].isHide");
        rule(rules, "column with an unknown field", b -> column(b).put("isHidden", true),
                "tableList[0].columns[0].isHidden");
        rule(rules, "custom column without sql", b -> column(b).put("isCustomColumn", true),
                "tableList[0].columns[0].sql");
        rule(rules, "custom column with empty sql", b -> column(b).put("isCustomColumn", true).put("sql", " "),
                "tableList[0].columns[0].sql");
        rule(rules, "sql on a column that is not custom", b -> column(b).put("sql", "1"),
                "tableList[0].columns[0].sql");
        rule(rules, "sql on a column with isCustomColumn false",
                b -> column(b).put("isCustomColumn", false).put("sql", "1"), "tableList[0].columns[0].sql");
        rule(rules, "isAggregate a string", b -> column(b).put("isAggregate", "yes"),
                "tableList[0].columns[0].isAggregate");
        rule(rules, "isApplyTimezone null", b -> column(b).putNull("isApplyTimezone"),
                "tableList[0].columns[0].isApplyTimezone");
        rule(rules, "tenancySettings not an object", b -> b.put("tenancySettings", "TABLE"), "tenancySettings");
        rule(rules, "tenancyLevel missing", b -> tenancy(b).remove("tenancyLevel"), "tenancySettings.tenancyLevel");
        rule(rules, "tenancyLevel unknown", b -> tenancy(b).put("tenancyLevel", "ROW"),
                "tenancySettings.tenancyLevel");
        rule(rules, "tenancyLevel in lower case", b -> tenancy(b).put("tenancyLevel", "table"),
                "tenancySettings.tenancyLevel");
        for (String field : new String[] {"clientColumnType", "schemaName", "tableName", "tableClientNameColumn",
                "tablePrimaryKeyColumn"}) {
            rule(rules, "TABLE tenancy without " + field, b -> tenancy(b).remove(field), "tenancySettings." + field);
        }
        rule(rules, "clientColumnType unknown", b -> tenancy(b).put("clientColumnType", "TEXT"),
                "tenancySettings.clientColumnType");
        rule(rules, "primaryDatabase a number", b -> tenancy(b).put("primaryDatabase", 1),
                "tenancySettings.primaryDatabase");
        rule(rules, "relationships not an array", b -> b.putObject("relationships"), "relationships");
        rule(rules, "relationships null", b -> b.putNull("relationships"), "relationships");
        for (String field : new String[] {"parentTableName", "parentColumnName", "childTableName", "childColumnName",
                "relationshipName"}) {
            rule(rules, "relationship without " + field, b -> relationship(b).remove(field),
                    "relationships[0]." + field);
        }
        rule(rules, "cardinality unknown", b -> relationship(b).put("cardinality", "ManyToSome"),
                "relationships[0].cardinality");
        rule(rules, "cardinality in another case", b -> relationship(b).put("cardinality", "MANY_TO_ONE"),
                "relationships[0].cardinality");
        rule(rules, "join unknown", b -> relationship(b).put("join", "CROSS JOIN"), "relationships[0].join");
        rule(rules, "unknown top-level field", b -> b.put("description", "typo'd"), "description");
        return rules.stream();
    }

    private static void rule(List<Arguments> rules, String name, Consumer<ObjectNode> breakIt, String path) {
        rules.add(Arguments.of(Named.of(name, breakIt), path));
    }

    private static ObjectNode table(ObjectNode body) {
        return (ObjectNode) body.get("tableList").get(0);
    }

    private static ArrayNode columns(ObjectNode body) {
        return (ArrayNode) table(body).get("columns");
    }

    private static ObjectNode column(ObjectNode body) {
        return (ObjectNode) columns(body).get(0);
    }

    private static ObjectNode tenancy(ObjectNode body) {
        return (ObjectNode) body.get("tenancySettings");
    }

    private static ObjectNode relationship(ObjectNode body) {
        return (ObjectNode) body.get("relationships").get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void aBrokenRuleIsAnInvalidRequestBodyAtItsPath(Consumer<ObjectNode> breakIt, String path) {
        for (Payload payload : Payload.values()) {
            ObjectNode body = Fixtures.documentedCreateBody();
            breakIt.accept(body);

            ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(body.toString())
                    .invoke(function.handler()));

            assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", path);
            assertEquals(Set.of(path), result.details().keySet(), () -> "details of " + result);
        }
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aNameTakenInTheOrganizationIsRejectedAndTheStoredDatamartKept(Payload payload) {
        ObjectNode second = Fixtures.createBody("already-here");
        ((ObjectNode) second.get("tableList").get(0)).put("label", "Would overwrite");

        ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(second.toString())
                .invoke(function.handler()));

        assertError(result, 400, "INVALID_REQUEST_BODY", "Datamart name already exists");
        assertEquals(StoredDatamarts.accepted(Fixtures.createBody("already-here")),
                StoredDatamarts.stored(function.db(), DEMO_ORG, "already-here").definition());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void anUnknownDatasourceIsADatasourceNameError(Payload payload) {
        ObjectNode body = Fixtures.documentedCreateBody().put("datasourceName", "mysql-nowhere");

        ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(body.toString())
                .invoke(function.handler()));

        assertError(result, 400, "DATASOURCE_NAME_ERROR", "Invalid datasource name");
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aDatasourceOfAnotherOrganizationIsADatasourceNameError(Payload payload) {
        new DatasourceRepository(function.db().client(), function.db().tables(), Clock.systemUTC()).save(OTHER_ORG,
                "acme-warehouse");
        ObjectNode body = Fixtures.documentedCreateBody().put("datasourceName", "acme-warehouse");

        ApiResult refused = assertNothingChanged(function.db(), () -> create(payload).json(body.toString())
                .invoke(function.handler()));
        ApiResult ownerCreates = ApiCall.to(payload, "POST", NEW_ROUTE).bearer(OTHER_TOKEN).json(body.toString())
                .invoke(function.handler());

        assertError(refused, 400, "DATASOURCE_NAME_ERROR", "Invalid datasource name");
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
        assertSuccess(ownerCreates, idWithNullError("sales-analytics"));
        assertNotNull(function.db().rawDatamart(OTHER_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aDatasourceNameDifferingOnlyInCaseIsUnknown(Payload payload) {
        ObjectNode body = Fixtures.documentedCreateBody().put("datasourceName", "Postgres-Main");

        ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(body.toString())
                .invoke(function.handler()));

        assertError(result, 400, "DATASOURCE_NAME_ERROR", "Invalid datasource name");
    }

    /** The documented body with {@code columns} columns, each with a label of {@code labelLength} characters. */
    static ObjectNode wideBody(int columns, int labelLength) {
        ObjectNode body = Fixtures.documentedCreateBody();
        ArrayNode list = ((ObjectNode) body.get("tableList").get(0)).putArray("columns");
        for (int i = 0; i < columns; i++) {
            list.addObject().put("name", "column_" + i).put("label", Character.toString('a' + i % 26)
                    .repeat(labelLength));
        }
        return body;
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aDatamartOver400KbIsAnInvalidRequestBodyAndNothingIsStored(Payload payload) {
        ObjectNode body = wideBody(450, 1000);

        ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(body.toString())
                .invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "400 KB");
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aDatamartJustUnderOrOver400KbIsStoredOrRejectedButNeverAnInternalError(Payload payload) {
        // Find, by bisection on one label's length, where the function starts refusing the size.
        int accepted = 0;
        int refused = 420_000;
        while (refused - accepted > 1) {
            int length = (accepted + refused) / 2;
            Databases.fresh();
            ObjectNode body = wideBody(1, length);
            ApiResult result = create(payload).json(body.toString()).invoke(function.handler());
            int probed = length;
            assertNotEquals(500, result.status(), () -> "a datamart with a label of " + probed
                    + " characters is bad input at worst, never an internal error: " + result);
            if (result.status() == 200) {
                assertSuccess(result, idWithNullError("sales-analytics"));
                assertEquals(StoredDatamarts.accepted(body),
                        StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics").definition(),
                                "stored losslessly");
                accepted = length;
            } else {
                assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "400 KB");
                assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
                refused = length;
            }
        }
        assertTrue(accepted > 400_000, "a datamart of nearly 400 KB is storable, refused from " + refused);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aRelationshipMayNameATableThatIsNotInTheTableList(Payload payload) {
        ObjectNode body = Fixtures.documentedCreateBody();
        ((ObjectNode) body.get("relationships").get(0)).put("parentTableName", "not_listed")
                .put("childTableName", "nor_this_one");

        ApiResult result = create(payload).json(body.toString()).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertEquals(StoredDatamarts.accepted(body), StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics")
                .definition());
    }

    /** Bad input of odd shapes, each a change to the documented body. */
    static Stream<Arguments> oddlyShapedInputs() {
        return Stream.of(
                odd("JSON nested 5000 deep", body -> body.replace("\"isHide\": false,",
                        "\"isHide\": " + "[".repeat(5000) + "]".repeat(5000) + ",")),
                odd("a number of 5000 digits", body -> body.replace("\"isHide\": false,",
                        "\"isHide\": " + "9".repeat(5000) + ",")),
                odd("a string of 30000 characters as a key", body -> body.replace("\"isHide\": false,",
                        "\"" + "k".repeat(30_000) + "\": false,")),
                odd("an unpaired surrogate in the name", body -> body.replace("sales-analytics", "sales\\ud800")),
                odd("an unpaired surrogate in a label", body -> body.replace("Customer Orders", "x\\udc00y")),
                odd("a datasourceName of 2000 bytes", body -> body.replace("postgres-main", "é".repeat(1000))),
                odd("an empty field name", body -> body.replace("\"isHide\": false,", "\"\": false,")),
                odd("the body is a number", body -> "42"),
                odd("the body is true", body -> "true"),
                odd("a lone comment", body -> "/* {} */"),
                odd("single-quoted JSON", body -> body.replace('"', '\'')));
    }

    private static Arguments odd(String name, UnaryOperator<String> change) {
        return Arguments.of(Named.of(name, change));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddlyShapedInputs")
    void oddlyShapedInputIsABadRequestNeverAnInternalError(UnaryOperator<String> change) {
        for (Payload payload : Payload.values()) {
            String body = change.apply(DOCUMENTED_CREATE_BODY);

            ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(body)
                    .invoke(function.handler()));

            assertTrue(result.status() >= 400 && result.status() < 500, () -> "a 4xx: " + result);
            assertTrue(result.errorCode().equals("INVALID_REQUEST_BODY")
                    || result.errorCode().equals("DATASOURCE_NAME_ERROR"), () -> "a client error code: " + result);
            assertTrue(result.errorMessage() != null && !result.errorMessage().isBlank(), () -> "a message: " + result);
        }
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aBodyThatIsNotUtf8IsAnInvalidRequestBody(Payload payload) {
        ObjectNode event = Fixtures.object(create(payload).json(DOCUMENTED_CREATE_BODY).event());
        byte[] latin1 = DOCUMENTED_CREATE_BODY.replace("Customer Orders", "Commandes passées")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        event.put("body", java.util.Base64.getEncoder().encodeToString(latin1));
        event.put("isBase64Encoded", true);

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.invokeEvent(function.handler(),
                event.toString()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "JSON");
    }
}
