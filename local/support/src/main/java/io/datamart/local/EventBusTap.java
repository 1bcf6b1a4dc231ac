package io.datamart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Every event put on a bus, read back the way EventBridge delivers it: a rule matching
 * any event sends each to a standard queue of its own, and {@link #poll()} reads that
 * queue. The local runner prints what it reads; the tests assert on it.
 */
public final class EventBusTap {
    /** An event as the bus delivered it: its id, bus, source, detail-type and detail. */
    public record BusEvent(String eventId, String busName, String source, String detailType, JsonNode detail) {
    }

    static final String RULE = "local-tap";
    /** EventBridge's documented pattern for "every event": any source at all. */
    static final String EVERY_EVENT = "{\"source\":[{\"prefix\":\"\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalAws aws;
    private final String busName;
    private final String queueUrl;

    private EventBusTap(LocalAws aws, String busName, String queueUrl) {
        this.aws = aws;
        this.busName = busName;
        this.queueUrl = queueUrl;
    }

    /** Taps {@code busName} (which must exist) from now on. */
    public static EventBusTap attach(LocalAws aws, String busName) {
        String queueUrl = aws.sqs().createQueue(r -> r.queueName(busName + "-" + RULE)).queueUrl();
        String queueArn = aws.queueArn(queueUrl);
        String ruleArn = aws.eventBridge().putRule(r -> r.eventBusName(busName).name(RULE).eventPattern(EVERY_EVENT))
                .ruleArn();
        // What EventBridge needs to deliver to a queue (moto delivers without it).
        aws.sqs().setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY,
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"Service\":\"events.amazonaws.com\"},\"Action\":\"sqs:SendMessage\","
                        + "\"Resource\":\"" + queueArn + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\""
                        + ruleArn + "\"}}}]}")));
        aws.eventBridge().putTargets(r -> r.eventBusName(busName).rule(RULE)
                .targets(target -> target.id("local-tap-queue").arn(queueArn)));
        return new EventBusTap(aws, busName, queueUrl);
    }

    public String busName() {
        return busName;
    }

    /** The events delivered since the last call, oldest first; each is read once. */
    public synchronized List<BusEvent> poll() {
        List<BusEvent> events = new ArrayList<>();
        while (true) {
            List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return events;
            }
            for (Message message : messages) {
                events.add(event(message.body()));
            }
            aws.sqs().deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(messages.stream()
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                            .receiptHandle(m.receiptHandle()).build())
                    .toList()));
        }
    }

    private BusEvent event(String body) {
        try {
            JsonNode event = JSON.readTree(body);
            return new BusEvent(event.path("id").asText(), busName, event.path("source").asText(),
                    event.path("detail-type").asText(), event.path("detail"));
        } catch (IOException e) {
            throw new UncheckedIOException("not an EventBridge event on " + busName + ": " + body, e);
        }
    }

    /** An event as delivered, for a log line: bus, source, detail-type and detail. */
    public static ObjectNode describe(BusEvent event) {
        ObjectNode line = JSON.createObjectNode()
                .put("bus", event.busName())
                .put("source", event.source())
                .put("detail-type", event.detailType());
        line.set("detail", event.detail());
        return line;
    }
}
