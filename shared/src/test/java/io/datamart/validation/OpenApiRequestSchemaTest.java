package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.error.InvalidRequestException;
import io.datamart.testing.Fixtures;
import io.datamart.testing.OpenApiDocument;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/openapi.yaml's request schemas say what the validator says, rule by rule, on the
 * edge of each rule the schemas express (types, fields, lengths, blanks, control
 * characters, enums, patterns, what requires what). The rules no schema can say (names
 * repeated, SQL, the datasource's schema) are the document's prose and the validator's tests.
 */
class OpenApiRequestSchemaTest {
    private static final OpenApiDocument DOCUMENT = OpenApiDocument.checkout();
    private static final DatamartValidator VALIDATOR = new DatamartValidator();
    private static final String NEW_ROUTE = "/api/v2/data-app/datamarts";
    private static final String LEGACY_DELETE = "/api/v2/dataApp/datamart/delete";

    enum Body {
        CREATE("POST", NEW_ROUTE), UPDATE("PUT", NEW_ROUTE), DELETE("POST", LEGACY_DELETE);

        final String method;
        final String path;

        Body(String method, String path) {
            this.method = method;
            this.path = path;
        }

        boolean validatorAccepts(JsonNode body) {
            return switch (this) {
                case CREATE -> VALIDATOR.readCreate(body).isValid();
                case UPDATE -> VALIDATOR.readUpdate(body).isValid();
                case DELETE -> {
                    try {
                        VALIDATOR.validateDeleteBody(body);
                        yield true;
                    } catch (InvalidRequestException refused) {
                        yield false;
                    }
                }
            };
        }
    }

    private static final String TABLE_LIST = "\"tableList\": [{\"name\": \"orders\", \"columns\": [{\"name\": \"id\"}]}]";

    private static Arguments create(boolean accepted, String fields) {
        return Arguments.of(Body.CREATE, accepted, "{\"name\": \"m\", \"datasourceName\": \"d\", " + fields + "}");
    }

    private static Arguments createWith(boolean accepted, String fields) {
        return create(accepted, TABLE_LIST + ", " + fields);
    }

    private static Arguments table(boolean accepted, String fields) {
        return create(accepted, "\"tableList\": [{\"name\": \"orders\", \"columns\": [{\"name\": \"id\"}], " + fields + "}]");
    }

    private static Arguments column(boolean accepted, String column) {
        return create(accepted, "\"tableList\": [{\"name\": \"orders\", \"columns\": [" + column + "]}]");
    }

    private static Arguments tenancy(boolean accepted, String settings) {
        return createWith(accepted, "\"tenancySettings\": " + settings);
    }

    private static Arguments relationship(boolean accepted, String more) {
        return createWith(accepted, "\"relationships\": [{\"parentTableName\": \"a\", \"parentColumnName\": \"b\", "
                + "\"childTableName\": \"c\", \"childColumnName\": \"d\", \"relationshipName\": \"r\"" + more + "}]");
    }

    static Stream<Arguments> bodies() {
        String name255 = "n".repeat(255);
        String identifier128 = "i".repeat(128);
        return Stream.of(
                create(true, TABLE_LIST),
                create(true, "\"tableList\": [{\"name\": \"orders\", \"schemaName\": \"public\", \"clientColumn\": "
                        + "\"tenant id\", \"label\": \"  Orders €  \", \"indexPattern\": \"orders-*\", \"isHide\": true, "
                        + "\"columns\": [{\"name\": \"Ventes · 2025 ✓\", \"alias\": \"a\\u00a0b\"}]}]"),
                create(false, TABLE_LIST + ", \"isHidden\": true"),
                Arguments.of(Body.CREATE, false, "{\"name\": \"m\", \"datasourceName\": \"d\"}"),
                create(false, "\"tableList\": []"),
                Arguments.of(Body.CREATE, true, "{\"name\": \"" + name255 + "\", \"datasourceName\": \"d\", " + TABLE_LIST + "}"),
                Arguments.of(Body.CREATE, false, "{\"name\": \"" + name255 + "n\", \"datasourceName\": \"d\", " + TABLE_LIST + "}"),
                Arguments.of(Body.CREATE, false, "{\"name\": \"  \", \"datasourceName\": \"d\", " + TABLE_LIST + "}"),
                Arguments.of(Body.CREATE, false, "{\"name\": \"\\u00a0\\u3000\", \"datasourceName\": \"d\", " + TABLE_LIST + "}"),
                Arguments.of(Body.CREATE, false, "{\"name\": \"a\\u0001\", \"datasourceName\": \"d\", " + TABLE_LIST + "}"),
                Arguments.of(Body.CREATE, true, "{\"name\": \"m\", \"datasourceName\": \"d\\u0001\", " + TABLE_LIST + "}"),
                Arguments.of(Body.CREATE, false, "{\"name\": \"m\", \"datasourceName\": 1, " + TABLE_LIST + "}"),
                Arguments.of(Body.CREATE, false, "{\"name\": \"m\", \"datasourceName\": \"\\t\", " + TABLE_LIST + "}"),
                column(true, "{\"name\": \"" + identifier128 + "\"}"),
                column(false, "{\"name\": \"" + identifier128 + "i\"}"),
                column(false, "{\"name\": \"a\\tb\"}"),
                column(false, "{\"name\": \"id\", \"isHide\": \"false\"}"),
                column(false, "{\"name\": \"id\", \"hidden\": false}"),
                column(false, "{\"name\": \"id\", \"label\": \"a\\nb\"}"),
                column(true, "{\"name\": \"total\", \"isCustomColumn\": true, \"sql\": \"quantity * unit_price\"}"),
                column(true, "{\"name\": \"id\", \"isCustomColumn\": false}"),
                column(false, "{\"name\": \"total\", \"isCustomColumn\": true}"),
                column(false, "{\"name\": \"total\", \"isCustomColumn\": true, \"sql\": \" \"}"),
                column(false, "{\"name\": \"total\", \"sql\": \"quantity * unit_price\"}"),
                column(false, "{\"name\": \"total\", \"isCustomColumn\": false, \"sql\": \"quantity * unit_price\"}"),
                column(false, "{\"name\": \"total\", \"isCustomColumn\": true, \"sql\": \"" + "a+".repeat(2000) + "a\"}"),
                create(false, "\"tableList\": [{\"name\": \"orders\", \"columns\": []}]"),
                create(false, "\"tableList\": [{\"name\": \"orders\"}]"),
                create(false, "\"tableList\": [\"orders\"]"),
                table(false, "\"indexPattern\": \"Orders-*\""),
                table(false, "\"indexPattern\": \"-orders\""),
                table(false, "\"indexPattern\": \"a b\""),
                table(false, "\"indexPattern\": \"a,b\""),
                table(false, "\"indexPattern\": \"\""),
                table(false, "\"schemaName\": \"\""),
                tenancy(true, "{\"tenancyLevel\": \"DATABASE\", \"primaryDatabase\": null}"),
                tenancy(true, "{\"tenancyLevel\": \"MULTI_DATABASE\", \"primaryDatabase\": \"tenants\"}"),
                tenancy(true, "{\"tenancyLevel\": \"TABLE\", \"clientColumnType\": \"NUMBER\", \"schemaName\": \"public\", "
                        + "\"tableName\": \"clients\", \"tableClientNameColumn\": \"c\", \"tablePrimaryKeyColumn\": \"id\"}"),
                tenancy(false, "{\"tenancyLevel\": \"TABLE\", \"clientColumnType\": \"NUMBER\", \"schemaName\": \"public\", "
                        + "\"tableClientNameColumn\": \"c\", \"tablePrimaryKeyColumn\": \"id\"}"),
                tenancy(false, "{\"primaryDatabase\": \"tenants\"}"),
                tenancy(false, "{\"tenancyLevel\": \"table\"}"),
                tenancy(false, "{\"tenancyLevel\": \"DATABASE\", \"primaryDatabase\": \" \"}"),
                tenancy(false, "{\"tenancyLevel\": \"DATABASE\", \"clientColumnType\": null}"),
                tenancy(false, "null"),
                relationship(true, ""),
                relationship(true, ", \"cardinality\": null, \"join\": null"),
                relationship(true, ", \"cardinality\": \"OneToOne\", \"join\": \"FULL JOIN\""),
                relationship(false, ", \"cardinality\": \"oneToOne\""),
                relationship(false, ", \"join\": \"LEFT\""),
                relationship(false, ", \"relationshipName2\": \"r\""),
                createWith(false, "\"relationships\": [{\"parentTableName\": \"a\"}]"),
                createWith(true, "\"relationships\": []"),
                createWith(false, "\"relationships\": null"),
                Arguments.of(Body.UPDATE, true, "{\"datamartName\": \"m\", \"relationships\": []}"),
                Arguments.of(Body.UPDATE, true, "{\"datamartName\": \"m\", \"tenancySettings\": {}}"),
                Arguments.of(Body.UPDATE, true, "{\"datamartName\": \"m\", \"tenancySettings\": {\"primaryDatabase\": \"x\"}}"),
                Arguments.of(Body.UPDATE, false, "{\"datamartName\": \"m\", \"tenancySettings\": {\"tenancyLevel\": null}}"),
                Arguments.of(Body.UPDATE, false, "{\"datamartName\": \"m\"}"),
                Arguments.of(Body.UPDATE, false, "{\"datamartName\": \"\", \"relationships\": []}"),
                Arguments.of(Body.UPDATE, false, "{\"datamartName\": \"m\", \"name\": \"n\", \"relationships\": []}"),
                Arguments.of(Body.UPDATE, false, "{\"datamartName\": \"m\", \"datasourceName\": \"d\", " + TABLE_LIST + "}"),
                Arguments.of(Body.DELETE, true, "{\"datamartName\": \"m\"}"),
                Arguments.of(Body.DELETE, false, "{\"datamartName\": \" \"}"),
                Arguments.of(Body.DELETE, false, "{\"datamartName\": null}"),
                Arguments.of(Body.DELETE, false, "{\"datamartName\": \"m\", \"name\": \"m\"}"),
                Arguments.of(Body.DELETE, false, "{}"));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("bodies")
    void theSchemaAndTheValidatorAgree(Body route, boolean accepted, String json) {
        JsonNode body = Fixtures.object(json);
        assertEquals(accepted, route.validatorAccepts(body), "the validator");
        List<String> refusals = DOCUMENT.requestBodyViolations(route.method, route.path, body);
        assertEquals(accepted, refusals.isEmpty(), () -> "the document's schema: " + refusals);
    }
}
