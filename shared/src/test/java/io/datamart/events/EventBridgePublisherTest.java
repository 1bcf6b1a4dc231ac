package io.datamart.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.datamart.api.Json;
import io.datamart.local.EventBusTap.BusEvent;
import io.datamart.testing.LocalBus;
import io.datamart.testing.TestAws;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real EventBridge client, against the test AWS's bus; refusals and outages injected into it. */
class EventBridgePublisherTest {
    private LocalBus bus;
    private EventPublisher publisher;

    @BeforeEach
    void freshBus() {
        bus = LocalBus.fresh();
        publisher = bus.publisher();
    }

    private static OutboundEvent event(int n) {
        return new OutboundEvent("datamart.changes", "Datamart Created",
                Json.MAPPER.createObjectNode().put("name", "dm" + n).put("version", 1));
    }

    @Test
    void putsEachEventOnTheNamedBusWithItsSourceTypeAndDetail() {
        assertEquals(1, publisher.publish(List.of(event(1))));
        BusEvent received = bus.events().get(0); // read back from the template's bus
        assertEquals("datamart.changes", received.source());
        assertEquals("Datamart Created", received.detailType());
        assertEquals(event(1).detail(), received.detail());
    }

    @Test
    void publishesMoreThanOneCallsWorthInOrder() {
        List<OutboundEvent> events = IntStream.range(0, 23).mapToObj(EventBridgePublisherTest::event).toList();
        assertEquals(23, publisher.publish(events));
        assertEquals(events.stream().map(OutboundEvent::detail).toList(),
                bus.events().stream().map(BusEvent::detail).toList());
    }

    @Test
    void countsNoneWhenTheBusRefusesTheEntries() {
        bus.client().refuseEntries(entry -> true);
        assertEquals(0, publisher.publish(List.of(event(1), event(2))));
        assertEquals(List.of(), bus.events());
    }

    @Test
    void countsOnlyTheEventsBeforeTheFirstOneTheBusRefused() {
        bus.client().refuseEntries(entry -> entry.detail().contains("\"dm3\""));
        List<OutboundEvent> events = IntStream.range(0, 6).mapToObj(EventBridgePublisherTest::event).toList();
        assertEquals(3, publisher.publish(events));
        assertEquals(5, bus.events().size(), "the bus took the later ones; the caller will publish them again");
    }

    @Test
    void throwsWhenTheFirstCallFails() {
        bus.client().failCallsFrom(1);
        assertThrows(RuntimeException.class, () -> publisher.publish(List.of(event(1))));
    }

    @Test
    void countsTheEventsOfTheCallsThatWentThroughBeforeAFailure() {
        bus.client().failCallsFrom(2);
        List<OutboundEvent> events = IntStream.range(0, 15).mapToObj(EventBridgePublisherTest::event).toList();
        assertEquals(10, publisher.publish(events));
        assertEquals(10, bus.events().size());
    }

    @Test
    void putsEventsOnTheBusItIsGivenAndNoOther() {
        TestAws.instance().createEventBus("another-bus");
        assertEquals(1, new EventBridgePublisher(bus.client(), "another-bus").publish(List.of(event(1))));
        assertEquals(List.of(), bus.events(), "nothing reached the template's bus");

        assertEquals(1, publisher.publish(List.of(event(2))));
        assertEquals(List.of(event(2).detail()), bus.events().stream().map(BusEvent::detail).toList());
    }

    @Test
    void publishesToTheBusAndEndpointItsEnvironmentNames() {
        EventPublisher fromEnvironment = EventBridgePublisher.fromEnvironment(Map.of(
                EventBridgePublisher.BUS_VARIABLE, bus.name(),
                EventBridgePublisher.ENDPOINT_VARIABLE, TestAws.instance().endpoint().toString()));
        assertEquals(1, fromEnvironment.publish(List.of(event(3))));
        assertEquals(List.of(event(3).detail()), bus.events().stream().map(BusEvent::detail).toList());
    }
}
