package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.aws.AwsClients;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalBus;
import io.datamart.testing.LocalQueue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SnapStart priming of the forwarding function: its hook reads an event and the queue it
 * forwards to before the snapshot, and sends nothing.
 */
class ForwarderPrimingTest {
    @Test
    void readsAnEventAndTheQueueSendingNothing() throws Exception {
        LocalQueue queue = LocalQueue.of("ProvisioningQueue").fresh();
        Map<String, String> environment = LocalBus.environment(Fixtures.freshDatabase(),
                "ForwardProvisioningEventsFunction");
        SqsClient real = AwsClients.build(SqsClient.builder(), environment, ProvisioningForwarder.ENDPOINT_VARIABLE);
        List<String> calls = new ArrayList<>();
        SqsClient counted = (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(),
                new Class<?>[] {SqsClient.class}, (proxy, method, arguments) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(real, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ProvisioningForwarder forwarder = new ProvisioningForwarder(counted,
                environment.get(ProvisioningForwarder.QUEUE_URL_VARIABLE));

        forwarder.prime(); // directly first: the hook would swallow a failure
        forwarder.priming().beforeCheckpoint(Core.getGlobalContext());
        forwarder.priming().afterRestore(Core.getGlobalContext());

        assertEquals(List.of("getQueueAttributes", "getQueueAttributes"), calls, "the queue read, nothing sent");
        assertEquals(List.of(), queue.take(), "nothing on the queue");
    }
}
