package io.datamart.api;

import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertErrorMentioning;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.BadCredentials;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.MutableClock;
import io.datamart.throttling.OrganizationRequestLimit;
import io.datamart.wiring.DatamartApi;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * The per-organization request limit as clients meet it: every API function builds its
 * pipeline through {@link DatamartApi#handler}, so create and list here stand for all of
 * them. The template's environment, with a limit of two requests a minute.
 */
class RequestLimitTest {
    private static final String ROUTE = "/api/v2/data-app/datamarts";
    private static final String LEGACY_ROUTE = "/api/v2/dataApp/datamarts";
    /** 45.2 s into the current minute: Retry-After is 15. */
    private static final MutableClock CLOCK = new MutableClock(
            Instant.now().truncatedTo(ChronoUnit.MINUTES).plusMillis(45_200));

    @RegisterExtension
    static final FunctionUnderTest<RequestStreamHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> {
                Map<String, String> environment = f.environment();
                environment.put(OrganizationRequestLimit.LIMIT_VARIABLE, "2");
                ApiGatewayHandler handler = DatamartApi.create(f.dynamoDb(), environment, CLOCK)
                        .handler(Operation.CREATE, Operation.LIST);
                return handler::handle;
            });

    private static ApiResult create(String name) {
        return ApiCall.httpApi("POST", ROUTE).bearer(Fixtures.DEMO_TOKEN)
                .json(Fixtures.createBody(name).toString()).invoke(function.handler());
    }

    private static ApiResult list(String token) {
        return ApiCall.httpApi("GET", ROUTE).bearer(token).invoke(function.handler());
    }

    @Test
    void refusesTheRequestOverTheLimitWith429RetryAfterAndStoresNothing() {
        assertEquals(200, create("first").status());
        assertEquals(200, list(Fixtures.DEMO_TOKEN).status(), "reads count too");

        ApiResult refused = assertNothingChanged(function.db(), () -> create("third"));

        assertErrorMentioning(refused, 429, "TOO_MANY_REQUESTS", "at most 2 requests", "retry after 15 s");
        assertEquals("15", refused.header("Retry-After"));
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "third"));
    }

    @Test
    void aLegacyRouteIsLimitedTheSameWayAndStillAnnouncesItsSuccessor() {
        create("first");
        create("second");
        ApiResult refused = ApiCall.httpApi("POST", LEGACY_ROUTE).bearer(Fixtures.DEMO_TOKEN)
                .json(Fixtures.createBody("third").toString()).invoke(function.handler());

        assertEquals(429, refused.status());
        assertEquals("TOO_MANY_REQUESTS", refused.errorCode());
        assertDeprecation(refused, true);
    }

    @Test
    void anotherOrganizationIsNotHeldBackByABusyOne() {
        create("first");
        create("second");
        assertEquals(429, list(Fixtures.DEMO_TOKEN).status());

        assertEquals(200, list(Fixtures.OTHER_TOKEN).status());
    }

    @Test
    void theNextMinuteStartsAfresh() {
        create("first");
        create("second");
        assertEquals(429, create("third").status());

        CLOCK.advance(Duration.ofSeconds(15));
        try {
            assertEquals(200, create("third").status());
            assertNotNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "third"));
        } finally {
            CLOCK.advance(Duration.ofSeconds(-15));
        }
    }

    @Test
    void aRequestRefusedForItsTokenCountsAgainstNobody() {
        for (BadCredentials credentials : BadCredentials.values()) {
            assertEquals(401, credentials.apply(ApiCall.httpApi("GET", ROUTE)).invoke(function.handler()).status(),
                    credentials::name);
        }
        assertEquals(200, create("first").status());
        assertEquals(200, create("second").status());
    }

    @Test
    void aCounterTableThatCannotCountLetsTheRequestThroughAndSaysSo() {
        function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.UPDATE_ITEM, 1,
                () -> ProvisionedThroughputExceededException.builder().message("slow down").build());

        ApiResult result = create("first");

        assertEquals(200, result.status());
        assertNotNull(function.db().rawDatamart(Fixtures.DEMO_ORG, "first"));
        assertTrue(result.context().logs().stream().anyMatch(line -> line.contains(
                "Request not counted against the organization's limit: ProvisionedThroughputExceededException")),
                () -> String.join("\n", result.context().logs()));
    }
}
