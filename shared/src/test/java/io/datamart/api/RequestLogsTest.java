package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.LogLines;
import io.datamart.testing.StandardOutput;
import io.datamart.testing.TokenLogs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the API functions log and measure per request, through a real handler: one log line
 * and one Embedded Metric Format line, each one JSON object with its fields at the top level,
 * and never a token or anything of the body.
 */
class RequestLogsTest {
    private static final String ROUTE = "/api/v2/data-app/datamarts";
    /** Travels in bodies and tokens; found in a log line, it would be a leak. */
    private static final String MARKER = "LEAK-MARKER-4f7c2a";

    @RegisterExtension
    static final FunctionUnderTest<RequestStreamHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> f.api().handler(Operation.CREATE, Operation.LIST)::handle);

    private static ObjectNode bodyWithMarker(String name) {
        ObjectNode body = Fixtures.createBody(name);
        ((ObjectNode) body.path("tableList").get(0)).put("label", MARKER);
        return body;
    }

    private static ApiResult create(String token, String body) {
        return ApiCall.httpApi("POST", ROUTE).bearer(token).json(body).invoke(function.handler());
    }

    /** The request's own line (a warning on the way has no status). */
    private static JsonNode requestLine(ApiResult result) {
        List<JsonNode> lines = result.context().logs().stream().map(LogLines::parse)
                .filter(line -> !LogLines.isMetricLine(line) && line.has("status")).toList();
        assertEquals(1, lines.size(), () -> "one line per request: " + lines);
        return lines.get(0);
    }

    private static JsonNode onlyMetricLine(ApiResult result) {
        List<JsonNode> lines = result.context().logs().stream().map(LogLines::parse)
                .filter(line -> LogLines.isMetricLine(line) && line.has(ApiGatewayHandler.REQUESTS_METRIC)).toList();
        assertEquals(1, lines.size(), () -> "one metric line per request: " + lines);
        return lines.get(0);
    }

    @Test
    void logsARequestAsOneJsonObjectWithItsFieldsAtTheTopLevel() {
        ApiResult created = create(Fixtures.DEMO_TOKEN, Fixtures.createBody("logged").toString());
        assertEquals(200, created.status());

        JsonNode line = requestLine(created);
        LogLines.assertLogLine(line);
        assertEquals("INFO", line.path("level").asText());
        assertEquals(created.context().getAwsRequestId(), line.path("requestId").asText());
        assertEquals("CREATE", line.path("operation").asText());
        assertEquals("POST " + ROUTE, line.path("route").asText());
        assertEquals(Fixtures.DEMO_ORG, line.path("organization").asText());
        assertEquals(200, line.path("status").asInt());
        assertTrue(line.has("errorCode") && line.path("errorCode").isNull(), line::toString);
        assertTrue(line.path("durationMs").isNumber() && line.path("durationMs").asDouble() > 0, line::toString);
        assertTrue(java.time.Instant.parse(line.path("timestamp").asText()).isAfter(
                java.time.Instant.now().minusSeconds(60)), line::toString);
    }

    @Test
    void measuresARequestByOperationStatusClassAndErrorCodeInEmbeddedMetricFormat() {
        ApiResult created = create(Fixtures.DEMO_TOKEN, Fixtures.createBody("measured").toString());
        ApiResult refused = create(Fixtures.DEMO_TOKEN, Fixtures.createBody("measured").toString());
        assertEquals(400, refused.status(), "the name is taken");

        JsonNode success = onlyMetricLine(created);
        LogLines.assertEmbeddedMetricFormat(success);
        JsonNode directive = success.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals(EmbeddedMetrics.NAMESPACE, directive.path("Namespace").asText());
        assertEquals("[[\"Operation\",\"StatusClass\",\"ErrorCode\"],[\"Operation\"]]",
                directive.path("Dimensions").toString());
        assertEquals("CREATE", success.path("Operation").asText());
        assertEquals("2xx", success.path("StatusClass").asText());
        assertEquals(EmbeddedMetrics.NO_ERROR, success.path("ErrorCode").asText());
        assertEquals(1, success.path(ApiGatewayHandler.REQUESTS_METRIC).asInt());
        assertEquals(requestLine(created).path("durationMs").asDouble(),
                success.path(ApiGatewayHandler.LATENCY_METRIC).asDouble(), "the latency the log line reports");

        JsonNode failure = onlyMetricLine(refused);
        LogLines.assertEmbeddedMetricFormat(failure);
        assertEquals("4xx", failure.path("StatusClass").asText());
        assertEquals(refused.errorCode(), failure.path("ErrorCode").asText());
        assertEquals(refused.errorCode(), requestLine(refused).path("errorCode").asText());
        assertEquals(400, requestLine(refused).path("status").asInt());
    }

    @Test
    void logsAServerFailureAsAnErrorCountedAs5xx() {
        function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS, 10,
                Failures::throttled);
        ApiResult unavailable = create(Fixtures.DEMO_TOKEN, Fixtures.createBody("throttled").toString());
        assertEquals(503, unavailable.status());

        assertEquals("ERROR", requestLine(unavailable).path("level").asText());
        assertEquals("5xx", onlyMetricLine(unavailable).path("StatusClass").asText());
        assertEquals("SERVICE_UNAVAILABLE", onlyMetricLine(unavailable).path("ErrorCode").asText());
    }

    @Test
    void neverLogsATokenOrABodyWhateverTheRequestComesTo() {
        List<ApiResult> results = new ArrayList<>();
        List<String> output = StandardOutput.during(() -> {
            results.add(create(Fixtures.DEMO_TOKEN, bodyWithMarker("marked").toString()));
            ObjectNode unknownField = bodyWithMarker("unknown-field");
            unknownField.put(MARKER, MARKER);
            results.add(create(Fixtures.DEMO_TOKEN, unknownField.toString()));
            results.add(create(Fixtures.DEMO_TOKEN, "{\"name\": \"" + MARKER + "\", " + MARKER));
            results.add(create("dbn_live_" + MARKER, bodyWithMarker("bad-token").toString()));
            function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.TRANSACT_WRITE_ITEMS, 10,
                    Failures::throttled);
            results.add(create(Fixtures.OTHER_TOKEN, bodyWithMarker("unavailable").toString()));
        });
        assertEquals(List.of(2, 4, 4, 4, 5), results.stream().map(result -> result.status() / 100).toList(),
                results::toString);
        assertTrue(function.db().rawDatamart(Fixtures.DEMO_ORG, "marked").toString().contains(MARKER),
                "the marker reached the handler and was stored");
        assertTrue(results.get(1).body().toString().contains(MARKER), "and was read: the answer names the field");

        List<String> lines = new ArrayList<>(output);
        results.forEach(result -> lines.addAll(result.context().logs()));
        List<String> secrets = new ArrayList<>(TokenLogs.TOKENS);
        secrets.add(MARKER);
        LogLines.assertWellFormedAndHoldingNone(lines, secrets);
        assertTrue(results.get(4).context().logged("WARN", "Service unavailable"), "the cause has a line of its own");
    }
}
