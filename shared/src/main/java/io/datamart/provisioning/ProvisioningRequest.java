package io.datamart.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.error.Violation;
import java.util.List;

/**
 * A provisioning request as read from a message. When the message breaks the format,
 * {@code violations} says how, and the other fields hold whatever could still be read,
 * so the failure outcome can name the request as far as possible.
 *
 * @param operation      null if missing or unknown
 * @param organizationId null if missing or invalid
 * @param correlationId  the producer's, or the message's own id when it sent none
 * @param body           the HTTP API's request body for the operation; null if missing
 * @param busSource      for a request put on the bus, the event's {@code source}; null for one sent to the queue
 */
public record ProvisioningRequest(ProvisioningOperation operation, String organizationId, String correlationId,
        JsonNode body, List<Violation> violations, String busSource) {

    public ProvisioningRequest {
        violations = List.copyOf(violations);
    }

    public boolean isValid() {
        return violations.isEmpty();
    }

    /** The datamart the body names ({@code name} or {@code datamartName}), if it names one. */
    public String datamartName() {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode name = operation != null ? body.get(operation.nameField())
                : body.has("name") ? body.get("name") : body.get("datamartName");
        return name != null && name.isTextual() ? name.textValue() : null;
    }
}
