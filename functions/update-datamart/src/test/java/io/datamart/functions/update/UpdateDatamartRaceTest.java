package io.datamart.functions.update;

import static io.datamart.functions.update.UpdateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idOnly;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.domain.Datamart;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.functions.delete.DeleteDatamartHandler;
import io.datamart.service.DatamartService;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Concurrently;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Updates racing the real delete function: an update is a conditional write on an
 * existing item, so it can never bring a deleted datamart back; and updates of a datamart
 * deleted and created again under them, which end, after bounded retries, in 409
 * CONCURRENT_MODIFICATION, never a 5xx.
 */
class UpdateDatamartRaceTest {
    private static final int ROUNDS = 20;
    private static final int UPDATERS = 8;
    private static final int UPDATES_PER_UPDATER = 4;

    private static final String CONCURRENT_MODIFICATION = "Datamart changed while this request ran; retry";

    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()));

    private record Timed(ApiResult result, long startedNanos, long endedNanos) {
    }

    private static Timed timed(java.util.function.Supplier<ApiResult> request) {
        long started = System.nanoTime();
        ApiResult result = request.get();
        return new Timed(result, started, System.nanoTime());
    }

    private ApiResult update(Payload payload, String name, int n) {
        return ApiCall.to(payload, "PUT", NEW_ROUTE).bearer(DEMO_TOKEN).json("{\"datamartName\": \"" + name
                + "\", \"tableList\": [{\"name\": \"t" + n + "\", \"columns\": [{\"name\": \"c\"}]}]}")
                        .invoke(function.handler());
    }

    @Test
    void updatesRacingADeleteNeverResurrectTheDatamart() {
        DeleteDatamartHandler deletes = new DeleteDatamartHandler(Fixtures.api(function.db()));
        int updatesAfterTheDelete = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String name = "racing-" + round;
            Payload payload = round % 2 == 0 ? Payload.HTTP_API : Payload.REST_API;
            StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(name));

            List<List<Timed>> outcomes = Concurrently.run(UPDATERS + 1, task -> {
                List<Timed> mine = new ArrayList<>();
                if (task == 0) {
                    mine.add(timed(() -> ApiCall.to(payload, "DELETE", NEW_ROUTE).bearer(DEMO_TOKEN)
                            .query("datamartName", name).invoke(deletes)));
                } else {
                    for (int n = 0; n < UPDATES_PER_UPDATER; n++) {
                        int index = n;
                        mine.add(timed(() -> update(payload, name, index)));
                    }
                }
                return mine;
            });

            Timed delete = outcomes.get(0).get(0);
            if (delete.result().status() == 409) {
                // The delete is conditional on the version it read: updates landing after each of
                // its reads made it lose every try. Nothing was deleted; sent again, it goes through.
                assertError(delete.result(), 409, "CONCURRENT_MODIFICATION", CONCURRENT_MODIFICATION);
                assertNotNull(function.db().rawDatamart(DEMO_ORG, name));
                delete = timed(() -> ApiCall.to(payload, "DELETE", NEW_ROUTE).bearer(DEMO_TOKEN)
                        .query("datamartName", name).invoke(deletes));
            }
            assertSuccess(delete.result(), idWithNullError(name));
            assertNull(function.db().rawDatamart(DEMO_ORG, name),
                    "round " + round + ": the deleted datamart stays deleted");
            for (List<Timed> updater : outcomes.subList(1, outcomes.size())) {
                for (Timed update : updater) {
                    if (update.startedNanos() > delete.endedNanos()) {
                        updatesAfterTheDelete++;
                        assertError(update.result(), 400, "INVALID_DATAMART", "Datamart not found");
                    } else if (update.result().status() == 200) {
                        assertSuccess(update.result(), idOnly(name));
                    } else if (update.result().status() == 409) {
                        // Lost every try to the other updaters: the contract's answer, never a 5xx.
                        assertError(update.result(), 409, "CONCURRENT_MODIFICATION", CONCURRENT_MODIFICATION);
                    } else {
                        assertError(update.result(), 400, "INVALID_DATAMART", "Datamart not found");
                    }
                }
            }

            ApiResult afterwards = update(payload, name, 99);
            assertError(afterwards, 400, "INVALID_DATAMART", "Datamart not found");
            assertNull(function.db().rawDatamart(DEMO_ORG, name),
                    "round " + round + ": an update after the delete creates nothing");
        }
        assertTrue(updatesAfterTheDelete > 0, "some updates started after their round's delete had returned");
    }

    // ---------------------------------------------------------------------------------------------
    // Deleted and created again while an update runs
    // ---------------------------------------------------------------------------------------------

    /** Deletes the datamart and creates it again (a new incarnation, a later createdAt), through another client. */
    private static Runnable replace(String name) {
        return () -> {
            DatamartService other = Fixtures.api(function.db()).service();
            other.delete(DEMO_ORG, name);
            sleepPastTheMillisecond();
            other.create(DEMO_ORG, Fixtures.createBody(name));
        };
    }

    private static void sleepPastTheMillisecond() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void answersConcurrentModificationWhenTheDatamartIsReplacedBeforeEveryWrite() {
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody("churned"));
        function.dynamoDb().beforeEachCall(Operation.TRANSACT_WRITE_ITEMS, replace("churned"));

        ApiResult result = update(Payload.HTTP_API, "churned", 1);

        assertError(result, 409, "CONCURRENT_MODIFICATION", CONCURRENT_MODIFICATION);
        assertEquals(3, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "re-read and re-validated each time");
        Datamart stored = StoredDatamarts.stored(function.db(), DEMO_ORG, "churned");
        assertEquals(StoredDatamarts.accepted(Fixtures.createBody("churned")), stored.definition(),
                "the last incarnation, untouched by an update validated against an earlier one");
        assertEquals(1, stored.version());
    }

    @Test
    void appliesTheUpdateToTheNewDatamartWhenItWasReplacedOnceBeforeTheWrite() {
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody("replaced"));
        Instant firstCreated = StoredDatamarts.stored(function.db(), DEMO_ORG, "replaced").createdAt();
        function.dynamoDb().beforeCall(Operation.TRANSACT_WRITE_ITEMS, 1, replace("replaced"));

        ApiResult result = update(Payload.REST_API, "replaced", 7);

        assertSuccess(result, idOnly("replaced"));
        assertEquals(2, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS), "the second try, on the new datamart");
        Datamart stored = StoredDatamarts.stored(function.db(), DEMO_ORG, "replaced");
        assertTrue(stored.createdAt().isAfter(firstCreated), "the new incarnation");
        assertEquals(2, stored.version(), "created, then updated once");
        assertEquals("t7", stored.definition().tableList().get(0).name());
    }

    @Test
    void deletesWhicheverDatamartIsThereWhenItWasReplacedBeforeTheDelete() {
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody("swapped"));
        DeleteDatamartHandler deletes = new DeleteDatamartHandler(Fixtures.api(function.db(), function.dynamoDb()));
        function.dynamoDb().beforeCall(Operation.TRANSACT_WRITE_ITEMS, 1, replace("swapped"));

        ApiResult result = ApiCall.to(Payload.HTTP_API, "DELETE", NEW_ROUTE).bearer(DEMO_TOKEN)
                .query("datamartName", "swapped").invoke(deletes);

        assertSuccess(result, idWithNullError("swapped"));
        assertEquals(2, function.dynamoDb().calls(Operation.TRANSACT_WRITE_ITEMS),
                "the first try refused (another incarnation), the second on the new one");
        assertNull(function.db().rawDatamart(DEMO_ORG, "swapped"));
    }

    @Test
    void answersEveryUpdateWith200Or400Or409WhileTheDatamartIsDeletedAndCreatedAgainConcurrently() {
        String name = "churning";
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(name));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();

        Concurrently.run(UPDATERS + 1, task -> {
            if (task == 0) {
                DatamartService other = Fixtures.api(function.db()).service();
                for (int round = 0; round < 40; round++) {
                    try {
                        other.deleteIfPresent(DEMO_ORG, name);
                    } catch (ConcurrentModificationException lostToTheUpdates) {
                        // Conditional on the version it read, the delete lost to updates landing
                        // in between: the datamart is still there, so the next round deletes it.
                        continue;
                    }
                    other.createIfAbsent(DEMO_ORG, Fixtures.createBody(name));
                }
                done.set(true);
            } else {
                for (int n = 0; !done.get() || n < UPDATES_PER_UPDATER; n++) {
                    ApiResult result = update(n % 2 == 0 ? Payload.HTTP_API : Payload.REST_API, name, n);
                    statuses.merge(result.status(), 1, Integer::sum);
                    switch (result.status()) {
                        case 200 -> assertSuccess(result, idOnly(name));
                        case 409 -> assertError(result, 409, "CONCURRENT_MODIFICATION", CONCURRENT_MODIFICATION);
                        default -> assertError(result, 400, "INVALID_DATAMART", "Datamart not found");
                    }
                }
            }
            return null;
        });

        assertTrue(statuses.keySet().stream().allMatch(status -> status < 500), statuses::toString);
        assertTrue(statuses.getOrDefault(200, 0) > 0, "some updates landed: " + statuses);
        Datamart stored = StoredDatamarts.stored(function.db(), DEMO_ORG, name);
        assertEquals(Fixtures.createBody(name).path("datasourceName").asText(), stored.definition().datasourceName(),
                "whole: a created datamart, possibly updated, never a mix");
        assertEquals(1, stored.definition().tableList().size());
    }
}
