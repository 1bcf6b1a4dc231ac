package io.datamart.functions.update;

import static io.datamart.functions.update.UpdateDatamartHandlerTest.CLEAR_RELATIONSHIPS;
import static io.datamart.functions.update.UpdateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertErrorMentioning;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Databases;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.MalformedBody;
import io.datamart.testing.StoredDatamarts;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Update's rejections: renames, malformed bodies, broken rules, too large. Each a 400 that changes nothing. */
class UpdateDatamartValidationTest {
    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    private static ApiCall update(Payload payload) {
        return ApiCall.to(payload, "PUT", NEW_ROUTE).bearer(DEMO_TOKEN);
    }

    private void assertDocumentedDatamartUntouched() {
        var stored = StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics");
        assertEquals(StoredDatamarts.accepted(Fixtures.documentedCreateBody()), stored.definition());
        assertEquals(1, stored.version());
    }

    static Stream<Arguments> renamingFields() {
        return Stream.of(Payload.values()).flatMap(payload -> Stream.of(
                Arguments.of(payload, "name", "renamed-analytics"),
                Arguments.of(payload, "datasourceName", "postgres-main"),
                Arguments.of(payload, "datasourceName", "other-source")));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("renamingFields")
    void nameOrDatasourceNameInAnUpdateIsRejectedAndNothingChanges(Payload payload, String field, String value) {
        ObjectNode body = Fixtures.object(CLEAR_RELATIONSHIPS).put(field, value);

        ApiResult result = assertNothingChanged(function.db(), () -> update(payload).json(body.toString())
                .invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", field);
        assertEquals(Set.of(field), result.details().keySet(), () -> "details of " + result);
        assertDocumentedDatamartUntouched();
        assertNull(function.db().rawDatamart(DEMO_ORG, "renamed-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndMalformedBodies")
    void aMalformedBodyIsAnInvalidRequestBody(Payload payload, MalformedBody body) {
        HandlerChecks.assertMalformedBodyRejected(function.db(), function.handler(), update(payload), body,
                CLEAR_RELATIONSHIPS);

        assertDocumentedDatamartUntouched();
    }

    static Stream<Arguments> brokenRules() {
        String table = "{\"name\": \"t\", \"columns\": [{\"name\": \"c\"}]}";
        return Stream.of(
                Arguments.of("datamartName missing", "{\"relationships\": []}", "datamartName"),
                Arguments.of("datamartName blank", "{\"datamartName\": \" \", \"relationships\": []}", "datamartName"),
                Arguments.of("datamartName not a string", "{\"datamartName\": 1, \"relationships\": []}",
                        "datamartName"),
                Arguments.of("nothing to update", "{\"datamartName\": \"sales-analytics\"}", ""),
                Arguments.of("tableList empty", "{\"datamartName\": \"sales-analytics\", \"tableList\": []}",
                        "tableList"),
                Arguments.of("tableList null", "{\"datamartName\": \"sales-analytics\", \"tableList\": null}",
                        "tableList"),
                Arguments.of("two tables alike", "{\"datamartName\": \"sales-analytics\", \"tableList\": [" + table
                        + ", " + table + "]}", "tableList[1]"),
                Arguments.of("column isHide as a string", "{\"datamartName\": \"sales-analytics\", \"tableList\": "
                        + "[{\"name\": \"t\", \"columns\": [{\"name\": \"c\", \"isHide\": \"false\"}]}]}",
                        "tableList[0].columns[0].isHide"),
                Arguments.of("tenancySettings null", "{\"datamartName\": \"sales-analytics\", "
                        + "\"tenancySettings\": null}", "tenancySettings"),
                Arguments.of("tenancyLevel unknown", "{\"datamartName\": \"sales-analytics\", "
                        + "\"tenancySettings\": {\"tenancyLevel\": \"SCHEMA\"}}", "tenancySettings.tenancyLevel"),
                Arguments.of("TABLE tenancy incomplete", "{\"datamartName\": \"sales-analytics\", "
                        + "\"tenancySettings\": {\"tenancyLevel\": \"TABLE\", \"clientColumnType\": \"NUMBER\", "
                        + "\"schemaName\": \"s\", \"tableName\": \"t\", \"tableClientNameColumn\": \"c\"}}",
                        "tenancySettings.tablePrimaryKeyColumn"),
                Arguments.of("relationships null", "{\"datamartName\": \"sales-analytics\", \"relationships\": null}",
                        "relationships"),
                Arguments.of("relationship incomplete", "{\"datamartName\": \"sales-analytics\", \"relationships\": "
                        + "[{\"parentTableName\": \"a\"}]}", "relationships[0].parentColumnName"),
                Arguments.of("unknown field", "{\"datamartName\": \"sales-analytics\", \"relationships\": [], "
                        + "\"tablelist\": []}", "tablelist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void aBrokenRuleIsAnInvalidRequestBodyAtItsPath(String rule, String body, String path) {
        for (Payload payload : Payload.values()) {
            ApiResult result = assertNothingChanged(function.db(), () -> update(payload).json(body)
                    .invoke(function.handler()));

            assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", path);
            assertEquals(true, result.details().containsKey(path), () -> "details of " + result);
        }
        assertDocumentedDatamartUntouched();
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void everyViolationOfAnUpdateIsListed(Payload payload) {
        String body = """
                {"datamartName": "sales-analytics", "name": "x", "datasourceName": "y",
                 "tableList": [], "relationships": {}, "tenancySettings": {"tenancyLevel": "NONE"}}
                """;

        ApiResult result = assertNothingChanged(function.db(), () -> update(payload).json(body)
                .invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "5 problems");
        assertEquals(Set.of("name", "datasourceName", "tableList", "relationships", "tenancySettings.tenancyLevel"),
                result.details().keySet(), () -> "details of " + result);
        assertDocumentedDatamartUntouched();
    }

    /** A relationship list of about {@code kilobytes} KB. */
    /** Relationships of about {@code kilobytes} KB as stored, every name within the 128 characters a name may have. */
    private static ObjectNode bigRelationships(int kilobytes) {
        ObjectNode body = Fixtures.object("{\"datamartName\": \"sales-analytics\"}");
        ArrayNode relationships = body.putArray("relationships");
        // Five names of up to 128 characters and their field names: about 730 bytes each.
        for (int i = 0; i < kilobytes * 7 / 5; i++) {
            relationships.addObject().put("parentTableName", "p".repeat(128))
                    .put("parentColumnName", "c".repeat(120) + i).put("childTableName", "t".repeat(128))
                    .put("childColumnName", "d".repeat(128)).put("relationshipName", "r".repeat(120) + i);
        }
        return body;
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void anUpdateOver400KbOnItsOwnIsAnInvalidRequestBody(Payload payload) {
        ObjectNode body = bigRelationships(450);

        ApiResult result = assertNothingChanged(function.db(), () -> update(payload).json(body.toString())
                .invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "400 KB");
        assertDocumentedDatamartUntouched();
    }

    @ParameterizedTest
    @ValueSource(ints = {250, 380})
    void anUpdateThatFitsAloneButNotBesideTheKeptPartsIsAnInvalidRequestBody(int kilobytes) {
        for (Payload payload : Payload.values()) {
            Databases.fresh();
            // A stored datamart of about 200 KB of table list, then relationships that alone fit.
            ObjectNode create = Fixtures.documentedCreateBody();
            ArrayNode columns = ((ObjectNode) create.get("tableList").get(0)).putArray("columns");
            for (int i = 0; i < 200; i++) {
                columns.addObject().put("name", "column_" + i).put("label", "l".repeat(1000));
            }
            StoredDatamarts.seed(function.db(), DEMO_ORG, create);
            Map<String, AttributeValue> before = function.db().rawDatamart(DEMO_ORG, "sales-analytics");
            ObjectNode body = bigRelationships(kilobytes);
            // Too large only beside the kept table list, so only DynamoDB can tell; its answer
            // is injected (Failures.itemSizeToUpdateExceeded says why moto's is not used).
            function.dynamoDb().fail(Operation.TRANSACT_WRITE_ITEMS, 1, Failures::itemSizeToUpdateExceeded);
            int updatesSent = function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS);

            ApiResult result = assertNothingChanged(function.db(), () -> update(payload).json(body.toString())
                    .invoke(function.handler()));

            assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "400 KB");
            assertEquals(before, function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
            assertEquals(updatesSent + 1, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS),
                    "it was sent: this side let it through");
        }
    }
}
