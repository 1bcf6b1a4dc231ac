package io.datamart.functions.create;

import static io.datamart.functions.create.CreateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.Datamart;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Concurrently;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Uniqueness under races: DynamoDB's conditional write, not a read then a write, decides. */
class CreateDatamartConcurrencyTest {
    private static final int CONTENDERS = 50;

    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    /** The documented body under {@code name}, told apart by its table label. */
    private static ObjectNode contender(String name, int index) {
        ObjectNode body = Fixtures.createBody(name);
        ((ObjectNode) body.get("tableList").get(0)).put("label", "Orders as request " + index + " sent them");
        return body;
    }

    private static Payload payload(int index) {
        return index % 2 == 0 ? Payload.HTTP_API : Payload.REST_API;
    }

    @Test
    void exactlyOneOfFiftyConcurrentCreatesOfOneNameSucceedsAndItsBodyIsStored() {
        List<ObjectNode> bodies = IntStream.range(0, CONTENDERS).mapToObj(i -> contender("contested", i)).toList();

        List<ApiResult> results = Concurrently.run(CONTENDERS, i -> ApiCall.to(payload(i), "POST", NEW_ROUTE)
                .bearer(DEMO_TOKEN).json(bodies.get(i).toString()).invoke(function.handler()));

        List<Integer> winners = IntStream.range(0, CONTENDERS).filter(i -> results.get(i).status() == 200)
                .boxed().toList();
        assertEquals(1, winners.size(), () -> "exactly one create wins: " + results);
        int winner = winners.get(0);
        for (int i = 0; i < CONTENDERS; i++) {
            if (i == winner) {
                assertSuccess(results.get(i), idWithNullError("contested"));
            } else {
                assertError(results.get(i), 400, "INVALID_REQUEST_BODY", "Datamart name already exists");
            }
        }
        Datamart stored = StoredDatamarts.stored(function.db(), DEMO_ORG, "contested");
        assertEquals(StoredDatamarts.accepted(bodies.get(winner)), stored.definition(), "the winner's body is stored");
        assertEquals(1, stored.version());
    }

    @Test
    void concurrentCreatesOfDifferentNamesAllSucceed() {
        int count = 20;

        List<ApiResult> results = Concurrently.run(count, i -> ApiCall.to(payload(i), "POST", NEW_ROUTE)
                .bearer(DEMO_TOKEN).json(contender("datamart-" + i, i).toString()).invoke(function.handler()));

        for (int i = 0; i < count; i++) {
            assertSuccess(results.get(i), idWithNullError("datamart-" + i));
            assertEquals(StoredDatamarts.accepted(contender("datamart-" + i, i)),
                    StoredDatamarts.stored(function.db(), DEMO_ORG, "datamart-" + i).definition());
        }
    }
}
