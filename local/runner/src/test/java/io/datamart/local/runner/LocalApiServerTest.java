package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import io.datamart.local.ProjectFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local API as a user meets it: bin/local-api's server on a free port, the demo
 * seed, and the documented curl calls sent over real HTTP. The tests run in order,
 * as one session: create, duplicate, update, get, list, delete, delete again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalApiServerTest {
    private static final String TOKEN = "Bearer dbn_live_local_demo_token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final RunningLocalApi api = RunningLocalApi.deliveringEvents();

    /** The body of the Create Datamart page's "Create your datamart" curl example, verbatim. */
    static final String DOCUMENTED_CREATE = """
            {
            "name": "sales-analytics",
            "datasourceName": "postgres-main",
            "tableList": [
            {
            "schemaName": "public",
            "name": "orders",
            "clientColumn": "tenant_id",
            "isHide": false,
            "columns": [
            {"name": "order_id", "alias": "id", "label": "Order ID", "isHide": false},
            {"name": "customer_id", "label": "Customer", "isHide": false}
            ]
            }
            ],
            "tenancySettings": {
            "tenancyLevel": "TABLE",
            "clientColumnType": "STRING",
            "schemaName": "public",
            "tableName": "client_mapping",
            "tableClientNameColumn": "client_id",
            "tablePrimaryKeyColumn": "id"
            },
            "relationships": [
            {
            "parentTableName": "orders",
            "parentColumnName": "customer_id",
            "childTableName": "customers",
            "childColumnName": "id",
            "relationshipName": "orders_to_customers",
            "cardinality": "ManyToOne",
            "join": "LEFT JOIN"
            }
            ]
            }""";

    @Test
    @Order(1)
    void createsTheDocumentedDatamart() throws Exception {
        Response created = send("POST", "/api/v2/data-app/datamarts", DOCUMENTED_CREATE);
        assertEquals(200, created.status());
        assertEquals(Json.MAPPER.readTree("{\"id\": \"sales-analytics\", \"error\": null}"), created.body());
        assertTrue(api.logs().contains("\"function\":\"CreateDatamartFunction\""),
                "the function's log lines reach the runner's log stream");
    }

    @Test
    @Order(2)
    void refusesTheSameNameTwice() throws Exception {
        Response again = send("POST", "/api/v2/data-app/datamarts", DOCUMENTED_CREATE);
        assertEquals(400, again.status());
        assertEquals("INVALID_REQUEST_BODY", again.body().path("error").path("code").asText());
        assertEquals("Datamart name already exists", again.body().path("error").path("message").asText());
    }

    @Test
    @Order(3)
    void updatesItAndGetReturnsTheNewVersion() throws Exception {
        Response updated = send("PUT", "/api/v2/data-app/datamarts", """
                {"datamartName": "sales-analytics",
                 "tableList": [{"schemaName": "public", "name": "orders",
                   "columns": [{"name": "order_id"}, {"name": "order_date", "isApplyTimezone": true}]}],
                 "tenancySettings": {"tenancyLevel": "DATABASE", "primaryDatabase": "analytics"}}""");
        assertEquals(200, updated.status());
        assertEquals(Json.MAPPER.readTree("{\"id\": \"sales-analytics\"}"), updated.body());

        Response got = send("GET", "/api/v2/data-app/datamarts/sales-analytics", null);
        assertEquals(200, got.status());
        JsonNode datamart = got.body().path("data");
        assertEquals(2, datamart.path("version").asInt());
        assertEquals("order_date", datamart.path("tableList").path(0).path("columns").path(1).path("name").asText());
        assertEquals("analytics", datamart.path("tenancySettings").path("primaryDatabase").asText());
        assertEquals("orders_to_customers",
                datamart.path("relationships").path(0).path("relationshipName").asText(), "kept: not in the update");
        assertTrue(got.body().has("error") && got.body().get("error").isNull());
    }

    @Test
    @Order(4)
    void listsTenPerPageInNameOrder() throws Exception {
        for (int i = 0; i < 11; i++) {
            String body = DOCUMENTED_CREATE.replace("\"sales-analytics\"", "\"mart-" + (char) ('a' + i) + "\"");
            assertEquals(200, send("POST", "/api/v2/data-app/datamarts", body).status());
        }
        Response first = send("GET", "/api/v2/data-app/datamarts?isPagination=true&pageNumber=1", null);
        Response second = send("GET", "/api/v2/data-app/datamarts?isPagination=true&pageNumber=2", null);
        Response all = send("GET", "/api/v2/data-app/datamarts?expandDetails=false", null);
        assertEquals(10, first.body().path("data").size());
        assertEquals(2, second.body().path("data").size());
        assertEquals(List.of("mart-k", "sales-analytics"), names(second.body().path("data")));
        assertEquals(12, all.body().path("data").size());
        JsonNode summary = all.body().path("data").path(0);
        assertEquals(List.of("createdAt", "name", "updatedAt"), fieldNames(summary));
        assertTrue(first.body().path("data").path(0).has("tableList"), "details by default");
    }

    @Test
    @Order(5)
    void deletesItThenReportsItMissing() throws Exception {
        Response deleted = send("DELETE", "/api/v2/data-app/datamarts?datamartName=sales-analytics", null);
        assertEquals(200, deleted.status());
        assertEquals(Json.MAPPER.readTree("{\"id\": \"sales-analytics\", \"error\": null}"), deleted.body());

        Response again = send("DELETE", "/api/v2/data-app/datamarts?datamartName=sales-analytics", null);
        assertEquals(400, again.status());
        assertEquals("Datamart not found", again.body().path("error").path("message").asText());
        Response got = send("GET", "/api/v2/data-app/datamarts/sales-analytics", null);
        assertEquals("INVALID_DATAMART", got.body().path("error").path("code").asText());
    }

    @Test
    @Order(6)
    void legacyRoutesAnnounceTheirSuccessor() throws Exception {
        HttpResponse<String> response = HTTP.send(request("POST", "/api/v2/dataApp/datamart/delete",
                "{\"datamartName\": \"mart-a\"}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("true", response.headers().firstValue("Deprecation").orElse(null));
        assertEquals("</api/v2/data-app/datamarts>; rel=\"successor-version\"",
                response.headers().firstValue("Link").orElse(null));
    }

    @Test
    @Order(7)
    void answersAnUnknownRouteLikeApiGateway() throws Exception {
        Response missing = send("GET", "/api/v2/data-app/nothing-here", null);
        assertEquals(404, missing.status());
        assertEquals(Json.MAPPER.readTree("{\"message\": \"Not Found\"}"), missing.body());
        Response wrongMethod = send("PATCH", "/api/v2/data-app/datamarts", "{}");
        assertEquals(404, wrongMethod.status());
    }

    @Test
    @Order(8)
    void refusesARequestWithoutAToken() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(api.url().resolve(
                "/api/v2/data-app/datamarts")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
        assertEquals("AUTH_ERROR", Json.MAPPER.readTree(response.body()).path("error").path("code").asText());
    }

    @Test
    @Order(10)
    void publishedAChangeEventForEachWriteItServed() throws Exception {
        List<String> expected = List.of("Datamart Created", "Datamart Updated", "Datamart Deleted");
        List<String> published = List.of();
        for (int waited = 0; waited < 10_000 && published.size() < expected.size(); waited += 100) {
            Thread.sleep(100);
            published = api.logs().lines()
                    .filter(line -> line.startsWith("{\"localEventBus\"") && line.contains("\"sales-analytics\""))
                    .map(line -> line.replaceAll(".*\"detail-type\":\"([^\"]+)\".*", "$1"))
                    .toList();
        }
        assertEquals(expected, published.subList(0, Math.min(published.size(), expected.size())),
                "the create, update and delete of tests 1 to 5, in order");
    }

    @Test
    @Order(9)
    void keepsDataInADataDirAcrossRestarts(@TempDir Path dataDir) throws Exception {
        try (LocalEnvironment first = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(), dataDir,
                api.logStream());
             LocalApiServer restarted = LocalApiServer.start(first, 0, api.logStream())) {
            assertEquals(200, send(restarted.url(), "POST", "/api/v2/data-app/datamarts", DOCUMENTED_CREATE)
                    .status());
        }
        assertTrue(Files.exists(dataDir.resolve("dynamodb-journal.jsonl")), "the tables are kept in the data folder");
        try (LocalEnvironment second = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(), dataDir,
                api.logStream());
             LocalApiServer restarted = LocalApiServer.start(second, 0, api.logStream())) {
            Response got = send(restarted.url(), "GET", "/api/v2/data-app/datamarts/sales-analytics", null);
            assertEquals(200, got.status());
            assertEquals("postgres-main", got.body().path("data").path("datasourceName").asText());
            assertNull(got.body().path("error").textValue());
        }
    }

    private record Response(int status, JsonNode body) {
    }

    private static Response send(String method, String path, String body) throws Exception {
        return send(api.url(), method, path, body);
    }

    private static Response send(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", TOKEN);
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(builder.method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), Json.MAPPER.readTree(response.body()));
    }

    private static HttpRequest request(String method, String path, String body) {
        return HttpRequest.newBuilder(api.url().resolve(path)).header("Authorization", TOKEN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static List<String> names(JsonNode data) {
        List<String> names = new ArrayList<>();
        data.forEach(datamart -> names.add(datamart.path("name").asText()));
        return names;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }
}
