package io.datamart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * SQS FIFO records as Lambda's event source mapping delivers them, and the ids an
 * SQSBatchResponse lists: what the local runner feeds the provisioning function and
 * what the tests build their batches from.
 */
public final class SqsEventRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The sender of the records a test makes up: a producer's role in a session, as in the sample events. */
    public static final String SENDER_ID = "AROAEXAMPLEID:tenant-service";

    private SqsEventRecords() {
    }

    /**
     * One record of a FIFO queue, made up by a test.
     *
     * @param groupId         null for a message without one
     * @param deduplicationId null for a message without one
     */
    public static ObjectNode record(String queueId, String messageId, String groupId, String deduplicationId,
            int receiveCount, long sequenceNumber, String body) {
        String now = String.valueOf(System.currentTimeMillis());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("ApproximateReceiveCount", String.valueOf(receiveCount));
        attributes.put("SentTimestamp", now);
        attributes.put("SequenceNumber", String.valueOf(sequenceNumber));
        attributes.put("SenderId", SENDER_ID);
        attributes.put("ApproximateFirstReceiveTimestamp", now);
        if (groupId != null) {
            attributes.put("MessageGroupId", groupId);
        }
        if (deduplicationId != null) {
            attributes.put("MessageDeduplicationId", deduplicationId);
        }
        return record("arn:aws:sqs:us-east-1:123456789012:" + queueId, messageId,
                "local-" + messageId + "-" + receiveCount, body, "", attributes);
    }

    /**
     * A message received from a queue (with its system and message attributes), as the
     * event source mapping hands it to the function.
     */
    public static ObjectNode record(String queueArn, Message message) {
        Map<String, String> attributes = new LinkedHashMap<>();
        message.attributesAsStrings().forEach(attributes::put);
        ObjectNode record = record(queueArn, message.messageId(), message.receiptHandle(), message.body(),
                message.md5OfBody(), attributes);
        ObjectNode messageAttributes = (ObjectNode) record.get("messageAttributes");
        message.messageAttributes().forEach((name, value) -> {
            ObjectNode attribute = messageAttributes.putObject(name);
            attribute.put("stringValue", value.stringValue());
            attribute.putArray("stringListValues");
            attribute.putArray("binaryListValues");
            attribute.put("dataType", value.dataType());
        });
        return record;
    }

    private static ObjectNode record(String queueArn, String messageId, String receiptHandle, String body,
            String md5OfBody, Map<String, String> attributes) {
        ObjectNode record = JSON.createObjectNode()
                .put("messageId", messageId)
                .put("receiptHandle", receiptHandle)
                .put("body", body);
        ObjectNode recordAttributes = record.putObject("attributes");
        attributes.forEach(recordAttributes::put);
        record.putObject("messageAttributes");
        record.put("md5OfBody", md5OfBody)
                .put("eventSource", "aws:sqs")
                .put("eventSourceARN", queueArn)
                .put("awsRegion", queueArn.split(":")[3]);
        return record;
    }

    /** The ids a response lists in {@code batchItemFailures}, in order. */
    public static List<String> failedIds(JsonNode response) {
        List<String> ids = new ArrayList<>();
        response.path("batchItemFailures").forEach(failure -> ids.add(failure.path("itemIdentifier").asText()));
        return ids;
    }
}
