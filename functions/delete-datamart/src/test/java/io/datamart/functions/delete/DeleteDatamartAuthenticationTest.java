package io.datamart.functions.delete;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.BadCredentials;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.StoredDatamarts;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Delete's authentication: every bad token is 401 AUTH_ERROR and deletes nothing. */
class DeleteDatamartAuthenticationTest {
    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    /** (payload, route, bad credentials) for every combination. */
    static Stream<Arguments> routesAndBadCredentials() {
        List<Arguments> arguments = new ArrayList<>();
        HandlerChecks.payloadsAndBadCredentials().forEach(pair -> {
            for (DeleteRoute route : DeleteRoute.values()) {
                arguments.add(Arguments.of(pair.get()[0], route, pair.get()[1]));
            }
        });
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("routesAndBadCredentials")
    void badCredentialsAreAnAuthErrorAndDeleteNothing(Payload payload, DeleteRoute route,
            BadCredentials credentials) {
        ApiResult result = HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                route.naming(payload, "sales-analytics"), credentials, 401, "AUTH_ERROR");

        assertDeprecation(result, route.legacy);
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndAuthorizationHeaderNames")
    void theAuthorizationHeaderNameIsCaseInsensitive(Payload payload, String headerName) {
        ApiResult result = DeleteRoute.COLLECTION.naming(payload, "sales-analytics")
                .header(headerName, "Bearer " + Fixtures.DEMO_TOKEN).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndBearerSchemes")
    void theBearerSchemeWordIsCaseInsensitive(Payload payload, String authorization) {
        ApiResult result = DeleteRoute.LEGACY.naming(payload, "sales-analytics")
                .header("Authorization", authorization).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }
}
