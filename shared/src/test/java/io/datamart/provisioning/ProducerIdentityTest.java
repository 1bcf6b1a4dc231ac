package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.SqsEvents;
import org.junit.jupiter.api.Test;

/** Who sent a provisioning request, as far as SQS vouches for it. */
class ProducerIdentityTest {
    private static final String FORWARDER = "AROAFORWARDER";
    private static final String PROVISIONER = "AROAPROVISIONER";
    private static final String QUEUE_REQUEST = SqsEvents.request("delete", "demo", "c",
            io.datamart.testing.Fixtures.object("{\"datamartName\": \"m\"}"));

    private static ObjectNode sentBy(String senderId) {
        ObjectNode record = SqsEvents.message("m-1", "demo/m", 1, QUEUE_REQUEST);
        ((ObjectNode) record.path("attributes")).put("SenderId", senderId);
        return record;
    }

    private static ObjectNode carrying(ObjectNode record, String producer) {
        ((ObjectNode) record.path("messageAttributes")).putObject(ProvisioningQueue.PRODUCER_ATTRIBUTE)
                .put("stringValue", producer).put("dataType", "String");
        return record;
    }

    private static String producerOf(ObjectNode record) {
        return ProducerIdentity.of(record, ProvisioningMessages.parse(record.path("body").asText(), "m-1"),
                FORWARDER, PROVISIONER);
    }

    @Test
    void namesAQueueSenderByItsRoleWhateverTheSession() {
        assertEquals("role:AROAEXAMPLEID", producerOf(sentBy("AROAEXAMPLEID:tenant-service")));
        assertEquals("role:AROAEXAMPLEID", producerOf(sentBy("AROAEXAMPLEID")));
    }

    @Test
    void believesTheCarriedProducerOfARequestThisFunctionDeadLettered() {
        assertEquals("role:AROAEXAMPLEID", producerOf(carrying(sentBy(PROVISIONER + ":provision"),
                "role:AROAEXAMPLEID")));
        assertEquals("source:datamart.producer.tenants", producerOf(carrying(sentBy(PROVISIONER),
                "source:datamart.producer.tenants")));
    }

    @Test
    void ignoresACarriedProducerFromAnyoneElse() {
        assertEquals("role:AROAFORGER", producerOf(carrying(sentBy("AROAFORGER:x"), "role:AROAEXAMPLEID")));
        assertEquals("role:" + FORWARDER, producerOf(carrying(sentBy(FORWARDER), "role:AROAEXAMPLEID")),
                "the forwarder vouches for bus sources, not for carried producers");
    }

    @Test
    void knowsNoProducerWithoutASender() {
        ObjectNode record = SqsEvents.message("m-1", "demo/m", 1, QUEUE_REQUEST);
        ((ObjectNode) record.path("attributes")).remove("SenderId");
        assertNull(producerOf(record));
    }

    @Test
    void knowsNoProducerFromASenderIdWithoutItsRole() {
        assertNull(producerOf(sentBy(":tenant-service")));
    }
}
