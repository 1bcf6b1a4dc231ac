package io.datamart.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.local.DynamoDbStreamEvents;
import io.datamart.local.LocalMessaging;
import io.datamart.local.LocalMessaging.SentMessage;
import io.datamart.local.SqsEventRecords;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.EventSourceDefinition;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What AWS does between the functions, done locally from template.yaml's event source
 * mappings: a queue's messages go to the function that consumes it, in order, in
 * batches, and those it lists in {@code batchItemFailures} come back with their receive
 * count raised until the queue's {@code maxReceiveCount}, then are dead-lettered; a
 * table's stream records go to the function that consumes the stream. Every event put
 * on the bus, and every message sent, is printed to the log stream.
 *
 * <p>Not emulated: EventBridge rules (nothing local publishes the request detail-types;
 * run the forwarding function with {@code bin/invoke} instead), visibility timeouts and
 * the delays between retries.
 */
final class LocalEventFlow {
    /** A message waiting on a local queue. */
    private record Pending(SentMessage message, int receiveCount) {
    }

    /** A queue and the function its event source mapping feeds. */
    private record QueueConsumer(EventSourceDefinition source, int maxReceiveCount,
            ConcurrentLinkedDeque<Pending> pending) {
    }

    private final Function<String, LocalFunction> functions;
    private final PrintStream logs;
    private final Map<String, QueueConsumer> queues = new LinkedHashMap<>();
    private final List<Map.Entry<EventSourceDefinition, DynamoDbStreamEvents>> streams = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();

    LocalEventFlow(TemplateModel template, LocalMessaging messaging, Function<String, DynamoDbStreamEvents> streamOf,
            Function<String, LocalFunction> functions, PrintStream logs) {
        this.functions = functions;
        this.logs = logs;
        Set<String> tables = template.tables().keySet();
        for (EventSourceDefinition source : template.eventSources()) {
            if (tables.contains(source.sourceId())) {
                DynamoDbStreamEvents stream = streamOf.apply(source.sourceId());
                stream.poll(); // changes made before this run were published then, not now
                streams.add(Map.entry(source, stream));
            } else if ("AWS::SQS::Queue".equals(template.resource(source.sourceId()).path("Type").asText())) {
                queues.put(TemplateModel.LOCAL_QUEUE_URL_PREFIX + source.sourceId(), new QueueConsumer(source,
                        template.maxReceiveCount(source.sourceId()), new ConcurrentLinkedDeque<>()));
            }
        }
        messaging.onEvent(event -> print("localEventBus", LocalMessaging.describe(event)));
        messaging.onMessage(this::enqueue);
    }

    private void enqueue(SentMessage message) {
        QueueConsumer queue = queues.get(message.queueUrl());
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("queueUrl", message.queueUrl())
                .put("messageId", message.messageId())
                .put("messageGroupId", message.groupId());
        if (queue == null) {
            print("localQueue", line.put("note", "no function consumes this queue locally"));
            return;
        }
        queue.pending().addLast(new Pending(message, 1));
        print("localQueue", line.put("consumer", queue.source().functionId()));
    }

    /** Delivers everything pending, and whatever that causes, until nothing is left. */
    synchronized void drain() {
        boolean delivered = true;
        while (delivered) {
            delivered = false;
            for (QueueConsumer queue : queues.values()) {
                delivered |= deliver(queue);
            }
            for (Map.Entry<EventSourceDefinition, DynamoDbStreamEvents> stream : streams) {
                delivered |= deliver(stream.getKey(), stream.getValue());
            }
        }
    }

    private boolean deliver(QueueConsumer queue) {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < queue.source().batchSize() && (next = queue.pending().pollFirst()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return false;
        }
        ArrayNode records = Json.MAPPER.createArrayNode();
        batch.forEach(pending -> records.add(SqsEventRecords.record(queue.source().sourceId(),
                pending.message().messageId(), pending.message().groupId(), pending.message().deduplicationId(),
                pending.receiveCount(), sequence.incrementAndGet(), pending.message().body())));
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.set("Records", records);
        JsonNode response = invoke(queue.source().functionId(), event);
        Set<String> failed = new HashSet<>(SqsEventRecords.failedIds(response));
        if (response.isMissingNode()) {
            batch.forEach(pending -> failed.add(pending.message().messageId())); // the invocation failed: all return
        }
        List<String> deadLettered = new ArrayList<>();
        for (int i = batch.size() - 1; i >= 0; i--) {
            Pending pending = batch.get(i);
            if (failed.contains(pending.message().messageId())) {
                if (pending.receiveCount() >= queue.maxReceiveCount()) {
                    deadLettered.add(0, pending.message().messageId());
                } else {
                    queue.pending().addFirst(new Pending(pending.message(), pending.receiveCount() + 1));
                }
            }
        }
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("queue", queue.source().sourceId())
                .put("function", queue.source().functionId())
                .put("delivered", batch.size());
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
            print("localStream", line); // not retried locally: the local bus accepts every event
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
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private void print(String kind, ObjectNode detail) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.set(kind, detail);
        logs.println(line);
    }
}
