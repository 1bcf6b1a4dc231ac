package io.datamart.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.local.DynamoDbStreamEvents;
import io.datamart.local.EventBusTap;
import io.datamart.local.LocalAws;
import io.datamart.local.SqsEventRecords;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.EventSourceDefinition;
import io.datamart.local.TemplateModel.QueueDefinition;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's pollers do between the functions, done locally from template.yaml's event
 * source mappings against moto: a queue's messages go to the function that consumes it,
 * in batches, and those it lists in {@code batchItemFailures} stay on the queue, which
 * redelivers them in order and moves them to its dead-letter queue after
 * {@code maxReceiveCount} receives; a table's stream records go to the function that
 * consumes the stream. Every event that reaches a bus is printed to the log stream.
 *
 * <p>Differences from AWS: a failed message of a queue with a dead-letter queue comes back
 * at once (its visibility is reset) rather than after the queue's visibility timeout;
 * EventBridge rules are not run (run the forwarding function with {@code bin/invoke}).
 */
final class LocalEventFlow {
    /** A queue and the function its event source mapping feeds. */
    private record QueueConsumer(EventSourceDefinition source, QueueDefinition queue, String url, String arn) {
    }

    private final LocalAws aws;
    private final Function<String, LocalFunction> functions;
    private final PrintStream logs;
    private final List<QueueConsumer> queues = new ArrayList<>();
    private final List<Map.Entry<EventSourceDefinition, DynamoDbStreamEvents>> streams = new ArrayList<>();
    private final List<EventBusTap> buses = new ArrayList<>();

    LocalEventFlow(TemplateModel template, LocalAws aws, Function<String, LocalFunction> functions, PrintStream logs) {
        this.aws = aws;
        this.functions = functions;
        this.logs = logs;
        Set<String> tables = template.tables().keySet();
        Map<String, QueueDefinition> queueDefinitions = template.queues();
        for (EventSourceDefinition source : template.eventSources()) {
            if (tables.contains(source.sourceId())) {
                DynamoDbStreamEvents stream = DynamoDbStreamEvents.of(aws, source.sourceId());
                stream.poll(); // changes made before this run were published then, not now
                streams.add(Map.entry(source, stream));
            } else if (queueDefinitions.containsKey(source.sourceId())) {
                QueueDefinition queue = queueDefinitions.get(source.sourceId());
                String url = aws.queueUrl(queue.localName());
                queues.add(new QueueConsumer(source, queue, url, aws.queueArn(url)));
            }
        }
        template.eventBuses().forEach(bus -> buses.add(EventBusTap.attach(aws, bus)));
    }

    /** Delivers everything pending, and whatever that causes, until nothing is left. */
    synchronized void drain() {
        boolean delivered = true;
        while (delivered) {
            delivered = false;
            for (QueueConsumer queue : queues) {
                delivered |= deliver(queue);
            }
            for (Map.Entry<EventSourceDefinition, DynamoDbStreamEvents> stream : streams) {
                delivered |= deliver(stream.getKey(), stream.getValue());
            }
            for (EventBusTap bus : buses) {
                bus.poll().forEach(event -> print("localEventBus", EventBusTap.describe(event)));
            }
        }
    }

    private boolean deliver(QueueConsumer consumer) {
        List<Message> batch = aws.sqs().receiveMessage(r -> r.queueUrl(consumer.url())
                .maxNumberOfMessages(consumer.source().batchSize())
                .waitTimeSeconds(0) // moto serves one request at a time: never hold it
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (batch.isEmpty()) {
            return false;
        }
        ArrayNode records = Json.MAPPER.createArrayNode();
        batch.forEach(message -> records.add(SqsEventRecords.record(consumer.arn(), message)));
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.set("Records", records);
        JsonNode response = invoke(consumer.source().functionId(), event);
        Set<String> failed = new HashSet<>(SqsEventRecords.failedIds(response));
        if (response.isMissingNode()) {
            batch.forEach(message -> failed.add(message.messageId())); // the invocation failed: all return
        }
        List<String> deadLettered = new ArrayList<>();
        for (Message message : batch) {
            if (!failed.contains(message.messageId())) {
                aws.sqs().deleteMessage(r -> r.queueUrl(consumer.url()).receiptHandle(message.receiptHandle()));
                continue;
            }
            if (consumer.queue().maxReceiveCount() == 0) {
                continue; // no dead-letter queue to end its retries: it waits out the visibility timeout
            }
            // Visible again now: the queue counts the receive, and past maxReceiveCount moves it on.
            aws.sqs().changeMessageVisibility(r -> r.queueUrl(consumer.url()).receiptHandle(message.receiptHandle())
                    .visibilityTimeout(0));
            int receives = Integer.parseInt(message.attributes()
                    .getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
            if (receives >= consumer.queue().maxReceiveCount()) {
                deadLettered.add(message.messageId());
            }
        }
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("queue", consumer.source().sourceId())
                .put("function", consumer.source().functionId())
                .put("delivered", batch.size());
        line.set("messageIds", Json.MAPPER.valueToTree(batch.stream().map(Message::messageId).toList()));
        line.set("batchItemFailures", Json.MAPPER.valueToTree(failed));
        if (!deadLettered.isEmpty()) {
            line.set("deadLettered", Json.MAPPER.valueToTree(deadLettered));
        }
        print("localQueue", line);
        return true;
    }

    private boolean deliver(EventSourceDefinition source, DynamoDbStreamEvents stream) {
        List<JsonNode> records = stream.poll();
        if (records.isEmpty()) {
            return false;
        }
        for (int start = 0; start < records.size(); start += source.batchSize()) {
            List<JsonNode> batch = records.subList(start, Math.min(records.size(), start + source.batchSize()));
            JsonNode response = invoke(source.functionId(), DynamoDbStreamEvents.event(batch));
            ObjectNode line = Json.MAPPER.createObjectNode()
                    .put("table", source.sourceId())
                    .put("function", source.functionId())
                    .put("records", batch.size());
            line.set("batchItemFailures", response.path("batchItemFailures"));
            print("localStream", line); // not retried locally
        }
        return true;
    }

    /** The function's JSON answer, or a missing node when it threw (logged like Lambda would). */
    private JsonNode invoke(String functionId, JsonNode event) {
        try {
            byte[] response = functions.apply(functionId).invoke(event.toString().getBytes(StandardCharsets.UTF_8));
            return Json.MAPPER.readTree(response);
        } catch (Exception failure) {
            print("localInvocationFailed", Json.MAPPER.createObjectNode().put("function", functionId)
                    .put("error", failure.toString()));
            return MissingNode.getInstance();
        }
    }

    private void print(String kind, ObjectNode detail) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.set(kind, detail);
        logs.println(line);
    }
}
