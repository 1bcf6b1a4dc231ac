package io.datamart.api;

import static io.datamart.testing.ClientTerms.assertInClientTerms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one reader of a datasource's schema, for the seed file and bin/admin alike. */
class DatasourceTablesJsonTest {

    private static List<DatasourceTable> read(String json) throws IOException {
        return DatasourceTablesJson.tables(DatasourceTablesJson.parse(json.getBytes(StandardCharsets.UTF_8)), "$");
    }

    @Test
    void readsTablesWithColumnsByNameOrWithADataType() throws IOException {
        assertEquals(List.of(
                new DatasourceTable("public", "orders", List.of(new DatasourceColumn("order_id", null),
                        new DatasourceColumn("amount", "numeric"))),
                new DatasourceTable(null, "customers", List.of())),
                read("""
                        [{"schemaName": "public", "name": "orders",
                          "columns": ["order_id", {"name": "amount", "dataType": "numeric"}]},
                         {"name": "customers", "columns": []}]"""));
        assertEquals(List.of(), read("[]"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                                                  | $                      | must be an array",
        "[7]                                                 | $[0]                   | must be a JSON object",
        "[{\"name\": \"t\", \"columns\": [], \"rows\": 1}]   | $[0].rows              | is not a known field; expected one of [columns, name, schemaName]",
        "[{\"columns\": []}]                                 | $[0].name              | is required (a non-empty string)",
        "[{\"name\": \"t\", \"schemaName\": \"\", \"columns\": []}] | $[0].schemaName  | must be a non-empty string",
        "[{\"name\": \"t\", \"columns\": [null]}]            | $[0].columns[0]        | must be a non-empty string",
        "[{\"name\": \"t\", \"columns\": [{\"dataType\": \"int\"}]}] | $[0].columns[0].name | is required (a non-empty string)",
    })
    void namesThePathAndTheProblem(String json, String path, String problem) {
        var invalid = assertThrows(DatasourceTablesJson.InvalidJsonException.class, () -> read(json));

        assertEquals(path, invalid.path());
        assertEquals(problem, invalid.problem());
        assertEquals(path + " " + problem, invalid.getMessage());
    }

    @Test
    void aSyntaxErrorNamesLineAndColumnForTheWholeDocument() {
        var invalid = assertThrows(DatasourceTablesJson.InvalidJsonException.class, () -> read("[\n  {]"));

        assertEquals("", invalid.path());
        assertEquals("the schema is not valid JSON at line 2, column 4",
                invalid.describe("the schema").substring(0, "the schema is not valid JSON at line 2, column 4".length()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[] {}                              | the schema is not valid JSON at line 1, column 4: more follows the end of the JSON value",
        "[{'name': 't', 'columns': []}]     | the schema is not valid JSON at line 1, column 3: field names take double quotes, not single quotes",
        "[{\"name\": \"t\", \"name\": \"u\"}] | the schema is not valid JSON at line 1, column 22: the field 'name' appears twice in the same object",
        "[{\"name\": \"t\", \"columns\": [}]  | the schema is not valid JSON at line 1, column 28: '}' does not close the array that opens at line 1, column 27",
    })
    void aSyntaxErrorSaysWhatIsWrongInPlainWords(String json, String description) {
        var invalid = assertThrows(DatasourceTablesJson.InvalidJsonException.class, () -> read(json));

        assertEquals("", invalid.path());
        String said = invalid.describe("the schema");
        assertEquals(description, said.substring(0, Math.min(said.length(), description.length())), said);
        assertInClientTerms(said);
    }

    @Test
    void aFileNestedTooDeeplySaysTheLimit() {
        var invalid = assertThrows(DatasourceTablesJson.InvalidJsonException.class,
                () -> read("[".repeat(1_001) + "]".repeat(1_001)));

        assertEquals("the schema nests arrays and objects too deeply: at most 1000 levels are allowed",
                invalid.describe("the schema"));
    }

    @ParameterizedTest
    @CsvSource({
        // 0xFF never occurs in UTF-8; ED A0 80 is U+D800 encoded as if it were a character.
        "5b22ff225d", "5b22eda080225d",
    })
    void aFileThatIsNotUtf8IsRefusedAsSuch(String hex) {
        var invalid = assertThrows(DatasourceTablesJson.InvalidJsonException.class,
                () -> DatasourceTablesJson.parse(HexFormat.of().parseHex(hex)));

        assertEquals("the schema is not valid JSON: it is not valid UTF-8", invalid.describe("the schema"));
    }

    @Test
    void aFileMayStartWithAByteOrderMark() throws IOException {
        byte[] withBom = HexFormat.of().parseHex("efbbbf5b5d");

        assertEquals(List.of(), DatasourceTablesJson.tables(DatasourceTablesJson.parse(withBom), "$"));
    }

    @Test
    void readsAnAbsentOptionalArrayAsEmptyAndAPresentOneAsItIs() {
        assertEquals(Json.MAPPER.createArrayNode(), DatasourceTablesJson.array(null, "$.tables", false));
        com.fasterxml.jackson.databind.JsonNode present = Json.MAPPER.createArrayNode().add("orders");
        assertEquals(present, DatasourceTablesJson.array(present, "$.tables", false));
        assertEquals(present, DatasourceTablesJson.array(present, "$.tables", true));
    }

    @Test
    void refusesAnAbsentRequiredArray() {
        var invalid = assertThrows(DatasourceTablesJson.InvalidJsonException.class,
                () -> DatasourceTablesJson.array(null, "$.tables", true));

        assertEquals("$.tables is required (an array)", invalid.getMessage());
    }
}
