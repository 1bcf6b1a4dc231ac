package io.datamart.testing;

import io.datamart.events.EventBridgePublisher;
import io.datamart.events.EventPublisher;
import io.datamart.local.EventBusTap;
import io.datamart.local.EventBusTap.BusEvent;
import io.datamart.provisioning.ProvisioningForwarder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * template.yaml's event bus on the test AWS, every event put on it read back through an
 * {@link EventBusTap}; the client tests publish through (real, failing when told); and
 * the environment template.yaml gives an event-driven function, pointed at the test AWS.
 */
public final class LocalBus {
    /** A bus of the test AWS no rule reads, for {@link #untappedPublisher()}. */
    static final String UNTAPPED_BUS = "untapped-bus";
    private static LocalBus instance;

    private final EventBusTap tap;
    private final FaultInjectingEventBridgeClient client;
    private final List<BusEvent> received = new ArrayList<>();
    private boolean untappedCreated;

    private LocalBus(EventBusTap tap, FaultInjectingEventBridgeClient client) {
        this.tap = tap;
        this.client = client;
    }

    public static synchronized LocalBus instance() {
        if (instance == null) {
            String bus = TestAws.template().eventBuses().get(0);
            instance = new LocalBus(EventBusTap.attach(TestAws.instance(), bus),
                    new FaultInjectingEventBridgeClient(TestAws.instance().eventBridge()));
        }
        return instance;
    }

    /** The bus with nothing received and every call accepted. */
    public static synchronized LocalBus fresh() {
        LocalBus bus = instance();
        bus.tap.poll();
        bus.received.clear();
        bus.client.reset();
        return bus;
    }

    /** The bus's name, as a Ref to it resolves locally. */
    public String name() {
        return tap.busName();
    }

    /** Every event the bus delivered since {@link #fresh()}, in the order they were put. */
    public synchronized List<BusEvent> events() {
        received.addAll(tap.poll());
        return List.copyOf(received);
    }

    /** The EventBridge client to publish through: moto's, failing when told. */
    public FaultInjectingEventBridgeClient client() {
        return client;
    }

    /** What the functions publish with, through {@link #client()}, to this bus. */
    public EventPublisher publisher() {
        return new EventBridgePublisher(client, name());
    }

    /**
     * What the functions publish with, through {@link #client()}, to another bus, one no rule
     * reads: moto takes its events in milliseconds, where the template's bus, tapped,
     * delivers each to a queue in some 100 ms. For tests that count calls and accepted
     * events rather than read the events back; nothing put on it shows in {@link #events()}.
     */
    public synchronized EventPublisher untappedPublisher() {
        if (!untappedCreated) {
            TestAws.instance().createEventBus(UNTAPPED_BUS);
            untappedCreated = true;
        }
        return new EventBridgePublisher(client, UNTAPPED_BUS);
    }

    /** The environment template.yaml gives {@code functionId}, its Refs resolved to the test AWS. */
    public static Map<String, String> environment(LocalDynamoDb db, String functionId) {
        Map<String, String> environment = db.environment();
        environment.putAll(Template.load().function(functionId, true).orElseThrow().environment());
        environment.putAll(db.environment()); // the test tables and the token cache setting
        String endpoint = db.endpoint().toString();
        environment.put(EventBridgePublisher.ENDPOINT_VARIABLE, endpoint);
        environment.put(ProvisioningForwarder.ENDPOINT_VARIABLE, endpoint);
        return TestAws.instance().withQueueUrls(environment);
    }
}
