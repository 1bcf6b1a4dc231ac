package io.datamart.api;

import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.testing.ColdStarts;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.LogLines;
import io.datamart.throttling.OrganizationRequestLimit;
import io.datamart.wiring.DatamartApi;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pipeline every API function shares, through the create function's handler (create
 * and list): the answer, the request's one log line and one metric line, whatever the
 * request came to.
 */
class ApiGatewayHandlerTest {
    private static final String ROUTE = "/api/v2/data-app/datamarts";
    private static final String LEGACY_ROUTE = "/api/v2/dataApp/datamarts";

    @RegisterExtension
    static final FunctionUnderTest<ApiGatewayHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> f.api().handler(Operation.CREATE, Operation.LIST));

    /** The local AWS started before any test, so that no test's time includes its start. */
    @BeforeAll
    static void startLocalAws() {
        LocalDynamoDb.instance();
    }

    /** A call and how long it took from outside, in milliseconds: what the handler's own measure cannot exceed. */
    private record Timed(ApiResult result, double wallMs) {
    }

    private static Timed timed(Supplier<ApiResult> call) {
        long started = System.nanoTime();
        ApiResult result = call.get();
        return new Timed(result, (System.nanoTime() - started) / 1_000_000.0);
    }

    private static ApiResult create(ApiCall call) {
        return call.invoke(function.handler()::handle);
    }

    private static ApiCall createCall(String path, String name) {
        return ApiCall.httpApi("POST", path).bearer(Fixtures.DEMO_TOKEN).json(Fixtures.createBody(name).toString());
    }

    private static List<JsonNode> lines(ApiResult result) {
        return result.context().logs().stream().map(LogLines::parse).toList();
    }

    /** The request's own line: the one log line with a status. */
    private static JsonNode requestLine(ApiResult result) {
        List<JsonNode> found = lines(result).stream()
                .filter(line -> !LogLines.isMetricLine(line) && line.has("status")).toList();
        assertEquals(1, found.size(), () -> "one line per request: " + result.context().logs());
        LogLines.assertLogLine(found.get(0));
        return found.get(0);
    }

    private static JsonNode metricLine(ApiResult result) {
        List<JsonNode> found = lines(result).stream()
                .filter(line -> LogLines.isMetricLine(line) && line.has(ApiGatewayHandler.REQUESTS_METRIC)).toList();
        assertEquals(1, found.size(), () -> "one metric line per request: " + result.context().logs());
        LogLines.assertEmbeddedMetricFormat(found.get(0));
        return found.get(0);
    }

    private static void assertDurationWithin(JsonNode line, double wallMs) {
        double durationMs = line.path("durationMs").asDouble(-1);
        assertTrue(durationMs >= 0 && durationMs <= wallMs, () -> "durationMs " + durationMs
                + " within the " + wallMs + " ms the call took: " + line);
    }

    @Test
    void logsASuccessWithItsRouteOrganizationStatusAndDuration() {
        Timed created = timed(() -> create(createCall(ROUTE, "logged")));
        ApiResult result = created.result();
        assertEquals(200, result.status(), result::toString);

        JsonNode line = requestLine(result);
        assertEquals("INFO", line.path("level").asText());
        assertEquals(result.context().getAwsRequestId(), line.path("requestId").asText());
        assertEquals("POST " + ROUTE + " 200", line.path("message").asText());
        assertEquals("CREATE", line.path("operation").asText());
        assertEquals("POST " + ROUTE, line.path("route").asText());
        assertEquals(Fixtures.DEMO_ORG, line.path("organization").asText());
        assertEquals(200, line.path("status").asInt());
        assertTrue(line.path("errorCode").isNull(), line::toString);
        assertDurationWithin(line, created.wallMs());
        assertTrue(lines(result).stream().noneMatch(l -> "WARN".equals(l.path("level").asText())),
                () -> "nothing to warn of without a request limit: " + result.context().logs());

        JsonNode metric = metricLine(result);
        assertEquals("CREATE", metric.path(EmbeddedMetrics.OPERATION).asText());
        assertEquals("2xx", metric.path(EmbeddedMetrics.STATUS_CLASS).asText());
        assertEquals(EmbeddedMetrics.NO_ERROR, metric.path(EmbeddedMetrics.ERROR_CODE).asText());
        assertEquals(result.context().getAwsRequestId(), metric.path("requestId").asText());
        assertEquals(line.path("durationMs").asDouble(), metric.path(ApiGatewayHandler.LATENCY_METRIC).asDouble());
    }

    @Test
    void logsARefusalWithItsErrorCodeBeforeTheOrganizationIsKnown() {
        Timed refused = timed(() -> create(ApiCall.httpApi("POST", ROUTE).bearer("dbn_live_nobody_holds_this")
                .json(Fixtures.createBody("refused").toString())));
        ApiResult result = refused.result();
        assertEquals(400, result.status(), result::toString);
        assertEquals("AUTH_ERROR", result.errorCode());

        JsonNode line = requestLine(result);
        assertEquals("INFO", line.path("level").asText());
        assertEquals("POST " + ROUTE + " 400", line.path("message").asText());
        assertEquals("POST " + ROUTE, line.path("route").asText());
        assertTrue(line.path("organization").isNull(), line::toString);
        assertEquals(400, line.path("status").asInt());
        assertEquals(result.errorCode(), line.path("errorCode").asText());
        assertDurationWithin(line, refused.wallMs());

        JsonNode metric = metricLine(result);
        assertEquals("4xx", metric.path(EmbeddedMetrics.STATUS_CLASS).asText());
        assertEquals(result.errorCode(), metric.path(EmbeddedMetrics.ERROR_CODE).asText());
    }

    @Test
    void logsARequestNoRouteMatchedAsUnroutedUnderTheFunctionsFirstOperation() {
        ApiResult result = create(ApiCall.httpApi("PATCH", ROUTE).bearer(Fixtures.DEMO_TOKEN).json("{}"));
        assertEquals(404, result.status(), result::toString);
        assertDeprecation(result, false);

        JsonNode line = requestLine(result);
        assertEquals("unrouted request 404", line.path("message").asText());
        assertTrue(line.has("route") && line.path("route").isNull(), line::toString);
        assertEquals("CREATE", line.path("operation").asText());
        assertEquals(result.errorCode(), line.path("errorCode").asText());
        assertEquals("4xx", metricLine(result).path(EmbeddedMetrics.STATUS_CLASS).asText());
    }

    @Test
    void logsAnUnexpectedFailureAsAnErrorWithItsOwnLineAndAnOpaque500() {
        function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 1,
                () -> new IllegalStateException("broken invariant near " + Failures.INTERNAL_TEXT));
        ApiResult result = create(createCall(ROUTE, "broken"));
        assertEquals(500, result.status(), result::toString);

        assertEquals("ERROR", requestLine(result).path("level").asText());
        assertEquals(500, requestLine(result).path("status").asInt());
        assertTrue(result.context().logged("ERROR", "Unexpected failure: java.lang.IllegalStateException"),
                () -> "the failure, with its trace, has a line of its own: " + result.context().logs());
        assertEquals("5xx", metricLine(result).path(EmbeddedMetrics.STATUS_CLASS).asText());
    }

    @Test
    void announcesTheSuccessorOnALegacyRouteOnly() {
        ApiResult legacy = create(createCall(LEGACY_ROUTE, "legacy"));
        ApiResult current = create(createCall(ROUTE, "current"));

        assertEquals(200, legacy.status(), legacy::toString);
        assertDeprecation(legacy, true);
        assertEquals(200, current.status(), current::toString);
        assertDeprecation(current, false);
    }

    @Test
    void recordsAColdStartOnTheFirstInvocationOfAnExecutionEnvironmentOnly() throws Exception {
        ColdStarts.asInANewExecutionEnvironment();

        ApiResult first = create(createCall(ROUTE, "first"));
        ApiResult second = create(createCall(ROUTE, "second"));

        List<JsonNode> coldStarts = lines(first).stream().filter(l -> l.has(EmbeddedMetrics.COLD_STARTS)).toList();
        assertEquals(1, coldStarts.size(), () -> "one cold start line: " + first.context().logs());
        assertEquals(first.context().getFunctionName(), coldStarts.get(0).path(EmbeddedMetrics.FUNCTION).asText());
        assertTrue(lines(second).stream().noneMatch(l -> l.has(EmbeddedMetrics.COLD_STARTS)), "then warm");
    }

    @Test
    void replaysAWriteRetriedWithItsIdempotencyKey() {
        ApiResult created = create(createCall(ROUTE, "keyed").header("Idempotency-Key", "create-keyed-1"));
        ApiResult retried = create(createCall(ROUTE, "keyed").header("Idempotency-Key", "create-keyed-1"));

        assertEquals(200, created.status(), created::toString);
        assertEquals(null, created.header(IdempotentRequests.REPLAYED));
        assertEquals(200, retried.status(), retried::toString);
        assertEquals("true", retried.header(IdempotentRequests.REPLAYED));
        assertEquals(created.body(), retried.body());
    }

    @Test
    void remembersTheTokenOfARequestWhenTheTokenCacheIsOn() {
        Map<String, String> environment = function.environment();
        environment.put(DatamartApi.TOKEN_CACHE_TTL_VARIABLE, "60");
        ApiGatewayHandler cached = DatamartApi.create(function.dynamoDb(), environment, Clock.systemUTC())
                .handler(Operation.CREATE, Operation.LIST);
        assertEquals(0, cached.rememberedTokens());

        ApiResult listed = ApiCall.httpApi("GET", ROUTE).bearer(Fixtures.DEMO_TOKEN).invoke(cached::handle);

        assertEquals(200, listed.status(), listed::toString);
        assertEquals(1, cached.rememberedTokens());
    }

    @Test
    void servesAndWarnsWhenTheRequestLimitCannotCountARequest() {
        Map<String, String> environment = function.environment();
        environment.put(OrganizationRequestLimit.LIMIT_VARIABLE, "100");
        ApiGatewayHandler limited = DatamartApi.create(function.dynamoDb(), environment, Clock.systemUTC())
                .handler(Operation.CREATE, Operation.LIST);
        function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.UPDATE_ITEM, 1, Failures::throttled);

        ApiResult listed = ApiCall.httpApi("GET", ROUTE).bearer(Fixtures.DEMO_TOKEN).invoke(limited::handle);

        assertEquals(200, listed.status(), listed::toString);
        assertTrue(listed.context().logged("WARN", "Request not counted against the organization's limit: "),
                () -> listed.context().logs().toString());
    }
}
