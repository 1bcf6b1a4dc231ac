package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The assertions every function's tests make on a response: exact success bodies,
 * error status, code and message, the legacy routes' deprecation headers, the opaque
 * 500, and "a rejected request changes nothing stored".
 */
public final class HandlerAssertions {
    public static final String DEPRECATION = "true";
    public static final String SUCCESSOR_LINK = "</api/v2/data-app/datamarts>; rel=\"successor-version\"";

    private HandlerAssertions() {
    }

    /** {"id": name, "error": null}: the success body of create and delete. */
    public static JsonNode idWithNullError(String id) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id);
        body.putNull("error");
        return body;
    }

    /** {"id": name}: the success body of update, without an "error" field. */
    public static JsonNode idOnly(String id) {
        return Json.MAPPER.createObjectNode().put("id", id);
    }

    /** HTTP 200 with exactly {@code expectedBody}, no more fields and no error. */
    public static void assertSuccess(ApiResult result, JsonNode expectedBody) {
        assertEquals(200, result.status(), () -> "status of " + result);
        assertNull(result.errorCode(), () -> "error.code of " + result);
        assertNull(result.errorMessage(), () -> "error.message of " + result);
        assertEquals(expectedBody, result.body(), () -> "body of " + result);
        assertEquals("application/json", result.header("Content-Type"), () -> "Content-Type of " + result);
    }

    /** An error response with exactly this status, code and message. */
    public static void assertError(ApiResult result, int status, String code, String message) {
        assertEquals(status, result.status(), () -> "status of " + result);
        assertEquals(code, result.errorCode(), () -> "error.code of " + result);
        assertEquals(message, result.errorMessage(), () -> "error.message of " + result);
        assertErrorShape(result);
        assertFalse(result.body().path("error").has("details"),
                () -> "details are omitted when there is nothing to list: " + result);
    }

    /**
     * An error response with this status and code whose message says what is wrong: it
     * mentions every fragment, ignoring case (the contract fixes the meaning, not the words).
     */
    public static void assertErrorMentioning(ApiResult result, int status, String code, String... fragments) {
        assertEquals(status, result.status(), () -> "status of " + result);
        assertEquals(code, result.errorCode(), () -> "error.code of " + result);
        String message = result.errorMessage();
        assertNotNull(message, () -> "error.message of " + result);
        assertFalse(message.isBlank(), () -> "error.message of " + result);
        for (String fragment : fragments) {
            assertTrue(message.toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
                    () -> "error.message should mention '" + fragment + "': " + result);
        }
        assertErrorShape(result);
    }

    /**
     * {"error": {"code", "message"[, "details"]}} and nothing else, plus the invocation's
     * "requestId" on every 5xx and the stored "currentVersion" on a 412; details never empty
     * when present.
     */
    private static void assertErrorShape(ApiResult result) {
        assertEquals(1, result.body().size(), () -> "only an error object in " + result);
        JsonNode error = result.body().path("error");
        assertTrue(error.isObject(), () -> "error object in " + result);
        boolean serverError = result.status() >= 500;
        if (serverError) {
            assertEquals(result.context().getAwsRequestId(), error.path("requestId").asText(null),
                    () -> "a 5xx names its request id: " + result);
        }
        error.fieldNames().forEachRemaining(field -> assertTrue(
                field.equals("code") || field.equals("message") || field.equals("details")
                        || serverError && field.equals("requestId")
                        || result.status() == 412 && field.equals("currentVersion"),
                () -> "unexpected error field '" + field + "' in " + result));
        if (error.has("details")) {
            assertTrue(error.get("details").isArray() && !error.get("details").isEmpty(),
                    () -> "details, when present, list something: " + result);
            error.get("details").forEach(detail -> {
                assertTrue(detail.path("path").isTextual(), () -> "detail path in " + result);
                assertTrue(detail.path("message").isTextual() && !detail.path("message").textValue().isBlank(),
                        () -> "detail message in " + result);
            });
        }
    }

    /** Legacy routes add Deprecation and Link; the new routes add neither. */
    public static void assertDeprecation(ApiResult result, boolean legacy) {
        if (legacy) {
            assertEquals(DEPRECATION, result.header("Deprecation"), () -> "Deprecation header of " + result);
            assertEquals(SUCCESSOR_LINK, result.header("Link"), () -> "Link header of " + result);
        } else {
            assertNull(result.header("Deprecation"), () -> "no Deprecation header on a new route: " + result);
            assertNull(result.header("Link"), () -> "no Link header on a new route: " + result);
        }
    }

    /**
     * HTTP 500 with exactly {"error": {"code": "INTERNAL_SERVER_ERROR", "message":
     * "Unexpected failure", "requestId": <the invocation's request id>}}: no stack trace,
     * no exception name, none of the internal text of the failure.
     */
    public static void assertOpaqueInternalError(ApiResult result, String... internalTexts) {
        ObjectNode expected = Json.MAPPER.createObjectNode();
        expected.putObject("error")
                .put("code", "INTERNAL_SERVER_ERROR")
                .put("message", "Unexpected failure")
                .put("requestId", result.context().getAwsRequestId());
        assertEquals(500, result.status(), () -> "status of " + result);
        assertEquals("INTERNAL_SERVER_ERROR", result.errorCode(), () -> "error.code of " + result);
        assertEquals("Unexpected failure", result.errorMessage(), () -> "error.message of " + result);
        assertEquals(expected, result.body(), () -> "body of " + result);
        String raw = result.body().toString();
        for (String leak : new String[] {"Exception", "\tat ", "software.amazon", "io.datamart."}) {
            assertFalse(raw.contains(leak), () -> "the 500 leaks '" + leak + "': " + raw);
        }
        for (String internal : internalTexts) {
            assertFalse(raw.contains(internal), () -> "the 500 leaks '" + internal + "': " + raw);
        }
    }

    /**
     * A function's answer to a storage failure of a read or a write: 503
     * SERVICE_UNAVAILABLE with {@code Retry-After} and the message the failure calls for,
     * logged as a warning; or the opaque 500, logged as an error. Never internal text.
     */
    public static void assertAnswersFailure(ApiResult result, Failures.StorageFailure failure, boolean write) {
        if (failure.unavailable()) {
            assertError(result, 503, "SERVICE_UNAVAILABLE", failure.unavailableMessage(write));
            assertEquals("2", result.header("Retry-After"), () -> "Retry-After of " + result);
            assertFalse(result.body().toString().contains(Failures.INTERNAL_TEXT), () -> "leaks: " + result);
            assertTrue(result.context().logged("WARN", "Service unavailable"),
                    () -> "the cause is logged for operators: " + result.context().logs());
        } else {
            assertOpaqueInternalError(result, Failures.INTERNAL_TEXT);
            assertTrue(result.context().logged("ERROR", ""),
                    () -> "the failure is logged for operators: " + result.context().logs());
        }
    }

    /** Runs a request that must be rejected and checks it left every table exactly as it was. */
    public static ApiResult assertNothingChanged(LocalDynamoDb db, Supplier<ApiResult> request) {
        Map<String, Object> before = db.snapshot();
        ApiResult result = request.get();
        assertEquals(before, db.snapshot(), () -> "a rejected request changed what is stored: " + result);
        return result;
    }

    public static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
