package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.datamart.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which datamart a provisioning request names, as far as it names one. */
class ProvisioningRequestTest {
    private static ProvisioningRequest withBody(ProvisioningOperation operation, String body) {
        return new ProvisioningRequest(operation, "demo", "c-1", body == null ? null : Fixtures.object(body),
                List.of(), null);
    }

    @Test
    void namesNoDatamartWithoutABodyObject() {
        assertNull(withBody(ProvisioningOperation.CREATE, null).datamartName());
        assertNull(new ProvisioningRequest(ProvisioningOperation.CREATE, "demo", "c-1",
                Fixtures.object("{\"a\": [1]}").path("a"), List.of(), null).datamartName());
    }

    @Test
    void readsEitherNameFieldWhenTheOperationIsUnknown() {
        assertEquals("sales", withBody(null, "{\"name\": \"sales\"}").datamartName());
        assertEquals("orders", withBody(null, "{\"datamartName\": \"orders\"}").datamartName());
        assertEquals("sales", withBody(null, "{\"name\": \"sales\", \"datamartName\": \"orders\"}").datamartName());
    }
}
