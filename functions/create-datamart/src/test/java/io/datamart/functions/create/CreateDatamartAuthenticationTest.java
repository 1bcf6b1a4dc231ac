package io.datamart.functions.create;

import static io.datamart.functions.create.CreateDatamartHandlerTest.LEGACY_ROUTE;
import static io.datamart.functions.create.CreateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DOCUMENTED_CREATE_BODY;
import static io.datamart.testing.Fixtures.OTHER_ORG;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.BadCredentials;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.StoredDatamarts;
import io.datamart.testing.TokenLogs;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Create's authentication: every bad token is 400 AUTH_ERROR and stores nothing; header and scheme in any case. */
class CreateDatamartAuthenticationTest {
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndBadCredentials")
    void badCredentialsAreAnAuthErrorAndStoreNothing(Payload payload, BadCredentials credentials) {
        ApiResult result = HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                ApiCall.to(payload, "POST", NEW_ROUTE).json(DOCUMENTED_CREATE_BODY), credentials, 400, "AUTH_ERROR");

        assertDeprecation(result, false);
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndBadCredentials")
    void badCredentialsOnTheLegacyRouteAreTheSameAuthErrorWithDeprecationHeaders(Payload payload,
            BadCredentials credentials) {
        ApiResult result = HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                ApiCall.to(payload, "POST", LEGACY_ROUTE).json(DOCUMENTED_CREATE_BODY), credentials, 400,
                "AUTH_ERROR");

        assertDeprecation(result, true);
        assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndAuthorizationHeaderNames")
    void theAuthorizationHeaderNameIsCaseInsensitive(Payload payload, String headerName) {
        ApiResult result = ApiCall.to(payload, "POST", NEW_ROUTE)
                .header(headerName, "Bearer " + Fixtures.DEMO_TOKEN).json(DOCUMENTED_CREATE_BODY)
                        .invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndBearerSchemes")
    void theBearerSchemeWordIsCaseInsensitive(Payload payload, String authorization) {
        ApiResult result = ApiCall.to(payload, "POST", NEW_ROUTE)
                .header("Authorization", authorization).json(DOCUMENTED_CREATE_BODY).invoke(function.handler());

        assertSuccess(result, idWithNullError("sales-analytics"));
        assertEquals(StoredDatamarts.accepted(Fixtures.documentedCreateBody()),
                StoredDatamarts.stored(function.db(), DEMO_ORG, "sales-analytics").definition());
        assertNull(function.db().rawDatamart(OTHER_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void theTokenIsNeverStoredNorLoggedBySuccessfulOrFailedRequests(Payload payload) {
        List<String> tokens = TokenLogs.TOKENS;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            ApiResult result = ApiCall.to(payload, "POST", NEW_ROUTE).bearer(token)
                    .json(Fixtures.createBody("by-token-" + i).toString()).invoke(function.handler());
            for (String line : result.context().logs()) {
                assertFalse(line.contains(token), () -> "logged: " + line);
            }
        }

        TokenLogs.assertNoTokenStored(function.db());
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "by-token-" + tokens.indexOf(Fixtures.DEMO_TOKEN)));
        assertNotNull(function.db().rawDatamart(OTHER_ORG, "by-token-" + tokens.indexOf(Fixtures.OTHER_TOKEN)));
    }
}
