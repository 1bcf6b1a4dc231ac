package io.datamart.functions.update;

import static io.datamart.functions.update.UpdateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idOnly;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.functions.delete.DeleteDatamartHandler;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Concurrently;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Updates racing the real delete function: an update is a conditional write on an
 * existing item, so it can never bring a deleted datamart back.
 */
class UpdateDatamartRaceTest {
    private static final int ROUNDS = 20;
    private static final int UPDATERS = 8;
    private static final int UPDATES_PER_UPDATER = 4;

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
}
