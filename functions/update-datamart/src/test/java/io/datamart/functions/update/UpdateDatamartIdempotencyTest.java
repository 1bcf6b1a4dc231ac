package io.datamart.functions.update;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.domain.Datamart;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.IdempotencyKeyBehaviour;
import io.datamart.testing.StoredDatamarts;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Update with an Idempotency-Key, on both routes: the contract's checks, written once for every write function. */
class UpdateDatamartIdempotencyTest extends IdempotencyKeyBehaviour {
    private static final String NAME = "sales-analytics";

    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()));

    @Override
    protected FunctionUnderTest<UpdateDatamartHandler> function() {
        return function;
    }

    private static ApiCall withBody(Way way, Payload payload, String body) {
        String path = switch (way) {
            case NEW -> UpdateDatamartHandlerTest.NEW_ROUTE;
            case LEGACY -> UpdateDatamartHandlerTest.LEGACY_ROUTE;
            case ALIAS -> null;
        };
        return path == null ? null : ApiCall.to(payload, "PUT", path).bearer(Fixtures.DEMO_TOKEN).json(body);
    }

    @Override
    protected ApiCall request(Way way, Payload payload) {
        return withBody(way, payload, "{\"datamartName\": \"" + NAME + "\", \"relationships\": []}");
    }

    @Override
    protected ApiCall otherRequest(Way way, Payload payload) {
        return withBody(way, payload, "{\"datamartName\": \"" + NAME + "\", \"tenancySettings\": "
                + "{\"tenancyLevel\": \"DATABASE\"}}");
    }

    @Override
    protected ApiCall badRequest(Way way, Payload payload) {
        return withBody(way, payload, "{\"datamartName\": \"" + NAME + "\"}");
    }

    @Override
    protected void seed() {
        StoredDatamarts.seedDocumented(function.db());
    }

    /** The documented relationships put back by another client: version 3. */
    @Override
    protected void changeMeanwhile() {
        Fixtures.api(function.db()).service().update(Fixtures.DEMO_ORG, Fixtures.object(
                "{\"datamartName\": \"" + NAME + "\", \"relationships\": "
                        + Fixtures.documentedCreateBody().path("relationships") + "}"));
    }

    @Override
    protected void assertAppliedOnceThenChanged() {
        Datamart stored = StoredDatamarts.stored(function.db(), Fixtures.DEMO_ORG, NAME);
        assertEquals(3, stored.version(), "the update once, then the other client's");
        assertEquals(StoredDatamarts.accepted(Fixtures.documentedCreateBody()).relationships(),
                stored.definition().relationships(), "the other client's change stands: the replay applied nothing");
    }

    @Override
    protected void assertAppliedOnce() {
        Datamart stored = StoredDatamarts.stored(function.db(), Fixtures.DEMO_ORG, NAME);
        assertEquals(2, stored.version(), "updated once");
        assertEquals(List.of(), stored.definition().relationships());
    }
}
