package io.datamart.provisioning;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.ErrorResponses;
import io.datamart.api.Json;
import io.datamart.aws.CallBudget;
import io.datamart.aws.LambdaLogs;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.error.DatamartException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.events.EventPublisher;
import io.datamart.events.OutboundEvent;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.provisioning.ProvisioningOutcomes.Result;
import io.datamart.service.DatamartService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the provisioning function does with a batch from the FIFO queue.
 *
 * <ul>
 * <li>Messages are applied in batch order, which is send order within a message group.
 * <li>A request that cannot succeed (bad format, invalid body, unknown datasource, a
 *     name taken by another definition, ...) is a permanent failure: its Failed outcome
 *     is published and the message is consumed, never retried.
 * <li>Anything else (DynamoDB errors, throttling, a bus that refuses the outcome) is
 *     transient: the message is listed in {@code batchItemFailures} and stays on the
 *     queue; so is every later message of its group in this batch, unprocessed, so the
 *     group's order holds (a group is the message's own, and its datamart's, so a
 *     producer's group format cannot break one datamart's order). Messages that succeeded
 *     are not listed, so not redone. A message is not started with less than
 *     {@value #RESERVED_MILLIS} ms of the invocation left; it and the rest are listed.
 *     Its DynamoDB calls must end {@link #OUTCOME_RESERVE} before the invocation does,
 *     its outcome's publication {@link #RESPONSE_RESERVE} before (see {@link CallBudget}),
 *     so the function never times out with messages applied but not reported. On
 *     a message's last allowed receive, a Failed outcome ({@code RETRIES_EXHAUSTED}) is
 *     published before the queue moves it to the dead-letter queue, whether it failed or
 *     was held.
 * <li>Redelivery is safe: create, update and delete count a request already in effect
 *     as success ({@code "result": "unchanged"}).
 * <li>A producer acts only for the organizations an operator granted it
 *     ({@link ProducerIdentity} says how a producer is known); anything else is a
 *     permanent failure, {@value #PRODUCER_NOT_ALLOWED}.
 * </ul>
 */
public final class ProvisioningPipeline {
    /** The queue's maxReceiveCount, as the template sets it for both. */
    public static final String MAX_RECEIVE_COUNT_VARIABLE = "PROVISIONING_MAX_RECEIVE_COUNT";
    static final int DEFAULT_MAX_RECEIVE_COUNT = 5;
    /**
     * A message is only started with this much of the invocation left: room for its outcome
     * ({@link #OUTCOME_RESERVE}) and a few seconds of work. The rest of the batch is listed
     * for redelivery instead.
     */
    static final int RESERVED_MILLIS = 15_000;
    /** Kept back from a message's work for publishing its outcome: one PutEvents call at most. */
    static final Duration OUTCOME_RESERVE = CallBudget.MAX_CALL.plusSeconds(2);
    /** Kept back from everything for writing the batch response. */
    static final Duration RESPONSE_RESERVE = Duration.ofSeconds(1);
    public static final String PRODUCER_NOT_ALLOWED = "PRODUCER_NOT_ALLOWED";
    public static final String FORWARDER_VARIABLE = ProducerIdentity.FORWARDER_VARIABLE;

    private final DatamartService service;
    private final EventPublisher publisher;
    private final int maxReceiveCount;
    private final ProducerGrantRepository grants;
    private final String forwarderPrincipalId;

    /**
     * @param grants               which organizations each producer may act for
     * @param forwarderPrincipalId the forwarding function's role id: bus requests are believed from it alone
     */
    public ProvisioningPipeline(DatamartService service, EventPublisher publisher, int maxReceiveCount,
            ProducerGrantRepository grants, String forwarderPrincipalId) {
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be at least 1");
        }
        this.service = service;
        this.publisher = publisher;
        this.maxReceiveCount = maxReceiveCount;
        this.grants = grants;
        this.forwarderPrincipalId = forwarderPrincipalId;
    }

    public static int maxReceiveCount(Map<String, String> environment) {
        String value = environment.get(MAX_RECEIVE_COUNT_VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_RECEIVE_COUNT;
        }
        try {
            int count = Integer.parseInt(value.strip());
            if (count < 1) {
                throw new NumberFormatException("below 1");
            }
            return count;
        } catch (NumberFormatException invalid) {
            throw new IllegalStateException(MAX_RECEIVE_COUNT_VARIABLE + " must be a whole number of at least 1, not '"
                    + value + "'", invalid);
        }
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode response = CallBudget.within(context, RESPONSE_RESERVE, () -> handleBatch(input, context));
        Json.MAPPER.writeValue(output, response);
    }

    private ObjectNode handleBatch(InputStream input, Context context) throws IOException {
        JsonNode records = Json.MAPPER.readTree(input).path("Records");
        if (!records.isArray()) {
            throw new IllegalArgumentException("not an SQS event: no Records list");
        }
        ObjectNode response = Json.MAPPER.createObjectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        // Ordering keys (the queue's message group, and the datamart's own group) held by a
        // failed message, with that message's id.
        Map<String, String> held = new HashMap<>();
        for (JsonNode record : records) {
            long started = System.nanoTime();
            String messageId = record.path("messageId").asText();
            int receiveCount = record.path("attributes").path("ApproximateReceiveCount").asInt(1);
            ProvisioningRequest request = ProvisioningMessages.parse(record.path("body").asText(null), messageId);
            Set<String> keys = orderingKeys(record, messageId, request);
            String heldBy = keys.stream().map(held::get).filter(Objects::nonNull).findFirst().orElse(null);
            boolean retry;
            if (heldBy != null) {
                retry = notProcessed(request, messageId, receiveCount, "held behind message " + heldBy
                        + " of the same datamart, which failed", context, started);
            } else if (context != null && context.getRemainingTimeInMillis() < RESERVED_MILLIS) {
                retry = notProcessed(request, messageId, receiveCount, "not started: the invocation was running "
                        + "out of time", context, started);
            } else {
                String producer = ProducerIdentity.of(record, request, forwarderPrincipalId);
                retry = process(request, producer, messageId, receiveCount, context, started);
            }
            if (retry) {
                failures.addObject().put("itemIdentifier", messageId);
                keys.forEach(key -> held.putIfAbsent(key, messageId));
            }
        }
        return response;
    }

    /**
     * The keys a message is ordered by: its message group, and the group of the datamart it
     * names, so that a producer's own group format and the forwarder's still keep one
     * datamart's requests in order within a batch.
     */
    private static Set<String> orderingKeys(JsonNode record, String messageId, ProvisioningRequest request) {
        Set<String> keys = new HashSet<>();
        keys.add("queue:" + record.path("attributes").path("MessageGroupId").asText(messageId));
        if (request.organizationId() != null && request.datamartName() != null) {
            keys.add("datamart:" + MessageGroups.groupId(request.organizationId(), request.datamartName()));
        }
        return keys;
    }

    /**
     * A message left for a later delivery without being applied. On its last receive the
     * queue will dead-letter it, so its producer is told now.
     */
    private boolean notProcessed(ProvisioningRequest request, String messageId, int receiveCount, String reason,
            Context context, long started) {
        ObjectNode line = line(messageId, request).put("receiveCount", receiveCount).put("outcome", "held")
                .put("reason", reason);
        if (receiveCount >= maxReceiveCount) {
            publish(ProvisioningOutcomes.failed(request, messageId, ProvisioningOutcomes.error(
                    ProvisioningOutcomes.RETRIES_EXHAUSTED, "Gave up after " + receiveCount
                            + " deliveries; the message goes to the dead-letter queue. It was " + reason,
                    List.of())), context);
            line.put("errorCode", ProvisioningOutcomes.RETRIES_EXHAUSTED);
        }
        line.put("durationMs", (System.nanoTime() - started) / 1_000_000.0);
        LambdaLogs.log(context, LogLevel.WARN, line.toString());
        return true;
    }

    /** Applies one message and publishes its outcome; true if it must be delivered again. */
    private boolean process(ProvisioningRequest request, String producer, String messageId, int receiveCount,
            Context context, long started) {
        OutboundEvent outcome;
        boolean retry = false;
        RuntimeException transientFailure = null;
        try {
            outcome = CallBudget.within(context, OUTCOME_RESERVE, () -> decide(request, producer, messageId));
        } catch (ConcurrentModificationException contended) {
            // Other changes of the datamart won every try: a later delivery tries again.
            transientFailure = contended;
            retry = true;
            outcome = exhausted(request, messageId, receiveCount, contended.getMessage());
        } catch (ServiceUnavailableException unavailable) {
            // Throttled, unanswered or out of time: a later delivery tries again, safely, as
            // a request already in effect counts as applied.
            transientFailure = unavailable;
            retry = true;
            outcome = exhausted(request, messageId, receiveCount, unavailable.internalCause());
        } catch (DatamartException permanent) {
            outcome = ProvisioningOutcomes.failed(request, messageId,
                    ErrorResponses.of(permanent, request.operation().apiOperation()).body().path("error"));
        } catch (RuntimeException failure) {
            transientFailure = failure;
            retry = true;
            outcome = exhausted(request, messageId, receiveCount, failure.getClass().getSimpleName());
        }
        if (outcome != null && !publish(outcome, context)) {
            retry = true;
        }
        ObjectNode line = line(messageId, request).put("receiveCount", receiveCount);
        if (transientFailure instanceof ServiceUnavailableException unavailable) {
            line.put("outcome", "retry").put("failure", unavailable.internalCause());
        } else if (transientFailure != null) {
            line.put("outcome", "retry").put("failure", transientFailure.toString());
        } else if (outcome != null) {
            line.put("outcome", outcome.detailType().equals(ProvisioningOutcomes.SUCCEEDED) ? "succeeded" : "failed");
            line.put("result", outcome.detail().path("result").asText(null))
                    .put("errorCode", outcome.detail().path("error").path("code").asText(null));
            if (retry) {
                line.put("outcome", "retry").put("failure", "the outcome event was not published");
            }
        }
        line.put("durationMs", (System.nanoTime() - started) / 1_000_000.0);
        LambdaLogs.log(context, retry ? LogLevel.WARN : LogLevel.INFO, line.toString());
        return retry;
    }

    /** On the last allowed receive, the Failed outcome of a transient failure; before it, none yet. */
    private OutboundEvent exhausted(ProvisioningRequest request, String messageId, int receiveCount,
            String lastFailure) {
        return receiveCount < maxReceiveCount ? null : ProvisioningOutcomes.failed(request, messageId,
                ProvisioningOutcomes.error(ProvisioningOutcomes.RETRIES_EXHAUSTED, "Gave up after " + receiveCount
                        + " deliveries; the message goes to the dead-letter queue. Last failure: " + lastFailure,
                        List.of()));
    }

    /** The outcome of a request, or an exception saying why it has none yet. */
    private OutboundEvent decide(ProvisioningRequest request, String producer, String messageId) {
        if (!request.isValid()) {
            return ProvisioningOutcomes.failed(request, messageId, ProvisioningOutcomes.error(
                    ProvisioningOutcomes.INVALID_MESSAGE, "Invalid provisioning message: "
                            + request.violations().get(0).describe(), request.violations()));
        }
        if (!grants.mayActFor(producer, request.organizationId())) {
            return ProvisioningOutcomes.failed(request, messageId, ProvisioningOutcomes.error(
                    PRODUCER_NOT_ALLOWED, notAllowed(producer, request), List.of()));
        }
        return ProvisioningOutcomes.succeeded(request, messageId, apply(request));
    }

    private static String notAllowed(String producer, ProvisioningRequest request) {
        if (producer == null) {
            return request.busSource() != null
                    ? "A request in the shape of a bus event is believed only from the forwarding function"
                    : "The message has no sender id, so its producer cannot be told";
        }
        return "Producer '" + ProvisioningOutcomes.bounded(producer) + "' may not act for organization '"
                + ProvisioningOutcomes.bounded(request.organizationId())
                + "'; an operator grants it with bin/admin producer grant";
    }

    private Result apply(ProvisioningRequest request) {
        String organizationId = request.organizationId();
        JsonNode body = request.body();
        return switch (request.operation()) {
            case CREATE -> service.createIfAbsent(organizationId, body) ? Result.CREATED : Result.UNCHANGED;
            case UPDATE -> service.updateIfChanged(organizationId, body) ? Result.UPDATED : Result.UNCHANGED;
            case DELETE -> service.deleteIfPresent(organizationId, service.validator().validateDeleteBody(body))
                    ? Result.DELETED : Result.UNCHANGED;
        };
    }

    private boolean publish(OutboundEvent outcome, Context context) {
        try {
            if (publisher.publish(List.of(outcome)) == 1) {
                return true;
            }
            LambdaLogs.log(context, LogLevel.WARN, "The bus refused the outcome event");
        } catch (RuntimeException busFailure) {
            LambdaLogs.log(context, LogLevel.WARN, "Publishing the outcome event failed: " + busFailure);
        }
        return false;
    }

    /** One log line per message: never the body, which may hold customers' SQL. */
    private static ObjectNode line(String messageId, ProvisioningRequest request) {
        ObjectNode line = Json.MAPPER.createObjectNode().put("messageId", messageId);
        if (request != null) {
            line.put("correlationId", request.correlationId())
                    .put("operation", request.operation() == null ? null : request.operation().wire())
                    .put("organizationId", request.organizationId())
                    .put("name", ProvisioningOutcomes.bounded(request.datamartName()));
        }
        return line;
    }

}
