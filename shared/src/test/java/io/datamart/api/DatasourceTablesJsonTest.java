package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
}
