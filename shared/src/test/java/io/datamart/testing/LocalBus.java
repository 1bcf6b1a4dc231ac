package io.datamart.testing;

import io.datamart.events.EventBridgePublisher;
import io.datamart.local.LocalMessaging;
import io.datamart.local.LocalMessaging.ReceivedEvent;
import io.datamart.provisioning.ProvisioningForwarder;
import java.util.List;
import java.util.Map;

/**
 * The loopback EventBridge and SQS of this test run ({@link LocalMessaging}), and the
 * environment template.yaml gives an event-driven function, pointed at it and at
 * DynamoDB Local.
 */
public final class LocalBus {
    private static LocalMessaging instance;

    private LocalBus() {
    }

    /** Started on first use, stopped when the JVM exits; reset by {@link #fresh()}. */
    public static synchronized LocalMessaging instance() {
        if (instance == null) {
            instance = LocalMessaging.start();
            LocalMessaging started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return instance;
    }

    /** The bus with nothing received and every call accepted. */
    public static LocalMessaging fresh() {
        LocalMessaging bus = instance();
        bus.reset();
        return bus;
    }

    /** The environment template.yaml gives {@code functionId}, its Refs resolved to the local stand-ins. */
    public static Map<String, String> environment(LocalDynamoDb db, String functionId) {
        Map<String, String> environment = db.environment();
        environment.putAll(Template.load().function(functionId, true).orElseThrow().environment());
        environment.putAll(db.environment()); // the test tables and the token cache setting
        environment.put(EventBridgePublisher.ENDPOINT_VARIABLE, instance().endpoint().toString());
        environment.put(ProvisioningForwarder.ENDPOINT_VARIABLE, instance().endpoint().toString());
        return environment;
    }

    /** The events of one detail-type, in the order they were published. */
    public static List<ReceivedEvent> events(String detailType) {
        return instance().events().stream().filter(event -> event.detailType().equals(detailType)).toList();
    }
}
