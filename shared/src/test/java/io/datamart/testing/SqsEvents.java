package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
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

    /** One record of a FIFO queue, received {@code receiveCount} times. */
    public static ObjectNode message(String messageId, String groupId, int receiveCount, String body) {
        ObjectNode record = Json.MAPPER.createObjectNode()
                .put("messageId", messageId)
                .put("receiptHandle", "handle-" + messageId)
                .put("body", body);
        record.putObject("attributes")
                .put("ApproximateReceiveCount", String.valueOf(receiveCount))
                .put("SentTimestamp", "1795000000000")
                .put("SequenceNumber", "1880000000000000000" + Math.abs(messageId.hashCode() % 10))
                .put("MessageGroupId", groupId)
                .put("SenderId", "AIDAEXAMPLE")
                .put("MessageDeduplicationId", messageId)
                .put("ApproximateFirstReceiveTimestamp", "1795000000001");
        record.putObject("messageAttributes");
        record.put("md5OfBody", "").put("eventSource", "aws:sqs")
                .put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:datamarts-provisioning.fifo")
                .put("awsRegion", "us-east-1");
        return record;
    }

    public static ObjectNode batch(List<ObjectNode> records) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode list = event.putArray("Records");
        records.forEach(list::add);
        return event;
    }

    /** The ids a response lists in {@code batchItemFailures}, in order. */
    public static List<String> failedIds(JsonNode response) {
        return java.util.stream.StreamSupport.stream(response.path("batchItemFailures").spliterator(), false)
                .map(failure -> failure.path("itemIdentifier").asText()).toList();
    }
}
