package io.datamart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * SQS FIFO records as Lambda's event source mapping delivers them, and the ids an
 * SQSBatchResponse lists: what the local runner feeds the provisioning function and
 * what the tests build their batches from.
 */
public final class SqsEventRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsEventRecords() {
    }

    /**
     * One record of a FIFO queue.
     *
     * @param groupId         null for a message without one
     * @param deduplicationId null for a message without one
     */
    public static ObjectNode record(String queueId, String messageId, String groupId, String deduplicationId,
            int receiveCount, long sequenceNumber, String body) {
        long now = System.currentTimeMillis();
        ObjectNode record = JSON.createObjectNode()
                .put("messageId", messageId)
                .put("receiptHandle", "local-" + messageId + "-" + receiveCount)
                .put("body", body);
        ObjectNode attributes = record.putObject("attributes")
                .put("ApproximateReceiveCount", String.valueOf(receiveCount))
                .put("SentTimestamp", String.valueOf(now))
                .put("SequenceNumber", String.valueOf(sequenceNumber))
                .put("SenderId", "local")
                .put("ApproximateFirstReceiveTimestamp", String.valueOf(now));
        if (groupId != null) {
            attributes.put("MessageGroupId", groupId);
        }
        if (deduplicationId != null) {
            attributes.put("MessageDeduplicationId", deduplicationId);
        }
        record.putObject("messageAttributes");
        record.put("md5OfBody", "")
                .put("eventSource", "aws:sqs")
                .put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:" + queueId)
                .put("awsRegion", "us-east-1");
        return record;
    }

    /** The ids a response lists in {@code batchItemFailures}, in order. */
    public static List<String> failedIds(JsonNode response) {
        List<String> ids = new ArrayList<>();
        response.path("batchItemFailures").forEach(failure -> ids.add(failure.path("itemIdentifier").asText()));
        return ids;
    }
}
