package io.datamart.events;

import io.datamart.aws.AwsClients;
import io.datamart.aws.CallBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes to the deployment's EventBridge bus ({@value #BUS_VARIABLE}). PutEvents can
 * accept some entries of a call and refuse others; the count returned stops at the first
 * refused one, so a caller retrying from there never loses an event (it may publish one
 * twice, which the events' identifying fields let consumers recognise).
 */
public final class EventBridgePublisher implements EventPublisher {
    public static final String BUS_VARIABLE = "EVENT_BUS_NAME";
    /** Points the client at another EventBridge, such as moto on a laptop. */
    public static final String ENDPOINT_VARIABLE = "EVENTBRIDGE_ENDPOINT";
    /** PutEvents takes at most this many entries per call. */
    static final int MAX_ENTRIES_PER_CALL = 10;

    private final EventBridgeClient client;
    private final String busName;

    public EventBridgePublisher(EventBridgeClient client, String busName) {
        this.client = client;
        this.busName = busName;
    }

    public static EventBridgePublisher fromEnvironment(Map<String, String> environment) {
        String bus = AwsClients.required(environment, BUS_VARIABLE);
        return new EventBridgePublisher(AwsClients.build(EventBridgeClient.builder(), environment, ENDPOINT_VARIABLE),
                bus);
    }

    /** The entries built, and the bus read (DescribeEventBus): the client's path, with nothing put on the bus. */
    @Override
    public void prime(List<OutboundEvent> events) {
        events.forEach(this::entry);
        client.describeEventBus(request -> request.name(busName));
    }

    @Override
    public int publish(List<OutboundEvent> events) {
        int accepted = 0;
        for (int start = 0; start < events.size(); start += MAX_ENTRIES_PER_CALL) {
            List<OutboundEvent> chunk = events.subList(start, Math.min(events.size(), start + MAX_ENTRIES_PER_CALL));
            List<PutEventsRequestEntry> entries = new ArrayList<>(chunk.size());
            for (OutboundEvent event : chunk) {
                entries.add(entry(event));
            }
            PutEventsResponse response;
            try {
                // Within the invocation's budget: each call's timeout is what is left of it.
                Optional<AwsRequestOverrideConfiguration> budget = CallBudget.bound(Optional.empty());
                response = client.putEvents(request -> {
                    request.entries(entries);
                    budget.ifPresent(request::overrideConfiguration);
                });
            } catch (RuntimeException failed) {
                if (accepted == 0) {
                    throw failed;
                }
                return accepted; // the earlier calls went through; the caller retries from here
            }
            List<PutEventsResultEntry> results = response.entries();
            for (int i = 0; i < chunk.size(); i++) {
                PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
                if (result == null || result.errorCode() != null || result.eventId() == null) {
                    return accepted;
                }
                accepted++;
            }
        }
        return accepted;
    }

    private PutEventsRequestEntry entry(OutboundEvent event) {
        return PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(event.source())
                .detailType(event.detailType())
                .detail(event.detail().toString())
                .build();
    }
}
