package io.datamart.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.validation.StrictJson;
import io.datamart.error.Violation;
import io.datamart.events.OutboundEvent;
import io.datamart.validation.Strings;
import java.util.List;

/**
 * The outcome events a producer learns its result from, on the datamart bus:
 *
 * <pre>
 * "Datamart Provisioning Succeeded"
 *   {"correlationId", "messageId", "operation", "organizationId", "name", "result"}
 * "Datamart Provisioning Failed"
 *   {"correlationId", "messageId", "operation", "organizationId", "name",
 *    "error": {"code", "message", "details"?}}
 * </pre>
 *
 * Fields the request did not make readable are null.
 */
public final class ProvisioningOutcomes {
    public static final String SUCCEEDED = "Datamart Provisioning Succeeded";
    public static final String FAILED = "Datamart Provisioning Failed";
    /** The message does not have the provisioning request format. */
    public static final String INVALID_MESSAGE = "INVALID_PROVISIONING_MESSAGE";
    /** A transient failure outlasted every delivery; the message goes to the dead-letter queue. */
    public static final String RETRIES_EXHAUSTED = "RETRIES_EXHAUSTED";

    /** What a successful request did; {@code UNCHANGED} is a request already in effect (a redelivery). */
    public enum Result {
        CREATED, UPDATED, DELETED, UNCHANGED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** What an operation did when it wrote. */
        static Result wrote(ProvisioningOperation operation) {
            return switch (operation) {
                case CREATE -> CREATED;
                case UPDATE -> UPDATED;
                case DELETE -> DELETED;
            };
        }
    }

    /** The most of a request's text (a name, say) an outcome repeats. */
    static final int MAX_ECHO_CODE_POINTS = 1024;
    /** Above this, an error's {@code details} are left out (their count is kept). */
    static final int MAX_ERROR_CHARS = 64 * 1024;

    private ProvisioningOutcomes() {
    }

    static OutboundEvent succeeded(ProvisioningRequest request, String messageId, Result result) {
        return new OutboundEvent(OutboundEvent.PROVISIONING_SOURCE, SUCCEEDED,
                identity(request, messageId).put("result", result.wire()));
    }

    /** @param error {@code {"code", "message", "details"?}}, as the HTTP API reports it */
    static OutboundEvent failed(ProvisioningRequest request, String messageId, JsonNode error) {
        ObjectNode detail = identity(request, messageId);
        ObjectNode bounded = error.deepCopy();
        // EventBridge takes at most 256 KB per event: never let the echo of a request stop its outcome.
        if (bounded.toString().length() > MAX_ERROR_CHARS && bounded.has("details")) {
            bounded.put("detailsOmitted", bounded.remove("details").size());
        }
        bounded.put("message", bounded(bounded.path("message").asText()));
        detail.set("error", bounded);
        return new OutboundEvent(OutboundEvent.PROVISIONING_SOURCE, FAILED, detail);
    }

    /** An outcome as its request's idempotency record keeps it: its detail-type and detail. */
    static String answer(OutboundEvent outcome) {
        ObjectNode answer = StrictJson.MAPPER.createObjectNode().put("detailType", outcome.detailType());
        answer.set("detail", outcome.detail());
        return answer.toString();
    }

    /**
     * The recorded outcome told again to a later delivery ({@code messageId}): the same
     * detail-type and detail, with this delivery's message id and {@code "replay": true}.
     */
    static OutboundEvent replayed(String answer, String messageId) {
        try {
            JsonNode recorded = StrictJson.MAPPER.readTree(answer);
            ObjectNode detail = recorded.path("detail").deepCopy();
            detail.put("replayOf", detail.path("messageId").asText(null));
            detail.put("messageId", messageId);
            detail.put("replay", true);
            return new OutboundEvent(OutboundEvent.PROVISIONING_SOURCE, recorded.path("detailType").asText(), detail);
        } catch (java.io.IOException corrupt) {
            throw new IllegalStateException("a recorded outcome is JSON this function wrote", corrupt);
        }
    }

    /** Text from a request, cut to a length any outcome or log line can carry. */
    static String bounded(String text) {
        return text == null ? null : Strings.quotable(text, MAX_ECHO_CODE_POINTS);
    }

    static ObjectNode error(String code, String message, List<Violation> details) {
        ObjectNode error = StrictJson.MAPPER.createObjectNode().put("code", code).put("message", message);
        if (!details.isEmpty()) {
            var list = error.putArray("details");
            details.forEach(violation -> list.addObject()
                    .put("path", violation.path())
                    .put("message", violation.message()));
        }
        return error;
    }

    private static ObjectNode identity(ProvisioningRequest request, String messageId) {
        return StrictJson.MAPPER.createObjectNode()
                .put("correlationId", request.correlationId())
                .put("messageId", messageId)
                .put("operation", request.operation() == null ? null : request.operation().wire())
                .put("organizationId", request.organizationId())
                .put("name", bounded(request.datamartName()));
    }
}
