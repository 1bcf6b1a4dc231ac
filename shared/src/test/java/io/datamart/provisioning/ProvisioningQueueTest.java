package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.aws.CallBudget;
import io.datamart.local.SqsEventRecords;
import io.datamart.testing.LocalQueue;
import io.datamart.testing.SqsEvents;
import io.datamart.testing.TestAws;
import io.datamart.testing.TestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsRequest;

/**
 * What the provisioning function does to its queues besides answering the batch: when a
 * message comes again, and moving a request to the dead-letter queue. On the test AWS's
 * queues, through the real SQS client (its requests recorded on the way).
 */
class ProvisioningQueueTest {
    private final LocalQueue provisioning = LocalQueue.of("ProvisioningQueue");
    private final LocalQueue deadLetters = LocalQueue.of("ProvisioningDeadLetterQueue");
    private final RecordingSqsClient sqs = new RecordingSqsClient(TestAws.instance().sqs());
    private ProvisioningQueue queue;

    @BeforeEach
    void queues() {
        queue = new ProvisioningQueue(sqs, provisioning.url(), deadLetters.url());
    }

    /** The real client, each request it was given kept. */
    private static final class RecordingSqsClient implements SqsClient {
        private final SqsClient delegate;
        final List<SqsRequest> requests = new CopyOnWriteArrayList<>();

        RecordingSqsClient(SqsClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
                ChangeMessageVisibilityBatchRequest request) {
            requests.add(request);
            return delegate.changeMessageVisibilityBatch(request);
        }

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            requests.add(request);
            return delegate.sendMessage(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
        }
    }

    /** A record of a message the queue never delivered: SQS knows no such receipt handle. */
    private static ObjectNode undelivered(String messageId) {
        return SqsEvents.message(messageId, "demo/sales", 1, "{}");
    }

    /** A message id no earlier run sent: SQS drops a FIFO message whose deduplication id it saw in the last 5 minutes. */
    private static String unique() {
        return "m-" + UUID.randomUUID();
    }

    private static List<ProvisioningQueue.Visibility> atOnce(List<ObjectNode> records) {
        return records.stream().map(record -> new ProvisioningQueue.Visibility(record, 0)).toList();
    }

    /** A message sent to the provisioning queue and received, invisible for six minutes. */
    private ObjectNode received(String deduplicationId) {
        provisioning.fresh();
        sqs.sendMessage(SendMessageRequest.builder().queueUrl(provisioning.url()).messageGroupId("demo/sales")
                .messageDeduplicationId(deduplicationId).messageBody("{}").build());
        List<Message> messages = TestAws.instance().sqs().receiveMessage(r -> r.queueUrl(provisioning.url())
                .visibilityTimeout(360).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertEquals(1, messages.size());
        sqs.requests.clear();
        return SqsEventRecords.record(TestAws.instance().queueArn(provisioning.url()), messages.get(0));
    }

    @Test
    void makesAReceivedMessageVisibleAgainAndNamesTheOnesSqsRefused() {
        ObjectNode delivered = received(unique());

        List<String> unchanged = queue.changeVisibility(atOnce(List.of(delivered, undelivered("x-1"))));

        assertEquals(List.of("x-1"), unchanged, "only the message SQS could not change");
        assertEquals(List.of(delivered.path("messageId").asText()), provisioning.take().stream()
                .map(LocalQueue.QueuedMessage::messageId).toList(), "visible again at once");
    }

    @Test
    void namesEveryMessageOfACallSqsFailed() {
        ProvisioningQueue gone = new ProvisioningQueue(sqs, provisioning.url().replace("ProvisioningQueue",
                "NoSuchQueue"), deadLetters.url());

        assertEquals(List.of("x-1", "x-2"), gone.changeVisibility(atOnce(List.of(undelivered("x-1"),
                undelivered("x-2")))));
    }

    @Test
    void changesVisibilityTenMessagesACallAndCallsNotAtAllForNone() {
        assertEquals(List.of(), queue.changeVisibility(List.of()));
        assertEquals(0, sqs.requests.size(), "no call for nothing");

        queue.changeVisibility(atOnce(IntStream.rangeClosed(1, 10).mapToObj(i -> undelivered("x-" + i)).toList()));
        assertEquals(List.of(10), entriesPerCall());

        sqs.requests.clear();
        queue.changeVisibility(atOnce(IntStream.rangeClosed(1, 11).mapToObj(i -> undelivered("x-" + i)).toList()));
        assertEquals(List.of(10, 1), entriesPerCall());
    }

    private List<Integer> entriesPerCall() {
        return sqs.requests.stream().map(request -> ((ChangeMessageVisibilityBatchRequest) request).entries().size())
                .toList();
    }

    @Test
    void boundsItsCallsByWhatIsLeftOfTheInvocation() {
        TestContext context = new TestContext().remainingTimeMillis(4_000);

        CallBudget.within(context, Duration.ofSeconds(1), () -> {
            queue.changeVisibility(atOnce(List.of(undelivered("x-1"))));
            queue.deadLetter(undelivered(unique()), null);
            return null;
        });

        assertEquals(2, sqs.requests.size());
        for (SqsRequest request : sqs.requests) {
            Duration timeout = request.overrideConfiguration().flatMap(o -> o.apiCallTimeout()).orElse(null);
            assertTrue(timeout != null && timeout.compareTo(Duration.ofSeconds(3)) <= 0,
                    () -> request.getClass().getSimpleName() + " allowed " + timeout);
        }
    }

    @Test
    void movesARequestToTheDeadLetterQueueCarryingItsProducerAndOriginalId() {
        String id = unique();

        queue.deadLetter(undelivered(id), "role:AROAEXAMPLEID");

        Map<String, MessageAttributeValue> carried = deadLetteredAttributes(id);
        assertEquals("role:AROAEXAMPLEID", carried.get(ProvisioningQueue.PRODUCER_ATTRIBUTE).stringValue());
        assertEquals(id, carried.get(ProvisioningQueue.ORIGINAL_MESSAGE_ATTRIBUTE).stringValue());
    }

    @Test
    void movesARequestWithoutProducerCarryingNone() {
        String id = unique();

        queue.deadLetter(undelivered(id), null);

        Map<String, MessageAttributeValue> carried = deadLetteredAttributes(id);
        assertFalse(carried.containsKey(ProvisioningQueue.PRODUCER_ATTRIBUTE), carried::toString);
        assertEquals(id, carried.get(ProvisioningQueue.ORIGINAL_MESSAGE_ATTRIBUTE).stringValue());
    }

    /**
     * The message attributes of the one message on the dead-letter queue that was message
     * {@code messageId}; every message taken off the queue.
     */
    private Map<String, MessageAttributeValue> deadLetteredAttributes(String messageId) {
        List<Message> messages = new java.util.ArrayList<>();
        List<Message> received;
        do {
            received = TestAws.instance().sqs().receiveMessage(r -> r.queueUrl(deadLetters.url())
                    .maxNumberOfMessages(10).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).messages();
            for (Message message : received) {
                if (messageId.equals(message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))) {
                    messages.add(message);
                }
                // Taken off: a message left in flight would hold back the rest of its group.
                TestAws.instance().sqs().deleteMessage(r -> r.queueUrl(deadLetters.url())
                        .receiptHandle(message.receiptHandle()));
            }
        } while (!received.isEmpty());
        assertEquals(1, messages.size());
        return messages.get(0).messageAttributes();
    }
}
