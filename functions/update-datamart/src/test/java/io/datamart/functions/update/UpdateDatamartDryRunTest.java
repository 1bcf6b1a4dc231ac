package io.datamart.functions.update;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ?dryRun=true} on update: the real request's answer with {@code Dry-Run: true},
 * nothing written (the version stays), whatever the answer.
 */
class UpdateDatamartDryRunTest {
    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()));

    private static ApiCall update(String route, String name, String column, String ifMatch) {
        ApiCall call = ApiCall.to(Payload.HTTP_API, "PUT", route).bearer(DEMO_TOKEN).json("{\"datamartName\": \""
                + name + "\", \"tableList\": [{\"name\": \"orders\", \"columns\": [{\"name\": \"" + column
                + "\"}]}]}");
        return ifMatch == null ? call : call.header("If-Match", ifMatch);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "/api/v2/data-app/datamarts, valid, order_id, , true",
        "/api/v2/data-app/datamarts, a column the datasource lacks, no_such_column, , true",
        "/api/v2/data-app/datamarts, another version in If-Match, order_id, '\"5\"', true",
        "/api/v2/data-app/datamarts, a datamart that is not there, order_id, , false",
        "/api/v2/dataApp/datamarts, valid on the legacy route, order_id, , true"})
    void answersAsTheRealUpdateWouldAndWritesNothing(String route, String what, String column, String ifMatch,
            boolean exists) {
        String name = "dry-" + UUID.randomUUID().toString().substring(0, 8);
        if (exists) {
            StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(name));
        }

        ApiResult dry = assertNothingChanged(function.db(), () -> update(route, name, column, ifMatch)
                .query("dryRun", "true").invoke(function.handler()));
        ApiResult real = update(route, name, column, ifMatch).invoke(function.handler());

        assertEquals("true", dry.header("Dry-Run"), dry::toString);
        assertEquals(real.status(), dry.status(), () -> "dry " + dry + " real " + real);
        assertEquals(real.body(), dry.body());
    }
}
