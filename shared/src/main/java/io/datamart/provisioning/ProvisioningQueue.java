package io.datamart.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.aws.AwsClients;
import io.datamart.aws.CallBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What the provisioning function does to its queues besides answering
 * {@code batchItemFailures}: it says when a message it hands back is to come again
 * (rather than after the whole visibility timeout), and it moves a request that failed
 * for good to the dead-letter queue itself, carrying who produced it.
 */
public final class ProvisioningQueue {
    public static final String QUEUE_URL_VARIABLE = ProvisioningForwarder.QUEUE_URL_VARIABLE;
    public static final String DEAD_LETTER_QUEUE_URL_VARIABLE = "PROVISIONING_DEAD_LETTER_QUEUE_URL";
    /** On a request this function dead-lettered: its producer, as {@link ProducerIdentity} named it. */
    static final String PRODUCER_ATTRIBUTE = "datamart-producer";
    /** On a request this function dead-lettered: the id it had on the provisioning queue. */
    static final String ORIGINAL_MESSAGE_ATTRIBUTE = "datamart-original-message-id";
    /** ChangeMessageVisibilityBatch takes at most this many entries. */
    private static final int MAX_BATCH = 10;

    /** A message to make visible again after {@code seconds}. */
    record Visibility(JsonNode record, int seconds) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final String deadLetterQueueUrl;

    public ProvisioningQueue(SqsClient sqs, String queueUrl, String deadLetterQueueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
    }

    public static ProvisioningQueue fromEnvironment(Map<String, String> environment) {
        return new ProvisioningQueue(
                AwsClients.build(SqsClient.builder(), environment, ProvisioningForwarder.ENDPOINT_VARIABLE),
                AwsClients.required(environment, QUEUE_URL_VARIABLE),
                AwsClients.required(environment, DEAD_LETTER_QUEUE_URL_VARIABLE));
    }

    /**
     * Sets when each message comes again. Best effort: a message whose change SQS refuses
     * simply comes back after the queue's visibility timeout.
     *
     * @return the ids of the messages whose visibility could not be changed
     */
    List<String> changeVisibility(List<Visibility> changes) {
        List<String> unchanged = new ArrayList<>();
        for (int start = 0; start < changes.size(); start += MAX_BATCH) {
            List<Visibility> chunk = changes.subList(start, Math.min(changes.size(), start + MAX_BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).record().path("receiptHandle").asText())
                        .visibilityTimeout(chunk.get(i).seconds())
                        .build());
            }
            try {
                Optional<AwsRequestOverrideConfiguration> budget = CallBudget.bound(Optional.empty());
                ChangeMessageVisibilityBatchResponse response = sqs.changeMessageVisibilityBatch(request -> {
                    request.queueUrl(queueUrl).entries(entries);
                    budget.ifPresent(request::overrideConfiguration);
                });
                response.failed().forEach(failed -> unchanged.add(messageId(chunk, failed.id())));
            } catch (RuntimeException refused) {
                chunk.forEach(change -> unchanged.add(change.record().path("messageId").asText()));
            }
        }
        return unchanged;
    }

    /**
     * Sends the record's request to the dead-letter queue as this function's own message:
     * the same body, message group and (as deduplication id) message id, with its producer
     * and original id as attributes, so that a redrive back to the provisioning queue is
     * believed as that producer's request ({@link ProducerIdentity}).
     *
     * @throws RuntimeException SQS did not take it; the message must stay on its queue
     */
    void deadLetter(JsonNode record, String producer) {
        String messageId = record.path("messageId").asText();
        JsonNode attributes = record.path("attributes");
        Map<String, MessageAttributeValue> carried = new java.util.LinkedHashMap<>();
        carried.put(ORIGINAL_MESSAGE_ATTRIBUTE, string(messageId));
        if (producer != null) {
            carried.put(PRODUCER_ATTRIBUTE, string(producer));
        }
        Optional<AwsRequestOverrideConfiguration> budget = CallBudget.bound(Optional.empty());
        sqs.sendMessage(message -> {
            message.queueUrl(deadLetterQueueUrl)
                    .messageBody(record.path("body").asText())
                    .messageGroupId(attributes.path("MessageGroupId").asText(MessageGroups.UNIDENTIFIED))
                    .messageDeduplicationId(MessageGroups.deduplicationId(messageId))
                    .messageAttributes(carried);
            budget.ifPresent(message::overrideConfiguration);
        });
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static String messageId(List<Visibility> chunk, String entryId) {
        return chunk.get(Integer.parseInt(entryId)).record().path("messageId").asText();
    }
}
