package io.datamart.admin;

import static io.datamart.testing.ClientTerms.assertInClientTerms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.admin.LocalAdmin.Run;
import io.datamart.domain.Datasource;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.persistence.TableNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bin/admin datasource put, list and delete, against the test AWS. */
class DatasourceCommandsTest {
    private static final String SCHEMA = """
            [
              {"schemaName": "public", "name": "orders",
               "columns": ["order_id", {"name": "amount", "dataType": "numeric"}]},
              {"name": "customers", "columns": ["id"]}
            ]
            """;

    private static LocalAdmin local;

    @BeforeAll
    static void startLocalAws() {
        local = LocalAdmin.start();
    }


    private static DatasourceRepository repository() {
        return new DatasourceRepository(local.client(),
                new TableNames("DatamartsTable", "DatasourcesTable", "ServiceTokensTable"), Clock.systemUTC());
    }

    @Test
    void putsADatasourceWithItsSchemaThatListAndTheRepositoryShow(@TempDir Path dir) throws IOException {
        String organization = LocalAdmin.newOrganization();
        Path schema = Files.writeString(dir.resolve("schema.json"), SCHEMA);

        Run put = local.admin("datasource", "put", "--org", organization, "--name", "postgres-main",
                "--schema", schema.toString());

        assertEquals(0, put.exitCode(), put.toString());
        assertEquals("Registered datasource postgres-main of organization " + organization + ": 2 tables.\n",
                put.stderr());
        assertEquals(Optional.of(new Datasource(organization, "postgres-main", List.of(
                new DatasourceTable("public", "orders", List.of(new DatasourceColumn("order_id", null),
                        new DatasourceColumn("amount", "numeric"))),
                new DatasourceTable(null, "customers", List.of(new DatasourceColumn("id", null)))))),
                repository().find(organization, "postgres-main"));

        assertEquals(0, local.admin("datasource", "put", "--org", organization, "--name", "mysql-legacy")
                .exitCode());
        Run list = local.admin("datasource", "list", "--org", organization);
        assertEquals(0, list.exitCode(), list.toString());
        assertEquals("""
                NAME           SCHEMA
                mysql-legacy   schema unknown
                postgres-main  2 tables
                """, list.stdout());
    }

    @Test
    void putReplacesADatasourceAndSaysWhatItWas(@TempDir Path dir) throws IOException {
        String organization = LocalAdmin.newOrganization();
        assertEquals(0, local.admin("datasource", "put", "--org", organization, "--name", "warehouse").exitCode());

        Run replaced = local.admin("datasource", "put", "--org", organization, "--name", "warehouse",
                "--schema", Files.writeString(dir.resolve("one.json"), "[{\"name\": \"t\", \"columns\": []}]")
                        .toString());

        assertEquals(0, replaced.exitCode(), replaced.toString());
        assertTrue(replaced.stderr().startsWith("Replaced datasource warehouse of organization " + organization
                + ": 1 table (was: schema unknown)."), replaced.stderr());
        assertEquals(1, repository().find(organization, "warehouse").orElseThrow().tables().size());
    }

    @Test
    void deletesADatasourceOnceThenFailsWithExitOne() {
        String organization = LocalAdmin.newOrganization();
        assertEquals(0, local.admin("datasource", "put", "--org", organization, "--name", "old").exitCode());

        Run deleted = local.admin("datasource", "delete", "--org", organization, "--name", "old");
        assertEquals(0, deleted.exitCode(), deleted.toString());
        assertEquals(Optional.empty(), repository().find(organization, "old"));

        Run again = local.admin("datasource", "delete", "--org", organization, "--name", "old");
        assertEquals(1, again.exitCode(), again.toString());
        assertEquals("error: organization " + organization + " has no datasource old\n", again.stderr());

        Run list = local.admin("datasource", "list", "--org", organization);
        assertEquals(0, list.exitCode());
        assertEquals("", list.stdout());
        assertTrue(list.stderr().contains("has no datasources"), list.stderr());
    }

    @Test
    void aDatasourceOfAnotherOrganizationIsNeitherListedNorDeleted() {
        String mine = LocalAdmin.newOrganization();
        String theirs = LocalAdmin.newOrganization();
        assertEquals(0, local.admin("datasource", "put", "--org", theirs, "--name", "shared-name").exitCode());

        assertEquals("", local.admin("datasource", "list", "--org", mine).stdout());
        assertEquals(1, local.admin("datasource", "delete", "--org", mine, "--name", "shared-name").exitCode());
        assertTrue(repository().find(theirs, "shared-name").isPresent());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[{\"name\": \"t\", \"columns\": [}]                          | the schema is not valid JSON at line 1, column 28: '}' does not close the array that opens at line 1, column 27",
        "{\"tables\": []}                                             | $ must be an array",
        "[{\"name\": \"t\", \"colums\": []}]                          | $[0].colums is not a known field; expected one of [columns, name, schemaName]",
        "[{\"name\": \"t\"}]                                          | $[0].columns is required (an array)",
        "[{\"name\": \"t\", \"columns\": [\"a\", {\"name\": \" \"}]}] | $[0].columns[1].name must be a non-empty string",
        "[{\"name\": \"t\", \"columns\": [{\"name\": \"a\", \"dataType\": 3}]}] | $[0].columns[0].dataType must be a non-empty string",
        "[{\"name\": \"t\", \"name\": \"u\", \"columns\": []}]        | the schema is not valid JSON at line 1, column 22: the field 'name' appears twice in the same object",
        "[{\"name\": \"t\", \"columns\": []}] []                  | the schema is not valid JSON at line 1, column 32: more follows the end of the JSON value",
        "[{'name': 't', 'columns': []}]                             | the schema is not valid JSON at line 1, column 3: field names take double quotes, not single quotes",
    })
    void aMalformedSchemaFileIsAUsageErrorNamingTheFileAndThePlace(String content, String problem,
            @TempDir Path dir) throws IOException {
        String organization = LocalAdmin.newOrganization();
        Path schema = Files.writeString(dir.resolve("schema.json"), content);

        Run run = local.admin("datasource", "put", "--org", organization, "--name", "postgres-main",
                "--schema", schema.toString());

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("error: " + schema + ": " + problem), run.stderr());
        assertInClientTerms(run.stderr().substring(("error: " + schema).length()));
        assertEquals(Optional.empty(), repository().find(organization, "postgres-main"), "nothing is stored");
    }

    @Test
    void aMissingSchemaFileIsAUsageError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");

        Run run = local.admin("datasource", "put", "--org", "o", "--name", "d", "--schema", missing.toString());

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("error: " + missing + ": no such schema file\n", run.stderr());
    }

    @Test
    void aNameNoKeyCanHoldIsAUsageError() {
        Run run = local.admin("datasource", "put", "--org", "o", "--name", "x".repeat(1025));

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("--name: a datasource name must be 1 to 1024 UTF-8 bytes"), run.stderr());
    }
}
