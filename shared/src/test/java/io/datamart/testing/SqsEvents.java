package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.local.SqsEventRecords;
import java.util.List;

/** SQS FIFO events as Lambda delivers them, for the provisioning function. */
public final class SqsEvents {
    private SqsEvents() {
    }

    /** A queue provisioning request: {@code {"operation", "organizationId", "correlationId", "body"}}. */
    public static String request(String operation, String organizationId, String correlationId, JsonNode body) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("operation", operation)
                .put("organizationId", organizationId);
        if (correlationId != null) {
            request.put("correlationId", correlationId);
        }
        request.set("body", body);
        return request.toString();
    }

    /** One record of a FIFO queue, received {@code receiveCount} times (its id is also its deduplication id). */
    public static ObjectNode message(String messageId, String groupId, int receiveCount, String body) {
        return SqsEventRecords.record("datamarts-provisioning.fifo", messageId, groupId, messageId, receiveCount,
                Math.abs((long) messageId.hashCode()), body);
    }

    public static ObjectNode batch(List<ObjectNode> records) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode list = event.putArray("Records");
        records.forEach(list::add);
        return event;
    }

    /** The ids a response lists in {@code batchItemFailures}, in order. */
    public static List<String> failedIds(JsonNode response) {
        return SqsEventRecords.failedIds(response);
    }
}
