package io.datamart.testing;

import io.datamart.local.TemplateModel.QueueDefinition;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** One of template.yaml's queues on the test AWS, read the way a consumer reads it. */
public final class LocalQueue {
    /** A message as the queue holds it. */
    public record QueuedMessage(String messageId, String body, String groupId, String deduplicationId) {
    }

    private final QueueDefinition definition;
    private final SqsClient sqs;

    private LocalQueue(QueueDefinition definition) {
        this.definition = definition;
        this.sqs = TestAws.instance().sqs();
    }

    /** The queue with this logical id, as it is now. */
    public static LocalQueue of(String logicalId) {
        QueueDefinition definition = TestAws.template().queues().get(logicalId);
        if (definition == null) {
            throw new IllegalArgumentException("template.yaml has no queue " + logicalId);
        }
        return new LocalQueue(definition);
    }

    /**
     * The queue emptied, made first if a test deleted it. Purged, not just read: a message
     * another test left in flight would otherwise hold back its whole message group.
     */
    public LocalQueue fresh() {
        TestAws.instance().createQueues(TestAws.template().queues().values());
        sqs.purgeQueue(r -> r.queueUrl(url()));
        take();
        return this;
    }

    public String url() {
        return TestAws.instance().queueUrl(definition.localName());
    }

    /** Every message the queue holds, in the order it delivers them; taken off the queue. */
    public List<QueuedMessage> take() {
        String url = url();
        List<QueuedMessage> taken = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(0).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (messages.isEmpty()) {
                return taken;
            }
            for (Message message : messages) {
                taken.add(new QueuedMessage(message.messageId(), message.body(),
                        message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                        message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)));
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** The queue gone, as when it was deleted by mistake: sending to it fails. */
    public void delete() {
        sqs.deleteQueue(r -> r.queueUrl(url()));
    }
}
