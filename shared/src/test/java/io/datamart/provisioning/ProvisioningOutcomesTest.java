package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.error.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Failed outcome of a request, kept small enough for the bus whatever the request echoes. */
class ProvisioningOutcomesTest {
    private static final ProvisioningRequest REQUEST = ProvisioningMessages.parse("not json", "m-1");

    /** An error with one detail whose JSON is exactly {@code chars} long. */
    private static ObjectNode errorOfLength(int chars) {
        ObjectNode error = ProvisioningOutcomes.error("CODE", "", List.of(new Violation("body", "is wrong")));
        int padding = chars - error.toString().length();
        error.put("message", "x".repeat(padding));
        assertEquals(chars, error.toString().length());
        return error;
    }

    private static JsonNode failedError(JsonNode error) {
        return ProvisioningOutcomes.failed(REQUEST, "m-1", error).detail().path("error");
    }

    /** The error's fields (its message is too long to repeat). */
    private static String fields(JsonNode error) {
        List<String> names = new java.util.ArrayList<>();
        error.fieldNames().forEachRemaining(names::add);
        return names.toString();
    }

    @Test
    void keepsTheDetailsOfAnErrorUpToTheLimit() {
        JsonNode error = failedError(errorOfLength(ProvisioningOutcomes.MAX_ERROR_CHARS));
        assertEquals(1, error.path("details").size(), () -> fields(error));
        assertFalse(error.has("detailsOmitted"), () -> fields(error));
    }

    @Test
    void leavesOutTheDetailsOfAnErrorOverTheLimitKeepingTheirCount() {
        JsonNode error = failedError(errorOfLength(ProvisioningOutcomes.MAX_ERROR_CHARS + 1));
        assertFalse(error.has("details"), () -> fields(error));
        assertEquals(1, error.path("detailsOmitted").asInt());
    }

    @Test
    void cutsTheMessageOfAnErrorOverTheLimitWithoutDetails() {
        ObjectNode huge = ProvisioningOutcomes.error("CODE", "x".repeat(ProvisioningOutcomes.MAX_ERROR_CHARS),
                List.of());
        JsonNode error = failedError(huge);
        assertFalse(error.has("detailsOmitted"), () -> fields(error));
        assertTrue(error.path("message").asText().length() < 2 * ProvisioningOutcomes.MAX_ECHO_CODE_POINTS);
    }
}
