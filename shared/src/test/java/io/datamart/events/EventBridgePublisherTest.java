package io.datamart.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.api.Json;
import io.datamart.aws.CallBudget;
import io.datamart.local.EventBusTap.BusEvent;
import io.datamart.testing.LocalBus;
import io.datamart.testing.TestAws;
import io.datamart.testing.TestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real EventBridge client, against the test AWS's bus (or, where only calls and counts
 * matter, a bus no rule reads, which is faster); refusals and outages injected into it.
 */
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

    private static List<OutboundEvent> events(int count) {
        return IntStream.range(0, count).mapToObj(EventBridgePublisherTest::event).toList();
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

    @ParameterizedTest(name = "{0} events in {1} calls")
    @CsvSource({"0, 0", "10, 1", "11, 2", "20, 2"})
    void makesOnePutEventsCallForEachTenEventsOrFewerAndNoneForNoEvents(int count, int calls) {
        assertEquals(count, bus.untappedPublisher().publish(events(count)), "every event accepted");
        assertEquals(calls, bus.client().calls(), "no call without an entry");
    }

    @Test
    void countsOnlyTheEntriesTheBusAnsweredForWhenItsAnswerIsCutShort() {
        bus.client().answerOnly(2);
        assertEquals(2, bus.untappedPublisher().publish(events(3)),
                "an entry without a result is not known to be on the bus");
    }

    @Test
    void givesEachCallWhatIsLeftOfTheInvocationsBudget() {
        EventPublisher untapped = bus.untappedPublisher();
        TestContext invocation = new TestContext().remainingTimeMillis(4_000);
        assertEquals(11, CallBudget.within(invocation, Duration.ofSeconds(1), () -> untapped.publish(events(11))));

        List<Duration> timeouts = bus.client().callTimeouts();
        assertEquals(2, timeouts.size(), "each PutEvents call carries a timeout of its own");
        for (Duration timeout : timeouts) {
            assertTrue(timeout.isPositive() && timeout.compareTo(Duration.ofSeconds(3)) <= 0,
                    () -> "within the 3 s left of the invocation after its reserve: " + timeouts);
        }
    }
}
