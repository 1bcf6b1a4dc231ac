package io.datamart.functions.update;

import static io.datamart.functions.update.UpdateDatamartHandlerTest.CLEAR_RELATIONSHIPS;
import static io.datamart.functions.update.UpdateDatamartHandlerTest.LEGACY_ROUTE;
import static io.datamart.functions.update.UpdateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idOnly;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.BadCredentials;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.StoredDatamarts;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Update's authentication: every bad token is 401 INVALID_DATA_APP_API_KEY and changes nothing. */
class UpdateDatamartAuthenticationTest {
    @RegisterExtension
    static final FunctionUnderTest<UpdateDatamartHandler> function = FunctionUnderTest.of("UpdateDatamartFunction",
            f -> new UpdateDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndBadCredentials")
    void badCredentialsAreInvalidDataAppApiKeyAndChangeNothing(Payload payload, BadCredentials credentials) {
        ApiResult result = HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                ApiCall.to(payload, "PUT", NEW_ROUTE).json(CLEAR_RELATIONSHIPS), credentials, 401,
                "INVALID_DATA_APP_API_KEY");

        assertDeprecation(result, false);
        assertEquals(1, StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics").version());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndBadCredentials")
    void badCredentialsOnTheLegacyRouteAreTheSameErrorWithDeprecationHeaders(Payload payload,
            BadCredentials credentials) {
        ApiResult result = HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                ApiCall.to(payload, "PUT", LEGACY_ROUTE).json(CLEAR_RELATIONSHIPS), credentials, 401,
                "INVALID_DATA_APP_API_KEY");

        assertDeprecation(result, true);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndAuthorizationHeaderNames")
    void theAuthorizationHeaderNameIsCaseInsensitive(Payload payload, String headerName) {
        ApiResult result = ApiCall.to(payload, "PUT", NEW_ROUTE)
                .header(headerName, "Bearer " + Fixtures.DEMO_TOKEN).json(CLEAR_RELATIONSHIPS)
                        .invoke(function.handler());

        assertSuccess(result, idOnly("sales-analytics"));
        assertEquals(List.of(), StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics").definition()
                .relationships());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndBearerSchemes")
    void theBearerSchemeWordIsCaseInsensitive(Payload payload, String authorization) {
        ApiResult result = ApiCall.to(payload, "PUT", NEW_ROUTE)
                .header("Authorization", authorization).json(CLEAR_RELATIONSHIPS).invoke(function.handler());

        assertSuccess(result, idOnly("sales-analytics"));
        assertEquals(2, StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics").version());
    }
}
