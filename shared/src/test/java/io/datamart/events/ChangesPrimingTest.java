package io.datamart.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.LocalBus;
import java.util.ArrayList;
import java.util.List;
import org.crac.Core;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming of the change-publishing function: its hook converts a record and
 * exercises the publisher's client before the snapshot, and publishes nothing.
 */
class ChangesPrimingTest {
    @Test
    void convertsARecordAndWarmsThePublisherWithoutPublishing() throws Exception {
        List<OutboundEvent> primed = new ArrayList<>();
        List<OutboundEvent> published = new ArrayList<>();
        DatamartChangesPipeline pipeline = new DatamartChangesPipeline(new EventPublisher() {
            @Override
            public int publish(List<OutboundEvent> events) {
                published.addAll(events);
                return events.size();
            }

            @Override
            public void prime(List<OutboundEvent> events) {
                primed.addAll(events);
            }
        });

        pipeline.priming().beforeCheckpoint(Core.getGlobalContext());
        pipeline.priming().afterRestore(Core.getGlobalContext());

        assertEquals(List.of(), published, "nothing published");
        assertEquals(1, primed.size(), "one converted change reached the publisher's priming");
        assertEquals(DatamartChangeEvents.DELETED, primed.get(0).detailType());
        assertEquals("#priming#", primed.get(0).detail().path("organizationId").asText());
    }

    @Test
    void theBusPublisherReadsTheBusAndPutsNothingOnIt() {
        LocalBus bus = LocalBus.fresh();
        int describedBefore = bus.client().describeCalls();
        DatamartChangesPipeline pipeline = new DatamartChangesPipeline(bus.publisher());

        pipeline.prime(); // directly, not through the hook, which would swallow a failure

        assertEquals(describedBefore + 1, bus.client().describeCalls(), "the bus read through the client");
        assertEquals(0, bus.client().calls(), "no PutEvents call");
        assertEquals(List.of(), bus.events(), "nothing on the bus");
    }
}
