package io.datamart.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.ApiGatewayHandler;
import io.datamart.api.Json;
import io.datamart.api.Operation;
import io.datamart.local.LocalAws;
import io.datamart.local.ProjectFiles;
import io.datamart.local.runner.LocalEnvironment;
import io.datamart.persistence.ItemSize;
import io.datamart.persistence.TableNames;
import io.datamart.wiring.DatamartApi;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What reading page N of List Datamarts costs: items read and the read capacity they
 * come to, for pages 1, 10 and 100 (pages of 10), counted by a client wrapped around
 * the DynamoDB one, not timed. Each page goes through the read function's real handler.
 * Beside it, in the same run, what reading the page by skipping every earlier datamart
 * costs (how pageNumber used to be served).
 *
 * <p>Usage: ListPagesBenchmark [DATAMARTS] [LABEL_BYTES] (defaults 1000 and 4000).
 */
public final class ListPagesBenchmark {
    private static final String ORGANIZATION = "demo";
    private static final String TOKEN = "dbn_live_local_demo_token";
    private static final int[] PAGES = {1, 10, 100};

    private ListPagesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int datamarts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int labelBytes = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        Path root = ProjectFiles.root();
        PrintStream out = System.out;
        try (LocalEnvironment environment = LocalEnvironment.start(root.resolve("template.yaml"),
                root.resolve("local/seed.json"), null, new PrintStream(PrintStream.nullOutputStream()))) {
            Map<String, String> variables = new HashMap<>(environment.template().functions()
                    .get("ReadDatamartsFunction").environment());
            variables.put("ORGANIZATION_REQUESTS_PER_MINUTE", "0");
            CountingDynamoDbClient counter = new CountingDynamoDbClient(environment.aws().dynamoDb());
            DatamartApi api = DatamartApi.create(counter, variables, Clock.systemUTC());
            ApiGatewayHandler handler = api.handler(Operation.LIST, Operation.GET);
            DatamartApi creates = DatamartApi.create(environment.aws().dynamoDb(),
                    environment.template().functions().get("CreateDatamartFunction").environment(), Clock.systemUTC());
            long itemBytes = seed(environment.aws().dynamoDb(), creates, TableNames.fromEnvironment(variables),
                    datamarts, labelBytes);

            out.printf("List Datamarts, pages of 10, through the read function's handler; %d datamarts of %,d bytes "
                    + "each (DynamoDB's count) in one organization%n", datamarts, itemBytes);
            out.printf("DynamoDB: %s. Figures are counted, not timed: entries each Query returned, the bytes of "
                    + "those entries, and the read capacity DynamoDB charges for them (per Query, bytes rounded up "
                    + "to 4 KB; 1 unit per 4 KB strongly consistent, 0.5 eventually consistent).%n",
                    environment.aws().describe());
            out.printf("%-6s | %-44s | %-36s | %s%n", "page", "now: index entries, KB / datamarts, KB",
                    "before: datamarts read, KB", "read capacity now / before");
            for (int page : PAGES) {
                counter.reset();
                JsonNode body = list(handler, page);
                CountingDynamoDbClient.Reads now = counter.reads();
                int listed = body.path("data").size();
                counter.reset();
                // The old way: the table read from the start, every earlier datamart skipped.
                api.service().listAfter(ORGANIZATION, null, (page - 1) * 10 + 10).count();
                CountingDynamoDbClient.Reads before = counter.reads();
                out.printf("%-6d | %,7d, %,9.1f KB / %,5d, %,9.1f KB        | %,7d, %,11.1f KB             "
                                + "| %,9.1f / %,9.1f  (%d listed)%n", page,
                        now.indexEntries(), now.indexBytes() / 1024.0, now.tableItems(), now.tableBytes() / 1024.0,
                        before.tableItems(), before.tableBytes() / 1024.0, now.capacity(), before.capacity(), listed);
            }
        }
    }

    private static JsonNode list(ApiGatewayHandler handler, int page) throws Exception {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0").put("routeKey", "GET /api/v2/data-app/datamarts")
                .put("rawPath", "/api/v2/data-app/datamarts")
                .put("rawQueryString", "isPagination=true&pageNumber=" + page);
        event.putObject("headers").put("authorization", "Bearer " + TOKEN);
        event.putObject("requestContext").put("requestId", "bench").put("stage", "$default")
                .putObject("http").put("method", "GET").put("path", "/api/v2/data-app/datamarts");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handle(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), output,
                new BenchContext("ReadDatamartsFunction"));
        JsonNode response = Json.MAPPER.readTree(output.toByteArray());
        if (response.path("statusCode").asInt() != 200) {
            throw new IllegalStateException("List Datamarts answered " + response);
        }
        return Json.MAPPER.readTree(response.path("body").asText());
    }

    /**
     * One datamart created through the service, then copied under other names straight
     * into the table: creating each through a transaction would take minutes on moto.
     */
    private static long seed(DynamoDbClient dynamoDb, DatamartApi api, TableNames tables, int count, int labelBytes)
            throws Exception {
        ObjectNode body = (ObjectNode) Json.MAPPER.readTree(ProjectFiles.root()
                .resolve("events/create/http-api.json").toFile());
        ObjectNode datamart = (ObjectNode) Json.MAPPER.readTree(body.path("body").asText());
        ((ObjectNode) datamart.path("tableList").path(0)).put("label", "x".repeat(labelBytes));
        datamart.put("name", name(0));
        api.service().create(ORGANIZATION, datamart);
        Map<String, AttributeValue> first = dynamoDb.getItem(r -> r.tableName(tables.datamarts())
                .key(Map.of("organizationId", AttributeValue.fromS(ORGANIZATION), "name",
                        AttributeValue.fromS(name(0))))).item();
        for (int i = 1; i < count; i++) {
            Map<String, AttributeValue> copy = new HashMap<>(first);
            copy.put("name", AttributeValue.fromS(name(i)));
            dynamoDb.putItem(r -> r.tableName(tables.datamarts()).item(copy));
        }
        return ItemSize.of(first);
    }

    private static String name(int i) {
        return String.format("datamart-%05d", i);
    }
}
