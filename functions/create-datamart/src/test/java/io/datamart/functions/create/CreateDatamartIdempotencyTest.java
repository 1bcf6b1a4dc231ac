package io.datamart.functions.create;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.IdempotencyKeyBehaviour;
import io.datamart.testing.StoredDatamarts;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Create with an Idempotency-Key, on both routes: the contract's checks, written once for every write function. */
class CreateDatamartIdempotencyTest extends IdempotencyKeyBehaviour {
    private static final String NAME = "sales-analytics";

    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    @Override
    protected FunctionUnderTest<CreateDatamartHandler> function() {
        return function;
    }

    private static ApiCall route(Way way, Payload payload) {
        return switch (way) {
            case NEW -> ApiCall.to(payload, "POST", CreateDatamartHandlerTest.NEW_ROUTE);
            case LEGACY -> ApiCall.to(payload, "POST", CreateDatamartHandlerTest.LEGACY_ROUTE);
            case ALIAS -> null;
        };
    }

    private static ApiCall withBody(Way way, Payload payload, ObjectNode body) {
        ApiCall call = route(way, payload);
        return call == null ? null : call.bearer(Fixtures.DEMO_TOKEN).json(body.toString());
    }

    @Override
    protected ApiCall request(Way way, Payload payload) {
        return withBody(way, payload, Fixtures.documentedCreateBody());
    }

    @Override
    protected ApiCall otherRequest(Way way, Payload payload) {
        ObjectNode other = Fixtures.documentedCreateBody();
        other.remove("relationships");
        return withBody(way, payload, other);
    }

    @Override
    protected ApiCall badRequest(Way way, Payload payload) {
        ObjectNode broken = Fixtures.documentedCreateBody();
        broken.remove("tableList");
        return withBody(way, payload, broken);
    }

    @Override
    protected void seed() {
        // a create needs nothing stored
    }

    @Override
    protected void changeMeanwhile() {
        Fixtures.api(function.db()).service().delete(Fixtures.DEMO_ORG, NAME);
    }

    @Override
    protected void assertAppliedOnceThenChanged() {
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, NAME), "deleted meanwhile, and not created again");
    }

    @Override
    protected void assertAppliedOnce() {
        assertEquals(StoredDatamarts.accepted(Fixtures.documentedCreateBody()),
                StoredDatamarts.stored(function.db(), Fixtures.DEMO_ORG, NAME).definition());
        assertEquals(1, StoredDatamarts.stored(function.db(), Fixtures.DEMO_ORG, NAME).version());
    }
}
