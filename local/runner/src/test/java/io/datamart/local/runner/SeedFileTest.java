package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.auth.ServiceTokenHashes;
import io.datamart.local.LocalAws;
import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel;
import io.datamart.persistence.ProducerGrantRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SeedFileTest {

    @Test
    void theShippedSeedHoldsEveryTableAndColumnTheDocumentedExamplesUse() {
        SeedFile seed = SeedFile.load(ProjectFiles.seed());
        SeedFile.Organization demo = seed.organizations().get(0);
        assertEquals("demo", demo.id());
        assertEquals(List.of("dbn_live_local_demo_token"), demo.serviceTokens());
        var tables = demo.datasources().get(0).tables();
        assertEquals("postgres-main", demo.datasources().get(0).name());
        assertTrue(columns(tables, "orders").containsAll(List.of("order_id", "customer_id", "order_date", "tenant_id",
                "quantity", "unit_price", "status")));
        assertTrue(columns(tables, "customers").containsAll(List.of("id", "first_name", "last_name", "status")));
        assertTrue(columns(tables, "client_mapping").containsAll(List.of("id", "client_id", "client_name")));
    }

    @Test
    void storesTokenHashesNeverTokens() {
        try (LocalAws aws = LocalAws.start(null, 0)) {
            TemplateModel template = TemplateModel.load(ProjectFiles.template());
            aws.createTables(template.tables().values());
            SeedFile.load(ProjectFiles.seed()).apply(aws.dynamoDb(), LocalEnvironment.tableNames(template),
                    Clock.systemUTC());

            var items = aws.dynamoDb().scan(r -> r.tableName("ServiceTokensTable")).items();
            assertEquals(1, items.size());
            assertEquals(ServiceTokenHashes.sha256("dbn_live_local_demo_token"), items.get(0).get("tokenHash").s());
            assertFalse(items.get(0).values().stream().map(AttributeValue::s)
                    .anyMatch("dbn_live_local_demo_token"::equals));
            var datasource = aws.dynamoDb().scan(r -> r.tableName("DatasourcesTable")).items().get(0);
            assertEquals(3, datasource.get("tables").l().size(), "the schema is kept with the datasource");
        }
    }

    @Test
    void grantsTheSeedsProducersTheirOrganization() {
        try (LocalAws aws = LocalAws.start(null, 0)) {
            TemplateModel template = TemplateModel.load(ProjectFiles.template());
            aws.createTables(template.tables().values());
            String table = template.variable(ProducerGrantRepository.TABLE_VARIABLE).orElseThrow();
            SeedFile.load(ProjectFiles.seed()).apply(aws.dynamoDb(), LocalEnvironment.tableNames(template), table,
                    Clock.systemUTC());

            ProducerGrantRepository grants = new ProducerGrantRepository(aws.dynamoDb(), table, Clock.systemUTC());
            assertTrue(grants.mayActFor("role:AROAEXAMPLEID", "demo"), "the sample events' role");
            assertTrue(grants.mayActFor("source:datamart.producer.tenants", "demo"), "the sample bus events' source");
            assertTrue(grants.mayActFor("role:" + TemplateModel.LOCAL_PRINCIPAL_ID, "demo"), "moto's one sender");
            assertFalse(grants.mayActFor("role:AROAEXAMPLEID", "acme"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"organizations\": [}                           | not valid JSON at line 1, column 20",
        "[]                                               | the seed must be a JSON object",
        "{\"orgs\": []}                                   | orgs is not a known field",
        "{\"organizations\": {}}                          | organizations must be an array",
        "{\"organizations\": [{\"serviceTokens\": []}]}   | organizations[0].id is required",
        "{\"organizations\": [{\"id\": \" \"}]}           | organizations[0].id must be a non-empty string",
        "{\"organizations\": [{\"id\": \"o\", \"serviceTokens\": [7]}]} | organizations[0].serviceTokens[0] must be a non-empty string",
        "{\"organizations\": [{\"id\": \"o\", \"serviceTokens\": [\"secret\"]}]} | organizations[0].serviceTokens[0] must be a service token: dbn_live_ followed by",
        "{\"organizations\": [{\"id\": \"o\", \"datasources\": [{\"name\": \"d\", \"tables\": [{\"name\": \"t\"}]}]}]} | organizations[0].datasources[0].tables[0].columns is required",
    })
    void refusesAMalformedSeedNamingTheFileAndThePlace(String content, String problem, @TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("seed.json");
        Files.writeString(file, content);

        SeedFile.InvalidSeedException refused = assertThrows(SeedFile.InvalidSeedException.class,
                () -> SeedFile.load(file));

        assertTrue(refused.getMessage().startsWith(file + ": "), refused.getMessage());
        assertTrue(refused.getMessage().contains(problem), refused.getMessage());
    }

    private static List<String> columns(List<io.datamart.domain.DatasourceTable> tables, String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().columns().stream()
                .map(io.datamart.domain.DatasourceColumn::name).toList();
    }
}
