package io.datamart.functions.delete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.IdempotencyKeyBehaviour;
import io.datamart.testing.StoredDatamarts;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Delete with an Idempotency-Key, on all three routes: the contract's checks, written once for every write function. */
class DeleteDatamartIdempotencyTest extends IdempotencyKeyBehaviour {
    private static final String NAME = "sales-analytics";

    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()));

    @Override
    protected FunctionUnderTest<DeleteDatamartHandler> function() {
        return function;
    }

    private static DeleteRoute route(Way way) {
        return switch (way) {
            case NEW -> DeleteRoute.COLLECTION;
            case ALIAS -> DeleteRoute.ALIAS;
            case LEGACY -> DeleteRoute.LEGACY;
        };
    }

    @Override
    protected ApiCall request(Way way, Payload payload) {
        return route(way).naming(payload, NAME).bearer(Fixtures.DEMO_TOKEN);
    }

    @Override
    protected ApiCall otherRequest(Way way, Payload payload) {
        return route(way).naming(payload, "another-mart").bearer(Fixtures.DEMO_TOKEN);
    }

    @Override
    protected ApiCall badRequest(Way way, Payload payload) {
        return route(way).naming(payload, "").bearer(Fixtures.DEMO_TOKEN);
    }

    @Override
    protected void seed() {
        StoredDatamarts.seedDocumented(function.db());
    }

    /** Created again by another client. */
    @Override
    protected void changeMeanwhile() {
        StoredDatamarts.seedDocumented(function.db());
    }

    @Override
    protected void assertAppliedOnceThenChanged() {
        assertEquals(1, StoredDatamarts.stored(function.db(), Fixtures.DEMO_ORG, NAME).version(),
                "created again meanwhile, and not deleted by the replay");
    }

    @Override
    protected void assertAppliedOnce() {
        assertNull(function.db().rawDatamart(Fixtures.DEMO_ORG, NAME));
    }
}
