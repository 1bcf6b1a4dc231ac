package io.datamart.testing;

import static io.datamart.testing.HandlerAssertions.assertErrorMentioning;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Checks every function must pass in the same way, written once: each function's tests
 * call them with their handler, their request and the status and code their endpoint
 * documents. Also the argument sources of the matching parameterized tests.
 */
public final class HandlerChecks {
    private HandlerChecks() {
    }

    /**
     * {@code call}, otherwise valid, sent with {@code credentials}: refused with the
     * endpoint's status and code, a message saying why, and nothing stored changes.
     */
    public static ApiResult assertAuthenticationFails(LocalDynamoDb db, RequestStreamHandler handler, ApiCall call,
            BadCredentials credentials, int status, String code) {
        ApiResult result = assertNothingChanged(db, () -> credentials.apply(call).invoke(handler));
        assertErrorMentioning(result, status, code, credentials.messageWord());
        return result;
    }

    /**
     * {@code call} with {@code body} in place of {@code validBody}: 400 INVALID_REQUEST_BODY
     * in the client's terms, nothing changes.
     */
    public static ApiResult assertMalformedBodyRejected(LocalDynamoDb db, RequestStreamHandler handler, ApiCall call,
            MalformedBody body, String validBody) {
        ApiResult result = assertNothingChanged(db, () -> body.applyTo(call, validBody).invoke(handler));
        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", body.messageWord());
        ClientTerms.assertInClientTerms(result);
        return result;
    }

    /**
     * A route the function does not serve, with a valid token and body: 404 NOT_FOUND
     * naming the method and path, and nothing changes.
     */
    public static ApiResult assertRouteNotServed(LocalDynamoDb db, RequestStreamHandler handler,
            ApiCall.Payload payload, String method, String path, String validBody) {
        ApiResult result = assertNothingChanged(db, () -> ApiCall.to(payload, method, path)
                .bearer(Fixtures.DEMO_TOKEN).query("datamartName", "sales-analytics").json(validBody)
                .invoke(handler));
        assertErrorMentioning(result, 404, "NOT_FOUND", method, path);
        return result;
    }

    /** (payload, bad credentials) for every pair. */
    public static Stream<Arguments> payloadsAndBadCredentials() {
        return cross(BadCredentials.values());
    }

    /** (payload, malformed body) for every pair. */
    public static Stream<Arguments> payloadsAndMalformedBodies() {
        return cross(MalformedBody.values());
    }

    /** (payload, Authorization header name): header names are case-insensitive. */
    public static Stream<Arguments> payloadsAndAuthorizationHeaderNames() {
        return cross(new Object[] {"Authorization", "authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"});
    }

    /** (payload, Authorization value for the demo token): the scheme word is case-insensitive. */
    public static Stream<Arguments> payloadsAndBearerSchemes() {
        return cross(new Object[] {"Bearer " + Fixtures.DEMO_TOKEN, "bearer " + Fixtures.DEMO_TOKEN,
                "BEARER " + Fixtures.DEMO_TOKEN, "bEaReR " + Fixtures.DEMO_TOKEN});
    }

    private static Stream<Arguments> cross(Object[] values) {
        List<Arguments> arguments = new ArrayList<>();
        for (ApiCall.Payload payload : ApiCall.Payload.values()) {
            for (Object value : values) {
                arguments.add(Arguments.of(payload, value));
            }
        }
        return arguments.stream();
    }
}
