package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How long a failed request waits before its next try, and how the pipeline's limits are read. */
class ProvisioningBackoffTest {
    @Test
    void waitsFiveSecondsDoublingUpToFiveMinutes() {
        assertEquals(List.of(5, 10, 20, 40, 80, 160, 300, 300), IntStream.rangeClosed(1, 8)
                .mapToObj(ProvisioningPipeline::backoffSeconds).toList());
        assertEquals(300, ProvisioningPipeline.backoffSeconds(Integer.MAX_VALUE), "never overflows");
    }

    @Test
    void everyBackoffIsShorterThanTheQueuesVisibilityTimeout() {
        IntStream.rangeClosed(1, 100).forEach(tries -> assertTrue(ProvisioningPipeline.backoffSeconds(tries) < 360));
    }

    @Test
    void readsTheLimitsFromTheEnvironmentWithDefaults() {
        Map<String, String> identities = Map.of(ProvisioningPipeline.FORWARDER_VARIABLE, "AROAF",
                ProvisioningPipeline.PROVISIONER_VARIABLE, "AROAP");
        ProvisioningPipeline.Settings defaults = ProvisioningPipeline.Settings.fromEnvironment(identities);
        assertEquals(100, defaults.maxReceiveCount());
        assertEquals(10, defaults.maxTries());

        Map<String, String> given = new java.util.HashMap<>(identities);
        given.put(ProvisioningPipeline.MAX_TRIES_VARIABLE, " 3 ");
        assertEquals(3, ProvisioningPipeline.Settings.fromEnvironment(given).maxTries());
        given.put(ProvisioningPipeline.MAX_TRIES_VARIABLE, "0");
        assertThrows(IllegalStateException.class, () -> ProvisioningPipeline.Settings.fromEnvironment(given));
        assertThrows(IllegalStateException.class, () -> ProvisioningPipeline.Settings.fromEnvironment(Map.of(
                ProvisioningPipeline.FORWARDER_VARIABLE, "AROAF")), "the function's own role id is required");
    }
}
