package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.datamart.aws.AwsClients;
import io.datamart.persistence.DynamoDbClients;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.FaultInjectingHttpClient.Fault;
import io.datamart.testing.FaultInjectingHttpClient;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.StoredDatamarts;
import io.datamart.throttling.OrganizationRequestLimit;
import io.datamart.wiring.DatamartApi;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every operation with each DynamoDB call it makes failing on the wire, under the SDK and
 * its retry strategy as the functions configure it (DynamoDbRetryPolicy): throttling of
 * each kind, transaction conflicts, DynamoDB's own 500 and timeouts, once (the retry
 * heals it where a retry is safe) or on every attempt. Whatever happens: never a partial
 * write, never a 5xx without a request id, and a request that failed changed nothing.
 */
class TransientDynamoDbFaultsTest {
    private static final String ROUTE = "/api/v2/data-app/datamarts";
    private static final String NAME = "sales-analytics";

    /** An operation, what it needs stored first, and the DynamoDB calls it makes, in order. */
    enum Request {
        CREATE(false, List.of("GetItem", "UpdateItem", "GetItem", "TransactWriteItems")),
        UPDATE(true, List.of("GetItem", "UpdateItem", "GetItem", "GetItem", "TransactWriteItems")),
        DELETE(true, List.of("GetItem", "UpdateItem", "GetItem", "Query", "TransactWriteItems")),
        LIST(true, List.of("GetItem", "UpdateItem", "Query")),
        GET(true, List.of("GetItem", "UpdateItem", "GetItem"));

        final boolean seeded;
        /** The token's GetItem, the organization's request count (an UpdateItem), then the operation's own. */
        final List<String> calls;

        Request(boolean seeded, List<String> calls) {
            this.seeded = seeded;
            this.calls = calls;
        }

        ApiCall call() {
            ApiCall call = switch (this) {
                case CREATE -> ApiCall.httpApi("POST", ROUTE).json(Fixtures.DOCUMENTED_CREATE_BODY);
                case UPDATE -> ApiCall.httpApi("PUT", ROUTE).json("{\"datamartName\": \"" + NAME
                        + "\", \"relationships\": []}");
                case DELETE -> ApiCall.httpApi("DELETE", ROUTE).query("datamartName", NAME);
                case LIST -> ApiCall.httpApi("GET", ROUTE);
                case GET -> ApiCall.httpApi("GET", ROUTE + "/{name}").pathParameter("name", NAME);
            };
            return call.bearer(Fixtures.DEMO_TOKEN);
        }

        Operation operation() {
            return Operation.valueOf(name());
        }

        /** What the request leaves stored when it succeeds. */
        void assertApplied(LocalDynamoDb db, ApiResult result) {
            assertEquals(200, result.status(), result::toString);
            switch (this) {
                case CREATE -> assertEquals(StoredDatamarts.accepted(Fixtures.documentedCreateBody()),
                        StoredDatamarts.stored(db, Fixtures.DEMO_ORG, NAME).definition());
                case UPDATE -> {
                    assertEquals(List.of(), StoredDatamarts.stored(db, Fixtures.DEMO_ORG, NAME).definition()
                            .relationships());
                    assertEquals(2, StoredDatamarts.stored(db, Fixtures.DEMO_ORG, NAME).version(), "applied once");
                }
                case DELETE -> assertNull(db.rawDatamart(Fixtures.DEMO_ORG, NAME));
                case LIST -> assertEquals(NAME, result.body().path("data").path(0).path("name").asText());
                case GET -> assertEquals(NAME, result.body().path("data").path("name").asText());
            }
        }
    }

    static Stream<Arguments> everyCallOfEveryOperation() {
        List<Arguments> cases = new ArrayList<>();
        for (Request request : Request.values()) {
            for (int call = 1; call <= request.calls.size(); call++) {
                for (Fault fault : Fault.values()) {
                    if (fault == Fault.LOST_RESPONSE || fault == Fault.TRANSACTION_IN_PROGRESS) {
                        continue; // their own tests below: the first applies, the second is a transaction's
                    }
                    for (boolean persistent : new boolean[] {false, true}) {
                        cases.add(Arguments.of(request, call, request.calls.get(call - 1), fault, persistent));
                    }
                }
            }
        }
        return cases.stream();
    }

    private record Run(LocalDynamoDb db, FaultInjectingHttpClient wire, RequestStreamHandler handler) {
    }

    /** Fresh tables, what the request needs stored, and a function whose client goes over the faulty wire. */
    private static Run prepare(Request request, Consumer<FaultInjectingHttpClient> faults) {
        LocalDynamoDb db = Fixtures.freshDatabase();
        if (request.seeded) {
            StoredDatamarts.seedDocumented(db);
        }
        Map<String, String> environment = db.environment();
        environment.put("DYNAMODB_ENDPOINT", db.endpoint().toString());
        // Counted, so that the organization's request count is one of the calls that fail.
        environment.put(OrganizationRequestLimit.LIMIT_VARIABLE, "100000");
        FaultInjectingHttpClient wire = new FaultInjectingHttpClient(AwsClients.httpClient());
        faults.accept(wire);
        DynamoDbClient client = DynamoDbClients.fromEnvironment(environment, wire);
        ApiGatewayHandler pipeline = DatamartApi.create(client, environment, Clock.systemUTC())
                .handler(request.operation());
        return new Run(db, wire, pipeline::handle);
    }

    @ParameterizedTest
    @EnumSource(Request.class)
    void makesTheCallsThisTestFailsOneByOne(Request request) {
        Run run = prepare(request, wire -> { });

        ApiResult result = request.call().invoke(run.handler());

        request.assertApplied(run.db(), result);
        assertEquals(request.calls, run.wire().calls());
        assertTrue(run.wire().attempts().stream().allMatch(attempt -> attempt.attempt() == 1), "nothing retried");
    }

    @ParameterizedTest(name = "{0}: call {1} ({2}) answered {3}, persistent={4}")
    @MethodSource("everyCallOfEveryOperation")
    void retriesWhatIsSafeToRetryAndOtherwiseFailsCleanly(Request request, int call, String operation, Fault fault,
            boolean persistent) {
        Run run = prepare(request, wire -> wire.fail(call, persistent, fault));
        Map<String, Object> before = withoutRequestCounts(run.db());

        ApiResult result = request.call().invoke(run.handler());

        boolean counting = call == 2; // a failure to count lets the request through, uncounted
        boolean transaction = operation.equals("TransactWriteItems");
        boolean retriedBySdk = fault.refused() && !(transaction && fault == Fault.TRANSACTION_CONFLICT)
                || !fault.refused() && !counting;
        if (!persistent) {
            // One failed attempt: retried where that is safe, by the SDK or (a cancelled transaction) the repository.
            assertEquals(retriedBySdk ? 2 : 1, run.wire().attemptsOf(call), () -> run.wire().attempts().toString());
        }
        boolean heals = counting || !persistent;
        if (heals) {
            request.assertApplied(run.db(), result);
            return;
        }
        assertEquals(before, withoutRequestCounts(run.db()), "a request that failed changed nothing");
        if (fault == Fault.TRANSACTION_CONFLICT && transaction) {
            assertEquals(409, result.status(), result::toString);
            assertEquals("CONCURRENT_MODIFICATION", result.errorCode());
            return;
        }
        assertEquals(503, result.status(), result::toString);
        assertEquals("SERVICE_UNAVAILABLE", result.errorCode());
        assertEquals("2", result.header("Retry-After"));
        assertEquals(result.context().getAwsRequestId(), result.body().path("error").path("requestId").asText(),
                "a 5xx names its request id");
        boolean write = transaction;
        if (write && !fault.refused()) {
            assertTrue(result.errorMessage().contains("may or may not have been applied"), result::toString);
        } else {
            assertTrue(result.errorMessage().contains("nothing was changed"), result::toString);
        }
        if (persistent && retriedBySdk) {
            assertEquals(3, run.wire().attemptsOf(call), "the SDK's three attempts");
        }
        assertNotNull(result.body().path("error").get("requestId"));
    }

    @ParameterizedTest
    @EnumSource(value = Request.class, names = {"UPDATE", "DELETE"})
    void repeatsAnUpdateOrDeleteWhoseAnswerWasLostWithTheSameToken(Request request) {
        int write = request.calls.size();
        Run run = prepare(request, wire -> wire.fail(write, false, Fault.LOST_RESPONSE));

        ApiResult result = request.call().invoke(run.handler());

        assertEquals(2, run.wire().attemptsOf(write), "the SDK repeats a transaction: its token makes it safe");
        // DynamoDB answers the repeat as a success (the token was applied); moto does not know
        // tokens and cancels it on its condition, so locally the delete finds the datamart gone
        // and the update, having read it again, applies once more.
        if (request == Request.DELETE) {
            assertNull(run.db().rawDatamart(Fixtures.DEMO_ORG, NAME));
            if (result.status() != 200) {
                assertEquals(400, result.status(), result::toString);
                assertEquals("Datamart not found", result.errorMessage());
            }
        } else {
            assertEquals(200, result.status(), result::toString);
            assertTrue(StoredDatamarts.stored(run.db(), Fixtures.DEMO_ORG, NAME).version() >= 2, "applied");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Request.class, names = {"LIST", "GET"})
    void repeatsAReadWhoseAnswerWasLost(Request request) {
        int read = request.calls.size();
        Run run = prepare(request, wire -> wire.fail(read, false, Fault.LOST_RESPONSE));

        ApiResult result = request.call().invoke(run.handler());

        request.assertApplied(run.db(), result);
        assertEquals(2, run.wire().attemptsOf(read));
    }

    @org.junit.jupiter.api.Test
    void repeatsACreateWhoseAnswerWasLostWithTheSameTokenAndStoresItOnce() {
        int write = Request.CREATE.calls.size();
        Run run = prepare(Request.CREATE, wire -> wire.fail(write, false, Fault.LOST_RESPONSE));

        ApiResult result = Request.CREATE.call().invoke(run.handler());

        assertEquals(2, run.wire().attemptsOf(write), "the SDK repeats a transaction: its token makes it safe");
        assertNotNull(run.db().rawDatamart(Fixtures.DEMO_ORG, NAME), "stored");
        assertEquals(1, StoredDatamarts.stored(run.db(), Fixtures.DEMO_ORG, NAME).version(), "once");
        // DynamoDB answers the repeat as a success (the token was applied); moto does not
        // know tokens and cancels it, so locally the name is reported as taken.
        if (result.status() != 200) {
            assertEquals(400, result.status(), result::toString);
            assertEquals("Datamart name already exists", result.errorMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void answersACreateWhoseTransactionStaysInProgressAsMayHaveBeenApplied() {
        int write = Request.CREATE.calls.size();
        Run run = prepare(Request.CREATE, wire -> wire.fail(write, true, Fault.TRANSACTION_IN_PROGRESS));

        ApiResult result = Request.CREATE.call().invoke(run.handler());

        assertEquals(503, result.status(), result::toString);
        assertEquals("The database did not confirm the change in time; it may or may not have been applied. "
                + "Read the datamart before retrying", result.errorMessage());
        assertEquals(3, run.wire().attemptsOf(write), "retried with the same token, as DynamoDB asks");
        assertEquals(result.context().getAwsRequestId(), result.body().path("error").path("requestId").asText());
    }

    private static Map<String, Object> withoutRequestCounts(LocalDynamoDb db) {
        Map<String, Object> snapshot = db.snapshot();
        snapshot.remove(db.requestCountersTable());
        return snapshot;
    }
}
