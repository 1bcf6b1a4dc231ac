package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The check {@link ApiCall} makes of every handler answer against docs/openapi.yaml:
 * it passes what the document says and refuses each way of straying from it.
 */
class OpenApiAnswerCheckTest {
    private static final OpenApiDocument DOCUMENT = OpenApiDocument.checkout();
    private static final String DATAMARTS = "/api/v2/data-app/datamarts";
    private static final String LEGACY_DATAMARTS = "/api/v2/dataApp/datamarts";
    private static final String SUCCESSOR = "</api/v2/data-app/datamarts>; rel=\"successor-version\"";
    private static final String CREATED = "{\"id\": \"sales-analytics\", \"error\": null}";

    private static ApiResult answer(int status, String body, String... headerNamesAndValues) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Type", "application/json");
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        return new ApiResult(status, headers, Fixtures.object(body), new TestContext(), body.length());
    }

    /** The check refuses the answer, for the reason given. */
    private static void assertRefused(String method, String path, ApiResult answer, String because) {
        AssertionError refused = assertThrows(AssertionError.class,
                () -> DOCUMENT.assertDocuments(method, path, answer));
        assertTrue(refused.getMessage().contains(because), refused::getMessage);
    }

    @Test
    void passesADocumentedAnswer() {
        DOCUMENT.assertDocuments("POST", DATAMARTS, answer(200, CREATED));
        DOCUMENT.assertDocuments("POST", LEGACY_DATAMARTS, answer(400,
                "{\"error\": {\"code\": \"AUTH_ERROR\", \"message\": \"Missing token\"}}",
                "Deprecation", "true", "Link", SUCCESSOR));
        DOCUMENT.assertDocuments("GET", DATAMARTS, answer(503,
                "{\"error\": {\"code\": \"SERVICE_UNAVAILABLE\", \"message\": \"m\", \"requestId\": \"r\"}}",
                "Retry-After", "2"));
    }

    @Test
    void refusesAStatusTheRouteDoesNotDocument() {
        assertRefused("POST", DATAMARTS, answer(401, "{\"error\": {\"code\": \"AUTH_ERROR\", \"message\": \"m\"}}"),
                "does not document status 401");
    }

    @Test
    void refusesABodyWithAFieldTheSchemaDoesNotHave() {
        assertRefused("PUT", DATAMARTS, answer(200, CREATED), "error");
    }

    @Test
    void refusesAnErrorCodeTheRouteDoesNotUse() {
        assertRefused("DELETE", DATAMARTS,
                answer(401, "{\"error\": {\"code\": \"INVALID_DATA_APP_API_KEY\", \"message\": \"m\"}}"),
                "/error/code");
    }

    @Test
    void refusesALegacyAnswerWithoutItsDeprecationHeaders() {
        assertRefused("POST", LEGACY_DATAMARTS, answer(200, CREATED, "Deprecation", "true"),
                "header Link is missing");
    }

    @Test
    void refusesAHeaderTheAnswerDoesNotDocument() {
        assertRefused("POST", DATAMARTS, answer(200, CREATED, "Deprecation", "true"),
                "header Deprecation is not documented");
    }

    @Test
    void refusesAHeaderValueItsSchemaDoesNotAllow() {
        assertRefused("GET", DATAMARTS, answer(429, "{\"error\": {\"code\": \"TOO_MANY_REQUESTS\", \"message\": \"m\"}}",
                "Retry-After", "soon"), "header Retry-After: ");
    }
}
