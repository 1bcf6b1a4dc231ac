package io.datamart.provisioning;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.validation.StrictJson;
import io.datamart.error.Violation;
import io.datamart.validation.JsonSyntaxErrors;
import io.datamart.validation.Strings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a provisioning message. Two shapes are accepted, the queue's and the bus's:
 *
 * <pre>
 * {"operation": "create", "organizationId": "org-1", "correlationId": "c-1", "body": {...}}
 *
 * {"id": "...", "detail-type": "Create Datamart", "source": "...", ...,
 *  "detail": {"organizationId": "org-1", "correlationId": "c-1", "body": {...}}}
 * </pre>
 *
 * The second is an EventBridge event as the forwarding function puts it on the queue: its
 * detail-type names the operation (the detail may repeat it as {@code operation}, but
 * then it must agree). The body is the HTTP API's request body and is validated later,
 * by the same rules as over HTTP. Unknown fields are refused, as in the API.
 */
public final class ProvisioningMessages {
    static final int MAX_ID_LENGTH = 256;
    /**
     * What the source of a request put on the bus starts with; the producer policy lets a
     * role put only {@code datamart.producer.<its datamart-producer tag>}.
     */
    public static final String PRODUCER_SOURCE_PREFIX = "datamart.producer.";
    static final int MAX_UNKNOWN_FIELDS_LISTED = 10;
    private static final Set<String> FIELDS = Set.of("operation", "organizationId", "correlationId", "body");

    private ProvisioningMessages() {
    }

    /**
     * @param text      the message body
     * @param messageId the message's own id: the correlation id when the request has none
     */
    public static ProvisioningRequest parse(String text, String messageId) {
        List<Violation> violations = new ArrayList<>();
        JsonNode message;
        try {
            message = StrictJson.MAPPER.readTree(text == null ? "" : text);
        } catch (JacksonException notJson) {
            violations.add(new Violation("", "The message " + JsonSyntaxErrors.describe(notJson)));
            return new ProvisioningRequest(null, null, messageId, null, violations, null);
        }
        if (message == null || !message.isObject()) {
            violations.add(new Violation("", "The message must be a JSON object"));
            return new ProvisioningRequest(null, null, messageId, null, violations, null);
        }
        if (message.has("detail-type")) {
            return parseBusEvent(message, messageId, violations);
        }
        return parseEnvelope(message, "", null, messageId, violations, null);
    }

    private static ProvisioningRequest parseBusEvent(JsonNode event, String messageId, List<Violation> violations) {
        JsonNode detailType = event.get("detail-type");
        ProvisioningOperation operation = detailType.isTextual()
                ? ProvisioningOperation.fromDetailType(detailType.textValue()).orElse(null) : null;
        if (operation == null) {
            violations.add(new Violation("detail-type", "must be one of 'Create Datamart', 'Update Datamart', "
                    + "'Delete Datamart', not " + echo(detailType)));
        }
        JsonNode eventId = event.get("id");
        String fallback = eventId != null && eventId.isTextual() ? eventId.textValue() : messageId;
        JsonNode sourceNode = event.get("source");
        String source = sourceNode != null && sourceNode.isTextual() ? sourceNode.textValue() : "";
        JsonNode detail = event.get("detail");
        if (detail == null || !detail.isObject()) {
            violations.add(new Violation("detail", "must be an object"));
            return new ProvisioningRequest(operation, null, fallback, null, violations, source);
        }
        return parseEnvelope(detail, "detail.", operation, fallback, violations, source);
    }

    private static ProvisioningRequest parseEnvelope(JsonNode envelope, String prefix, ProvisioningOperation fromType,
            String fallbackCorrelationId, List<Violation> violations, String busSource) {
        List<String> unknown = new ArrayList<>();
        envelope.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                unknown.add(field);
            }
        });
        unknown.stream().limit(MAX_UNKNOWN_FIELDS_LISTED).forEach(field -> violations.add(new Violation(
                prefix + Strings.quotable(field, 64), "is not a field of a provisioning request (fields: "
                        + "operation, organizationId, correlationId, body)")));
        if (unknown.size() > MAX_UNKNOWN_FIELDS_LISTED) {
            violations.add(new Violation(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1),
                    "has " + (unknown.size() - MAX_UNKNOWN_FIELDS_LISTED) + " more unknown fields"));
        }
        ProvisioningOperation operation = fromType;
        JsonNode named = envelope.get("operation");
        if (named != null || fromType == null && prefix.isEmpty()) {
            ProvisioningOperation stated = named != null && named.isTextual()
                    ? ProvisioningOperation.fromWire(named.textValue()).orElse(null) : null;
            if (stated == null) {
                violations.add(new Violation(prefix + "operation", named == null ? "is required"
                        : "must be 'create', 'update' or 'delete', not " + echo(named)));
            } else if (fromType != null && stated != fromType) {
                violations.add(new Violation(prefix + "operation", "'" + stated.wire()
                        + "' contradicts the detail-type '" + fromType.detailType() + "'"));
            } else {
                operation = stated;
            }
        }
        String organizationId = identifier(envelope, prefix, "organizationId", true, violations);
        String correlationId = identifier(envelope, prefix, "correlationId", false, violations);
        JsonNode body = envelope.get("body");
        if (body == null || !body.isObject()) {
            violations.add(new Violation(prefix + "body", body == null ? "is required"
                    : "must be the JSON object the HTTP API takes"));
        }
        return new ProvisioningRequest(operation, organizationId,
                correlationId != null ? correlationId : fallbackCorrelationId, body, violations, busSource);
    }

    /** A value from the message, cut short enough to repeat in an outcome. */
    private static String echo(JsonNode value) {
        return Strings.quotable(value.toString(), 64);
    }

    private static String identifier(JsonNode envelope, String prefix, String field, boolean required,
            List<Violation> violations) {
        JsonNode value = envelope.get(field);
        if (value == null || value.isNull() && !required) {
            if (required) {
                violations.add(new Violation(prefix + field, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || Strings.isBlank(value.textValue())) {
            violations.add(new Violation(prefix + field, "must be a non-blank string"));
            return null;
        }
        String text = value.textValue();
        if (text.length() > MAX_ID_LENGTH || !Strings.isWellFormedUnicode(text)) {
            violations.add(new Violation(prefix + field, "must be well-formed text of at most " + MAX_ID_LENGTH
                    + " characters"));
            return null;
        }
        return text;
    }
}
