package io.datamart.events;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.validation.StrictJson;
import io.datamart.aws.CallBudget;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.aws.LambdaLogs;
import io.datamart.aws.SnapStartPriming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the change-publishing function does with a batch of stream records: one change
 * event per record, published in stream order. When a record cannot be published (the
 * bus refused it, or it is not a datamart change), that record and every later one are
 * reported back through {@code batchItemFailures}: Lambda then retries the shard from
 * that record, so no change is skipped and order is kept. Records before it are not
 * published again.
 */
public final class DatamartChangesPipeline {
    /** Kept back from publishing for writing the batch response and its log line. */
    static final Duration RESPONSE_RESERVE = Duration.ofSeconds(1);

    /**
     * A change the priming converts: the removal of a datamart no organization can own
     * (a REMOVE takes the path every record takes, plus the stream's time).
     */
    private static final String PRIMING_RECORD = """
            {"eventID": "priming", "eventName": "REMOVE", "dynamodb": {"ApproximateCreationDateTime": 0,
             "SequenceNumber": "0", "OldImage": {"organizationId": {"S": "#priming#"}, "name": {"S": "priming"},
             "version": {"N": "1"}, "datasourceName": {"S": "priming"}, "createdAt": {"S": "1970-01-01T00:00:00Z"},
             "updatedAt": {"S": "1970-01-01T00:00:00Z"}}}}""";

    private final EventPublisher publisher;
    private final SnapStartPriming priming;

    public DatamartChangesPipeline(EventPublisher publisher) {
        this.publisher = publisher;
        this.priming = SnapStartPriming.register(this::prime);
    }

    /**
     * A batch's path once, before SnapStart's snapshot, publishing nothing: a record read
     * and converted, the publisher's client exercised by a read of the bus, a batch
     * response written to nowhere.
     */
    void prime() {
        try {
            OutboundEvent event = DatamartChangeEvents.fromStreamRecord(StrictJson.MAPPER.readTree(PRIMING_RECORD));
            publisher.prime(List.of(event));
            ObjectNode response = StrictJson.MAPPER.createObjectNode();
            response.putArray("batchItemFailures").addObject().put("itemIdentifier", "0");
            StrictJson.MAPPER.writeValue(OutputStream.nullOutputStream(), response);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The hook registered with the CRaC global context (held here: the context holds it weakly). */
    SnapStartPriming priming() {
        return priming;
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        EmbeddedMetrics.recordColdStart(context);
        JsonNode records = StrictJson.MAPPER.readTree(input).path("Records");
        if (!records.isArray()) {
            throw new IllegalArgumentException("not a DynamoDB stream event: no Records list");
        }
        List<OutboundEvent> events = new ArrayList<>();
        String unconvertible = null;
        for (JsonNode record : records) {
            try {
                events.add(DatamartChangeEvents.fromStreamRecord(record));
            } catch (RuntimeException notAChange) {
                unconvertible = sequenceNumber(record);
                LambdaLogs.log(context, LogLevel.ERROR, "Stream record " + unconvertible + " is not a datamart change: "
                        + notAChange.getMessage());
                break;
            }
        }
        // Every PutEvents of the batch within the invocation's time: what does not fit is
        // reported back and retried from, rather than timing the function out mid-batch.
        List<OutboundEvent> toPublish = events;
        int published = events.isEmpty() ? 0
                : CallBudget.within(context, RESPONSE_RESERVE, () -> publish(toPublish, context));
        String failedAt = published < events.size() ? sequenceNumber(records.get(published)) : unconvertible;

        ObjectNode response = StrictJson.MAPPER.createObjectNode();
        var failures = response.putArray("batchItemFailures");
        if (failedAt != null) {
            failures.addObject().put("itemIdentifier", failedAt);
        }
        StrictJson.MAPPER.writeValue(output, response);
        ObjectNode line = LambdaLogs.line(failedAt == null ? LogLevel.INFO : LogLevel.WARN, context,
                        "published " + published + " of " + records.size() + " datamart changes")
                .put("records", records.size())
                .put("published", published)
                .put("retryFrom", failedAt)
                .put("durationMs", (System.nanoTime() - started) / 1_000_000.0);
        LambdaLogs.write(context, line);
    }

    /** How many were published; a failure of the bus itself counts as none of the rest. */
    private int publish(List<OutboundEvent> events, Context context) {
        try {
            return publisher.publish(events);
        } catch (RuntimeException busFailure) {
            LambdaLogs.log(context, LogLevel.WARN, "Publishing change events failed, to be retried: " + busFailure);
            return 0;
        }
    }

    private static String sequenceNumber(JsonNode record) {
        return record.path("dynamodb").path("SequenceNumber").asText();
    }
}
