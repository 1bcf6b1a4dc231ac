package io.datamart.provisioning;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.ErrorResponses;
import io.datamart.validation.StrictJson;
import io.datamart.aws.CallBudget;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.aws.LambdaLogs;
import io.datamart.aws.SnapStartPriming;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.error.DatamartException;
import io.datamart.error.IdempotencyKeyInUseException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.events.EventPublisher;
import io.datamart.events.OutboundEvent;
import io.datamart.aws.AwsClients;
import io.datamart.idempotency.IdempotencyKeys;
import io.datamart.idempotency.RequestFingerprint;
import io.datamart.persistence.CommittedWith;
import io.datamart.persistence.IdempotencyClaimLostException;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.persistence.IdempotencyRecordRepository.Answered;
import io.datamart.persistence.IdempotencyRecordRepository.Claimed;
import io.datamart.persistence.IdempotencyRecordRepository.Running;
import io.datamart.persistence.IdempotencyRecordRepository.UsedForAnotherRequest;
import io.datamart.persistence.ParkedDatamartRepository;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.persistence.ProvisioningAttemptRepository;
import io.datamart.provisioning.ProvisioningOutcomes.Result;
import io.datamart.service.DatamartService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *     transient: the message is listed in {@code batchItemFailures} and comes again after
 *     a backoff ({@link #backoffSeconds}: 5 s, doubling), set with
 *     ChangeMessageVisibility rather than left to the queue's 6-minute visibility
 *     timeout. Every later message of its group in this batch is listed too, untried
 *     ("held"), and made visible at once, so the group's order holds (a group is the
 *     message's own, and its datamart's, so a producer's group format cannot break one
 *     datamart's order). Messages that succeeded are not listed, so not redone. A message
 *     is not started with less than {@value #RESERVED_MILLIS} ms of the invocation left; it
 *     and the rest are listed. Its DynamoDB calls must end {@link #OUTCOME_RESERVE} before
 *     the invocation does, its outcome's publication {@link #RESPONSE_RESERVE} before
 *     (see {@link CallBudget}), so the function never times out with messages applied but
 *     not reported.
 * <li>A request's chances are its own tries, counted by message id
 *     ({@link ProvisioningAttemptRepository}), not the queue's receive count, which also
 *     counts the deliveries in which it was only held. After {@code maxTries} failed
 *     tries it has failed for good: its datamart is parked, its Failed outcome
 *     ({@code RETRIES_EXHAUSTED}) published, and the function moves it to the dead-letter
 *     queue itself ({@link ProvisioningQueue#deadLetter}). The queue's
 *     {@code maxReceiveCount} is only a backstop: a message received that often fails for
 *     good the same way, and the queue moves it.
 * <li>While a datamart is parked, every later request for it fails for good with
 *     {@value #DATAMART_PARKED} (outcome published, message consumed): none may run ahead
 *     of the one in the dead-letter queue. An operator releases it with
 *     {@code bin/admin provisioning release}.
 * <li>Redelivery is safe: create, update and delete count a request already in effect
 *     as success ({@code "result": "unchanged"}).
 * <li>A producer acts only for the organizations an operator granted it
 *     ({@link ProducerIdentity} says how a producer is known); anything else is a
 *     permanent failure, {@value #PRODUCER_NOT_ALLOWED}.
 * </ul>
 */
public final class ProvisioningPipeline {
    /** The queue's maxReceiveCount, as the template sets it for both: the backstop. */
    public static final String MAX_RECEIVE_COUNT_VARIABLE = "PROVISIONING_MAX_RECEIVE_COUNT";
    static final int DEFAULT_MAX_RECEIVE_COUNT = 100;
    /** How many failed tries a request gets before it fails for good. */
    public static final String MAX_TRIES_VARIABLE = "PROVISIONING_MAX_TRIES";
    static final int DEFAULT_MAX_TRIES = 10;
    /** The first backoff after a failed try; it doubles with each try, up to {@link #MAX_BACKOFF_SECONDS}. */
    static final int FIRST_BACKOFF_SECONDS = 5;
    static final int MAX_BACKOFF_SECONDS = 300;
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
    /** The outcome of a request for a datamart whose requests are parked. */
    public static final String DATAMART_PARKED = "DATAMART_PARKED";
    /** The request's correlation id was first used for a different request. */
    public static final String IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";
    public static final String FORWARDER_VARIABLE = ProducerIdentity.FORWARDER_VARIABLE;
    public static final String PROVISIONER_VARIABLE = ProducerIdentity.PROVISIONER_VARIABLE;

    /**
     * How the pipeline is set up, from the function's environment.
     *
     * @param maxReceiveCount        the queue's backstop: a message received this often fails for good
     * @param maxTries               failed tries after which a request fails for good
     * @param forwarderPrincipalId   the forwarding function's role id: bus requests are believed from it alone
     * @param provisionerPrincipalId this function's own role id: the producer a dead-lettered request carries
     *                               is believed from it alone
     */
    public record Settings(int maxReceiveCount, int maxTries, String forwarderPrincipalId,
            String provisionerPrincipalId) {
        public Settings {
            if (maxReceiveCount < 1 || maxTries < 1) {
                throw new IllegalArgumentException("maxReceiveCount and maxTries must be at least 1");
            }
        }

        public static Settings fromEnvironment(Map<String, String> environment) {
            return new Settings(count(environment, MAX_RECEIVE_COUNT_VARIABLE, DEFAULT_MAX_RECEIVE_COUNT),
                    count(environment, MAX_TRIES_VARIABLE, DEFAULT_MAX_TRIES),
                    AwsClients.required(environment, FORWARDER_VARIABLE),
                    AwsClients.required(environment, PROVISIONER_VARIABLE));
        }
    }

    /** Where the pipeline keeps what it must remember between deliveries, and the queues it acts on. */
    public record State(ProducerGrantRepository grants, ParkedDatamartRepository parked,
            ProvisioningAttemptRepository attempts, IdempotencyRecordRepository records, ProvisioningQueue queue) {
    }

    private final DatamartService service;
    private final EventPublisher publisher;
    private final State state;
    private final Settings settings;
    private final SnapStartPriming priming;

    public ProvisioningPipeline(DatamartService service, EventPublisher publisher, State state, Settings settings) {
        this.service = service;
        this.publisher = publisher;
        this.state = state;
        this.settings = settings;
        this.priming = SnapStartPriming.register(this::prime);
    }

    /** What priming reads as: an organization no producer is granted. */
    static final String PRIMING_ORGANIZATION = "#priming#";
    private static final String PRIMING_MESSAGE = """
            {"operation": "create", "organizationId": "#priming#", "correlationId": "priming",
             "body": {"name": "priming", "datasourceName": "priming",
               "tableList": [{"schemaName": "public", "name": "orders", "columns": [{"name": "order_id"},
                 {"name": "total", "isCustomColumn": true, "sql": "quantity * unit_price"}]}]}}""";

    /**
     * A message's path once, before SnapStart's snapshot, writing and publishing nothing:
     * parsed, its producer's grant, its datamart's parking and its record looked up, the
     * body validated and mapped, a keyed transaction cancelled by its condition, its
     * outcome built and recorded in memory.
     */
    void prime() {
        ProvisioningRequest request = ProvisioningMessages.parse(PRIMING_MESSAGE, "priming");
        state.grants().mayActFor("role:priming", PRIMING_ORGANIZATION);
        state.parked().find(PRIMING_ORGANIZATION, request.datamartName());
        state.records().answered(PRIMING_ORGANIZATION, IdempotencyKeys.message(request.correlationId()),
                fingerprint(request));
        state.records().primeTransaction(PRIMING_ORGANIZATION);
        service.prime(PRIMING_ORGANIZATION, request.body());
        ProvisioningOutcomes.answer(ProvisioningOutcomes.succeeded(request, "priming", Result.CREATED));
        ProvisioningOutcomes.answer(failedFor(request, "priming", InvalidRequestException.of("priming")));
    }

    /** The hook registered with the CRaC global context (held here: the context holds it weakly). */
    SnapStartPriming priming() {
        return priming;
    }

    static int count(Map<String, String> environment, String variable, int fallback) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int count = Integer.parseInt(value.strip());
            if (count < 1) {
                throw new NumberFormatException("below 1");
            }
            return count;
        } catch (NumberFormatException invalid) {
            throw new IllegalStateException(variable + " must be a whole number of at least 1, not '" + value + "'",
                    invalid);
        }
    }

    /** How long a message waits after its {@code tries}-th failed try: 5 s, doubling, at most 300 s. */
    public static int backoffSeconds(int tries) {
        long seconds = (long) FIRST_BACKOFF_SECONDS << Math.min(Math.max(tries - 1, 0), 16);
        return (int) Math.min(seconds, MAX_BACKOFF_SECONDS);
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        EmbeddedMetrics.recordColdStart(context);
        ObjectNode response = CallBudget.within(context, RESPONSE_RESERVE, () -> handleBatch(input, context));
        StrictJson.MAPPER.writeValue(output, response);
    }

    private ObjectNode handleBatch(InputStream input, Context context) throws IOException {
        JsonNode records = StrictJson.MAPPER.readTree(input).path("Records");
        if (!records.isArray()) {
            throw new IllegalArgumentException("not an SQS event: no Records list");
        }
        ObjectNode response = StrictJson.MAPPER.createObjectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        // Ordering keys (the queue's message group, and the datamart's own group) held by a
        // failed message, with that message's id.
        Map<String, Holder> held = new HashMap<>();
        List<ProvisioningQueue.Visibility> comeAgain = new ArrayList<>();
        for (JsonNode record : records) {
            long started = System.nanoTime();
            Delivery delivery = new Delivery(record, ProvisioningMessages.parse(record.path("body").asText(null),
                    record.path("messageId").asText()), context, started);
            Set<String> keys = orderingKeys(record, delivery.messageId(), delivery.request());
            Holder heldBy = keys.stream().map(held::get).filter(Objects::nonNull).findFirst().orElse(null);
            Handled handled;
            if (heldBy != null) {
                // Not before the message it waits for: SQS holds back a message group, but
                // not the same datamart's messages in another group.
                handled = notProcessed(delivery, "held behind message " + heldBy.messageId()
                        + " of the same datamart, which failed", heldBy.comeAgainSeconds());
            } else if (context != null && context.getRemainingTimeInMillis() < RESERVED_MILLIS) {
                handled = notProcessed(delivery, "not started: the invocation was running out of time", 0);
            } else {
                handled = process(delivery, ProducerIdentity.of(record, delivery.request(),
                        settings.forwarderPrincipalId(), settings.provisionerPrincipalId()));
            }
            if (handled.retry()) {
                failures.addObject().put("itemIdentifier", delivery.messageId());
                Holder holder = new Holder(delivery.messageId(), handled.comeAgainSeconds());
                keys.forEach(key -> held.putIfAbsent(key, holder));
                comeAgain.add(new ProvisioningQueue.Visibility(record, handled.comeAgainSeconds()));
            }
        }
        List<String> unchanged = state.queue().changeVisibility(comeAgain);
        if (!unchanged.isEmpty()) {
            LambdaLogs.log(context, LogLevel.WARN, "Could not set when messages " + unchanged
                    + " come again; they come after the queue's visibility timeout");
        }
        return response;
    }

    /** One message of the batch as received: its record, its request, and when work on it started. */
    private record Delivery(JsonNode record, ProvisioningRequest request, Context context, long started) {
        String messageId() {
            return record.path("messageId").asText();
        }

        int receiveCount() {
            return record.path("attributes").path("ApproximateReceiveCount").asInt(1);
        }
    }

    /** A message handed back, and when it comes again: what the later messages of its datamart wait for. */
    private record Holder(String messageId, int comeAgainSeconds) {
    }

    /** What became of a message: consumed, or handed back to come again after {@code comeAgainSeconds}. */
    private record Handled(boolean retry, int comeAgainSeconds) {
        static final Handled CONSUMED = new Handled(false, 0);

        static Handled again(int seconds) {
            return new Handled(true, seconds);
        }
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
     * A message left for a later delivery without being tried: it comes again after
     * {@code comeAgainSeconds}, as soon as the message it waits for. Only on the queue's
     * backstop receive, after which the queue moves it on, has it failed for good.
     */
    private Handled notProcessed(Delivery delivery, String reason, int comeAgainSeconds) {
        ObjectNode line = line(delivery.messageId(), delivery.request())
                .put("receiveCount", delivery.receiveCount()).put("status", "held").put("reason", reason);
        if (delivery.receiveCount() >= settings.maxReceiveCount()) {
            String parked = park(delivery, "received " + delivery.receiveCount() + " times, never applied: " + reason)
                    ? PARKED_WORDS : "";
            publish(ProvisioningOutcomes.failed(delivery.request(), delivery.messageId(), ProvisioningOutcomes.error(
                    ProvisioningOutcomes.RETRIES_EXHAUSTED, "Gave up after " + delivery.receiveCount()
                            + " deliveries; the message goes to the dead-letter queue" + parked + ". It was " + reason,
                    List.of())), delivery.context());
            line.put("errorCode", ProvisioningOutcomes.RETRIES_EXHAUSTED);
        }
        line.put("durationMs", (System.nanoTime() - delivery.started()) / 1_000_000.0);
        logMessage(delivery, LogLevel.WARN, line);
        return Handled.again(comeAgainSeconds);
    }

    /** Applies one message and publishes its outcome; says whether and when it must come again. */
    private Handled process(Delivery delivery, String producer) {
        ProvisioningRequest request = delivery.request();
        String messageId = delivery.messageId();
        OutboundEvent outcome;
        String transientFailure = null;
        try {
            outcome = CallBudget.within(delivery.context(), OUTCOME_RESERVE,
                    () -> decide(request, producer, messageId, delivery.context()));
        } catch (ParkedBehindItself parkedHead) {
            // It failed for good before, but did not reach the dead-letter queue: move it now.
            ObjectNode line = line(messageId, request).put("receiveCount", delivery.receiveCount());
            Handled handled = deadLetter(delivery, producer, line);
            line.put("durationMs", (System.nanoTime() - delivery.started()) / 1_000_000.0);
            logMessage(delivery, LogLevel.WARN, line);
            return handled;
        } catch (ConcurrentModificationException | IdempotencyKeyInUseException contended) {
            // Other changes of the datamart won every try, or another delivery of the request
            // is running it: a later delivery tries again.
            transientFailure = contended.getMessage();
            outcome = null;
        } catch (ServiceUnavailableException unavailable) {
            // Throttled, unanswered or out of time: a later delivery tries again, safely, as
            // a request already in effect counts as applied.
            transientFailure = unavailable.internalCause();
            outcome = null;
        } catch (DatamartException permanent) {
            outcome = failedFor(request, messageId, permanent);
        } catch (RuntimeException failure) {
            transientFailure = failure.toString();
            outcome = null;
        }
        if (outcome != null && !publish(outcome, delivery.context())) {
            transientFailure = "the outcome event was not published";
        }
        ObjectNode line = line(messageId, request).put("receiveCount", delivery.receiveCount());
        Handled handled = Handled.CONSUMED;
        if (transientFailure != null) {
            handled = failedTry(delivery, producer, transientFailure, line);
        } else {
            line.put("status", outcome.detailType().equals(ProvisioningOutcomes.SUCCEEDED) ? "succeeded" : "failed");
            line.put("result", outcome.detail().path("result").asText(null))
                    .put("errorCode", outcome.detail().path("error").path("code").asText(null));
        }
        line.put("durationMs", (System.nanoTime() - delivery.started()) / 1_000_000.0);
        logMessage(delivery, transientFailure != null ? LogLevel.WARN : LogLevel.INFO, line);
        return handled;
    }

    /**
     * A try that failed for a reason that may pass. Counts it; within {@code maxTries} (and
     * the queue's backstop) the message comes again after a backoff. Otherwise it has failed
     * for good: its datamart is parked, its producer told, and it goes to the dead-letter
     * queue (moved there by this function, or by the queue on its backstop receive). Until
     * the parking is stored, it is not moved: nothing may overtake it unparked.
     */
    private Handled failedTry(Delivery delivery, String producer, String failure, ObjectNode line) {
        line.put("failure", failure);
        boolean backstop = delivery.receiveCount() >= settings.maxReceiveCount();
        int tries;
        try {
            tries = CallBudget.within(delivery.context(), RESPONSE_RESERVE,
                    () -> state.attempts().recordFailure(delivery.messageId()));
        } catch (RuntimeException uncounted) {
            // Not counted (the table fails too, likely for the same reason): this try is lost
            // to the count, never the request; the receive count paces the backoff instead.
            line.put("tries", "uncounted: " + uncounted);
            if (!backstop) {
                line.put("status", "retry");
                return Handled.again(backoffSeconds(delivery.receiveCount()));
            }
            tries = delivery.receiveCount();
        }
        line.put("tries", tries);
        if (tries < settings.maxTries() && !backstop) {
            line.put("status", "retry");
            return Handled.again(backoffSeconds(tries));
        }
        boolean parked = park(delivery, "failed " + tries + " tries; last failure: " + failure);
        if (!parked && !backstop && hasDatamart(delivery.request())) {
            // Moved on unparked, the datamart's later requests would run ahead of it.
            line.put("status", "retry").put("parkFailure", "the parking was not stored");
            return Handled.again(FIRST_BACKOFF_SECONDS);
        }
        publish(ProvisioningOutcomes.failed(delivery.request(), delivery.messageId(), ProvisioningOutcomes.error(
                ProvisioningOutcomes.RETRIES_EXHAUSTED, "Gave up after " + tries + " tries; the message goes to the "
                        + "dead-letter queue" + (parked ? PARKED_WORDS : "") + ". Last failure: " + failure,
                List.of())), delivery.context());
        line.put("errorCode", ProvisioningOutcomes.RETRIES_EXHAUSTED);
        if (backstop) {
            line.put("status", "dead-lettered by the queue");
            return Handled.again(0);
        }
        return deadLetter(delivery, producer, line);
    }

    /** Moves the message to the dead-letter queue and consumes it; if SQS does not take it, it comes again. */
    private Handled deadLetter(Delivery delivery, String producer, ObjectNode line) {
        try {
            CallBudget.within(delivery.context(), RESPONSE_RESERVE, () -> {
                state.queue().deadLetter(delivery.record(), producer);
                return null;
            });
            line.put("status", "dead-lettered");
            return Handled.CONSUMED;
        } catch (RuntimeException notMoved) {
            // Still on its queue, and its datamart parked behind it: on its next delivery it
            // is recognised as the parked request and moved then (ParkedBehindItself).
            line.put("status", "retry").put("deadLetterFailure", notMoved.toString());
            return Handled.again(FIRST_BACKOFF_SECONDS);
        }
    }

    private static final String PARKED_WORDS = ", and the datamart's later requests are parked until an operator "
            + "releases them (bin/admin provisioning release)";

    private static boolean hasDatamart(ProvisioningRequest request) {
        return request.organizationId() != null && request.datamartName() != null;
    }

    /**
     * Parks the datamart of a request that failed for good. False when the request names no
     * datamart or the parking could not be stored (an error is logged).
     */
    private boolean park(Delivery delivery, String reason) {
        ProvisioningRequest request = delivery.request();
        if (!hasDatamart(request)) {
            return false;
        }
        try {
            CallBudget.within(delivery.context(), RESPONSE_RESERVE, () -> state.parked().park(
                    request.organizationId(), request.datamartName(), delivery.messageId(), reason));
            return true;
        } catch (RuntimeException notParked) {
            LambdaLogs.log(delivery.context(), LogLevel.ERROR, "Could not park the requests of datamart "
                    + ProvisioningOutcomes.bounded(request.datamartName()) + " of organization "
                    + ProvisioningOutcomes.bounded(request.organizationId()) + ": " + notParked);
            return false;
        }
    }

    /** The request is the one its datamart is parked behind: it failed for good but is still on the queue. */
    private static final class ParkedBehindItself extends RuntimeException {
        ParkedBehindItself() {
            super(null, null, false, false);
        }
    }

    /** The outcome of a request, or an exception saying why it has none yet. */
    private static OutboundEvent failedFor(ProvisioningRequest request, String messageId, DatamartException permanent) {
        return ProvisioningOutcomes.failed(request, messageId,
                ErrorResponses.of(permanent, request.operation().apiOperation()).body().path("error"));
    }

    private OutboundEvent decide(ProvisioningRequest request, String producer, String messageId, Context context) {
        if (!request.isValid()) {
            return ProvisioningOutcomes.failed(request, messageId, ProvisioningOutcomes.error(
                    ProvisioningOutcomes.INVALID_MESSAGE, "Invalid provisioning message: "
                            + request.violations().get(0).describe(), request.violations()));
        }
        if (!state.grants().mayActFor(producer, request.organizationId())) {
            return ProvisioningOutcomes.failed(request, messageId, ProvisioningOutcomes.error(
                    PRODUCER_NOT_ALLOWED, notAllowed(producer, request), List.of()));
        }
        // Applied before (its outcome perhaps never published): told again, whatever was parked since.
        String key = IdempotencyKeys.message(request.correlationId());
        String fingerprint = fingerprint(request);
        Optional<Answered> answered = state.records().answered(request.organizationId(), key, fingerprint);
        if (answered.isPresent()) {
            return ProvisioningOutcomes.replayed(answered.get().answer(), messageId);
        }
        Optional<ParkedDatamartRepository.Parking> parking = state.parked().find(request.organizationId(),
                request.datamartName());
        if (parking.isPresent() && messageId.equals(parking.get().messageId())) {
            throw new ParkedBehindItself();
        }
        if (parking.isPresent()) {
            return ProvisioningOutcomes.failed(request, messageId, ProvisioningOutcomes.error(DATAMART_PARKED,
                    parked(parking.get()), List.of()));
        }
        return applyOnce(request, producer, messageId, key, fingerprint, context);
    }

    /** What makes two provisioning requests the same request: the operation and the body. */
    private static String fingerprint(ProvisioningRequest request) {
        return RequestFingerprint.of(request.operation().wire(), "provisioning", Map.of(), null,
                request.body().toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Applies the request once per correlation id (the message's own id when the producer
     * sent none): its outcome is recorded in the same transaction as the change it made, and
     * every later delivery, of this message or of another with the id, is told that outcome
     * again, marked as a replay, whatever was written meanwhile.
     */
    private OutboundEvent applyOnce(ProvisioningRequest request, String producer, String messageId, String key,
            String fingerprint, Context context) {
        String organizationId = request.organizationId();
        IdempotencyRecordRepository records = state.records();
        return switch (records.claim(organizationId, key, fingerprint,
                Duration.ofMillis(context.getRemainingTimeInMillis()), IdempotencyKeys.MESSAGE_KEPT_FOR)) {
            case Answered answered -> ProvisioningOutcomes.replayed(answered.answer(), messageId);
            case Running running -> throw new IdempotencyKeyInUseException();
            case UsedForAnotherRequest reused -> ProvisioningOutcomes.failed(request, messageId,
                    ProvisioningOutcomes.error(IDEMPOTENCY_KEY_REUSED, "correlationId " + ProvisioningOutcomes.bounded(
                            request.correlationId()) + " was used for a different request", List.of()));
            case Claimed claimed -> {
                OutboundEvent written = ProvisioningOutcomes.succeeded(request, messageId, Result.wrote(request.operation()));
                CommittedWith with = name -> records.completion(organizationId, key, claimed.claimId(), 200,
                        ProvisioningOutcomes.answer(written));
                OutboundEvent outcome;
                try {
                    Result result = apply(request, producer, with);
                    if (result != Result.UNCHANGED) {
                        yield written; // recorded with the change
                    }
                    outcome = ProvisioningOutcomes.succeeded(request, messageId, result);
                } catch (ConcurrentModificationException | ServiceUnavailableException transientFailure) {
                    release(organizationId, key, claimed.claimId());
                    throw transientFailure;
                } catch (IdempotencyClaimLostException lost) {
                    throw new IdempotencyKeyInUseException();
                } catch (DatamartException permanent) {
                    outcome = failedFor(request, messageId, permanent);
                } catch (RuntimeException unexpected) {
                    release(organizationId, key, claimed.claimId());
                    throw unexpected;
                }
                // Nothing written (refused, or already as asked): the record alone. Not recorded,
                // the claim is given up, and a later delivery decides afresh.
                try {
                    records.complete(organizationId, key, claimed.claimId(), outcome.detailType().equals(
                            ProvisioningOutcomes.SUCCEEDED) ? 200 : 400, ProvisioningOutcomes.answer(outcome));
                } catch (RuntimeException notRecorded) {
                    release(organizationId, key, claimed.claimId());
                }
                yield outcome;
            }
        };
    }

    /** Best effort: a claim left behind ends with its lease, and the next delivery runs afresh. */
    private void release(String organizationId, String key, String claimId) {
        try {
            state.records().release(organizationId, key, claimId);
        } catch (RuntimeException notReleased) {
            // the lease ends by itself
        }
    }

    private static String parked(ParkedDatamartRepository.Parking parking) {
        return "Requests for this datamart are parked since " + parking.parkedAt() + ": request "
                + parking.messageId() + " failed for good and went to the dead-letter queue, and no later request "
                + "may run ahead of it. An operator releases the datamart with bin/admin provisioning release; "
                + "send this request again then";
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

    /** The request applied; the versions it writes say {@code producer} (granted, so known) made the change. */
    private Result apply(ProvisioningRequest request, String producer, CommittedWith with) {
        String organizationId = request.organizationId();
        JsonNode body = request.body();
        DatamartService service = this.service.changedBy(producer);
        return switch (request.operation()) {
            case CREATE -> service.createIfAbsent(organizationId, body, with) ? Result.CREATED : Result.UNCHANGED;
            case UPDATE -> service.updateIfChanged(organizationId, body, with) ? Result.UPDATED : Result.UNCHANGED;
            case DELETE -> service.deleteIfPresent(organizationId, service.validator().validateDeleteBody(body), with)
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

    /** One log line's fields per message: never the body, which may hold customers' SQL. */
    private static ObjectNode line(String messageId, ProvisioningRequest request) {
        ObjectNode line = StrictJson.MAPPER.createObjectNode().put("messageId", messageId);
        if (request != null) {
            line.put("correlationId", request.correlationId())
                    .put("operation", request.operation() == null ? null : request.operation().name())
                    .put("organization", request.organizationId())
                    .put("name", ProvisioningOutcomes.bounded(request.datamartName()));
        }
        return line;
    }

    /** The count and latency metric names of provisioning messages in {@link EmbeddedMetrics#NAMESPACE}. */
    public static final String MESSAGES_METRIC = "ProvisioningMessages";
    public static final String LATENCY_METRIC = "ProvisioningLatency";
    /** The operation dimension of a message that names none it knows. */
    static final String UNKNOWN_OPERATION = "UNKNOWN";

    /**
     * The message's log line, and its metric line: count and latency by operation, status
     * class and error code. A message that comes again without an error code of its own
     * (a try to retry, a message held behind another) has its status as its code: RETRY, HELD.
     */
    private static void logMessage(Delivery delivery, LogLevel level, ObjectNode fields) {
        String status = fields.path("status").asText();
        ObjectNode line = LambdaLogs.line(level, delivery.context(), "provisioning message " + status);
        line.setAll(fields);
        LambdaLogs.write(delivery.context(), line);
        String errorCode = fields.path("errorCode").asText(null);
        EmbeddedMetrics.record(delivery.context(), MESSAGES_METRIC, LATENCY_METRIC, new EmbeddedMetrics.Outcome(
                fields.path("operation").asText(UNKNOWN_OPERATION), statusClass(status, errorCode),
                errorCode != null || status.equals("succeeded") ? errorCode : status.toUpperCase(Locale.ROOT),
                fields.path("durationMs").asDouble()));
    }

    /**
     * A message's outcome in the API's terms: applied is 2xx; refused for good for what it
     * asked (invalid, not found, not allowed) is 4xx; anything else (a try that failed and
     * comes again, a message held behind one, one given up on) is 5xx, the service's side.
     */
    static String statusClass(String status, String errorCode) {
        return switch (status) {
            case "succeeded" -> "2xx";
            case "failed" -> ProvisioningOutcomes.RETRIES_EXHAUSTED.equals(errorCode) ? "5xx" : "4xx";
            default -> "5xx";
        };
    }

}
