package io.datamart.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * The real EventBridge client of the test AWS, except where a test asks PutEvents to
 * fail: moto accepts every well-formed entry and is never down, while EventBridge
 * refuses entries one by one under throttling and can fail a whole call. Asked
 * nothing, it only passes calls on and counts them.
 */
public final class FaultInjectingEventBridgeClient implements EventBridgeClient {
    private static final Predicate<PutEventsRequestEntry> NONE = entry -> false;

    private final EventBridgeClient delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger describeCalls = new AtomicInteger();
    private final List<Duration> callTimeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int failFromCall;
    private volatile Predicate<PutEventsRequestEntry> refused = NONE;
    private volatile int answered = -1;

    public FaultInjectingEventBridgeClient(EventBridgeClient delegate) {
        this.delegate = delegate;
    }

    /** Every PutEvents call from the {@code nth} on (counting from 1) fails as a whole, as an outage does. */
    public FaultInjectingEventBridgeClient failCallsFrom(int nth) {
        this.failFromCall = nth;
        return this;
    }

    /** Every entry that matches is refused (ThrottlingException); the others of its call go through. */
    public FaultInjectingEventBridgeClient refuseEntries(Predicate<PutEventsRequestEntry> entries) {
        this.refused = entries;
        return this;
    }

    /**
     * Every PutEvents answer lists a result for only the first {@code entries} entries of
     * its call, as a cut-short answer would; the entries themselves still reach the bus.
     */
    public FaultInjectingEventBridgeClient answerOnly(int entries) {
        this.answered = entries;
        return this;
    }

    /** Accepts everything again, answers for every entry, and forgets the calls. */
    public void reset() {
        failFromCall = 0;
        refused = NONE;
        answered = -1;
        calls.set(0);
        callTimeouts.clear();
    }

    /** The timeout each PutEvents call was given (its override), in call order; none for a call without one. */
    public List<Duration> callTimeouts() {
        return List.copyOf(callTimeouts);
    }

    public int calls() {
        return calls.get();
    }

    /** Passed on: what SnapStart priming reads of the bus. */
    @Override
    public software.amazon.awssdk.services.eventbridge.model.DescribeEventBusResponse describeEventBus(
            software.amazon.awssdk.services.eventbridge.model.DescribeEventBusRequest request) {
        describeCalls.incrementAndGet();
        return delegate.describeEventBus(request);
    }

    /** DescribeEventBus calls, which {@link #reset()} does not forget. */
    public int describeCalls() {
        return describeCalls.get();
    }

    @Override
    public PutEventsResponse putEvents(PutEventsRequest request) {
        int call = calls.incrementAndGet();
        request.overrideConfiguration().flatMap(override -> override.apiCallTimeout()).ifPresent(callTimeouts::add);
        if (failFromCall > 0 && call >= failFromCall) {
            throw (EventBridgeException) EventBridgeException.builder().statusCode(500).message("injected outage")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalException")
                            .errorMessage("injected outage").serviceName("EventBridge").build())
                    .build();
        }
        Predicate<PutEventsRequestEntry> refuse = refused;
        List<PutEventsRequestEntry> passed = request.entries().stream().filter(refuse.negate()).toList();
        Iterator<PutEventsResultEntry> results = passed.isEmpty() ? List.<PutEventsResultEntry>of().iterator()
                : delegate.putEvents(request.toBuilder().entries(passed).build()).entries().iterator();
        List<PutEventsResultEntry> merged = new ArrayList<>();
        int failed = 0;
        for (PutEventsRequestEntry entry : request.entries()) {
            PutEventsResultEntry result = refuse.test(entry)
                    ? PutEventsResultEntry.builder().errorCode("ThrottlingException").errorMessage("injected refusal")
                            .build()
                    : results.next();
            failed += result.errorCode() == null ? 0 : 1;
            merged.add(result);
        }
        int answer = answered;
        List<PutEventsResultEntry> listed = answer >= 0 && answer < merged.size() ? merged.subList(0, answer) : merged;
        return PutEventsResponse.builder().entries(listed).failedEntryCount(failed).build();
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // the delegate belongs to the test run
    }
}
