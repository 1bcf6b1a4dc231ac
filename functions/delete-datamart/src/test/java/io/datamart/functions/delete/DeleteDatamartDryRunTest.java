package io.datamart.functions.delete;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A delete cannot be tried: {@code dryRun} on it is refused, rather than ignored and the datamart deleted. */
class DeleteDatamartDryRunTest {
    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()));

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.functions.delete.DeleteRoute#withPayloads")
    void refusesDryRunAndDeletesNothing(Payload payload, DeleteRoute route) {
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody("kept"));

        ApiResult refused = assertNothingChanged(function.db(), () -> route.naming(payload, "kept")
                .query("dryRun", "true").bearer(DEMO_TOKEN).invoke(function.handler()));

        assertEquals(400, refused.status(), refused::toString);
        assertEquals("dryRun is for create and update only: a delete cannot be tried",
                refused.details().get("dryRun"));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "kept"));
    }
}
