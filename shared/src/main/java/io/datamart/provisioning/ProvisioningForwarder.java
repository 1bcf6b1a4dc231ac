package io.datamart.provisioning;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.validation.StrictJson;
import io.datamart.aws.AwsClients;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.aws.LambdaLogs;
import io.datamart.aws.SnapStartPriming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Moves a provisioning request from the bus to the FIFO queue, so that it is processed
 * exactly as a queue message is: in order per datamart, with the same retries and
 * dead-letter queue. An EventBridge rule could target the queue itself, but only with
 * one fixed message group, which would make every datamart wait for every other.
 *
 * <p>The whole event is forwarded unchanged and checked by the processing function, so
 * every rule lives in one place and a bad event still gets its Failed outcome. Its
 * group is its datamart's; its deduplication id is the event id, so EventBridge's own
 * redeliveries collapse into one message (within SQS's five-minute window). A failure
 * to send is thrown, and Lambda's asynchronous retries, then the failure destination,
 * take over.
 */
public final class ProvisioningForwarder {
    public static final String QUEUE_URL_VARIABLE = "PROVISIONING_QUEUE_URL";
    /** Points the client at another SQS, such as moto on a laptop. */
    public static final String ENDPOINT_VARIABLE = "SQS_ENDPOINT";

    /** A request the priming reads, for an organization no producer can act for. */
    private static final String PRIMING_EVENT = """
            {"id": "priming", "detail-type": "Create Datamart", "source": "priming",
             "detail": {"organizationId": "#priming#", "correlationId": "priming",
               "body": {"name": "priming", "datasourceName": "priming", "tableList": []}}}""";

    private final SqsClient sqs;
    private final String queueUrl;
    private final SnapStartPriming priming;

    public ProvisioningForwarder(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.priming = SnapStartPriming.register(this::prime);
    }

    public static ProvisioningForwarder fromEnvironment(Map<String, String> environment) {
        String queueUrl = AwsClients.required(environment, QUEUE_URL_VARIABLE);
        return new ProvisioningForwarder(AwsClients.build(SqsClient.builder(), environment, ENDPOINT_VARIABLE),
                queueUrl);
    }

    /**
     * An event's path once, before SnapStart's snapshot, sending nothing: the event read
     * and its request parsed, its group and deduplication ids made, the queue read
     * (GetQueueAttributes) through the client that sends, a result written to nowhere.
     */
    void prime() {
        try {
            JsonNode event = StrictJson.MAPPER.readTree(PRIMING_EVENT);
            ProvisioningRequest request = ProvisioningMessages.parse(event.toString(), null);
            ObjectNode result = StrictJson.MAPPER.createObjectNode()
                    .put("messageGroupId", MessageGroups.groupId(request.organizationId(), request.datamartName()))
                    .put("messageDeduplicationId", MessageGroups.deduplicationId(event.path("id").asText()));
            sqs.getQueueAttributes(read -> read.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
            StrictJson.MAPPER.writeValue(OutputStream.nullOutputStream(), result);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The hook registered with the CRaC global context (held here: the context holds it weakly). */
    SnapStartPriming priming() {
        return priming;
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        EmbeddedMetrics.recordColdStart(context);
        JsonNode event = StrictJson.MAPPER.readTree(input);
        if (event == null || !event.isObject() || !event.path("detail-type").isTextual()) {
            throw new IllegalArgumentException("not an EventBridge event: no detail-type");
        }
        String text = event.toString();
        ProvisioningRequest request = ProvisioningMessages.parse(text, null);
        String group = MessageGroups.groupId(request.organizationId(), request.datamartName());
        String eventId = event.path("id").asText("");
        String deduplicationId = MessageGroups.deduplicationId(eventId.isEmpty() ? text : eventId);
        SendMessageResponse sent = sqs.sendMessage(message -> message
                .queueUrl(queueUrl)
                .messageBody(text)
                .messageGroupId(group)
                .messageDeduplicationId(deduplicationId));
        ObjectNode result = StrictJson.MAPPER.createObjectNode()
                .put("messageId", sent.messageId())
                .put("messageGroupId", group)
                .put("messageDeduplicationId", deduplicationId);
        StrictJson.MAPPER.writeValue(output, result);
        ObjectNode line = LambdaLogs.line(LogLevel.INFO, context, "forwarded a provisioning request to the queue");
        line.setAll(result);
        LambdaLogs.write(context, line
                .put("operation", request.operation() == null ? null : request.operation().name())
                .put("organization", request.organizationId())
                .put("eventId", eventId)
                .put("detailType", event.path("detail-type").asText())
                .put("correlationId", request.correlationId()));
    }
}
