package io.datamart.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.functions.create.CreateDatamartHandler;
import io.datamart.local.LocalAws;
import io.datamart.testing.TestAws;
import io.datamart.testing.TestContext;
import io.datamart.wiring.DatamartApi;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The test AWS with template.yaml's tables, bin/admin run in-process against its endpoint,
 * and the real create function reading the same tables. Each test works in an organization
 * of its own, so the tables are shared, never emptied.
 */
final class LocalAdmin {
    /** The tables as the template names them locally, and no token cache: a revocation counts at once. */
    static final Map<String, String> FUNCTION_ENVIRONMENT = Map.of(
            "DATAMARTS_TABLE", "DatamartsTable",
            "DATASOURCES_TABLE", "DatasourcesTable",
            "SERVICE_TOKENS_TABLE", "ServiceTokensTable",
            "IDEMPOTENCY_KEYS_TABLE", "IdempotencyKeysTable",
            "DATAMART_VERSIONS_TABLE", "DatamartVersionsTable",
            DatamartApi.TOKEN_CACHE_TTL_VARIABLE, "0");

    private final LocalAws aws;

    private LocalAdmin(LocalAws aws) {
        this.aws = aws;
    }

    static LocalAdmin start() {
        return new LocalAdmin(TestAws.instance());
    }

    /** A fresh organization id, so tests never see each other's tokens or datasources. */
    static String newOrganization() {
        return "org-" + UUID.randomUUID();
    }

    String endpoint() {
        return aws.endpoint().toString();
    }

    DynamoDbClient client() {
        return aws.dynamoDb();
    }

    record Run(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** bin/admin ARGS --endpoint (the test AWS), empty environment, the real clock. */
    Run admin(String... args) {
        return admin(Clock.systemUTC(), Map.of(), args);
    }

    Run admin(Clock clock, Map<String, String> environment, String... args) {
        return run(clock, environment, Stream.concat(Stream.of(args), Stream.of("--endpoint", endpoint()))
                .toArray(String[]::new));
    }

    /** bin/admin exactly as given. */
    static Run run(Clock clock, Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment, clock);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Response(int status, String errorCode, String body) {
    }

    /**
     * POST /api/v2/data-app/datamarts through the real create handler, as API Gateway
     * (HTTP API, payload 2.0) delivers it.
     */
    Response createDatamart(String token, String body) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "POST /api/v2/data-app/datamarts");
        event.put("rawPath", "/api/v2/data-app/datamarts");
        event.put("rawQueryString", "");
        ObjectNode headers = event.putObject("headers");
        headers.put("authorization", "Bearer " + token);
        headers.put("content-type", "application/json");
        headers.put("host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com");
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", "a1b2c3d4e5");
        context.put("domainName", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com");
        ObjectNode http = context.putObject("http");
        http.put("method", "POST");
        http.put("path", "/api/v2/data-app/datamarts");
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "203.0.113.25");
        http.put("userAgent", "curl/8.5.0");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", "POST /api/v2/data-app/datamarts");
        context.put("stage", "$default");
        context.put("timeEpoch", System.currentTimeMillis());
        event.put("body", body);
        event.put("isBase64Encoded", false);

        CreateDatamartHandler handler = new CreateDatamartHandler(
                DatamartApi.create(client(), FUNCTION_ENVIRONMENT, Clock.systemUTC()));
        try {
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), response,
                    new TestContext());
            var json = Json.MAPPER.readTree(response.toByteArray());
            String responseBody = json.path("body").asText();
            var code = Json.MAPPER.readTree(responseBody).path("error").path("code");
            return new Response(json.path("statusCode").asInt(), code.isTextual() ? code.textValue() : null,
                    responseBody);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
