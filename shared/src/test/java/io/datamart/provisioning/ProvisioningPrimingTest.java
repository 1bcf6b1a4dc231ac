package io.datamart.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.events.EventPublisher;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalBus;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.wiring.DatamartApi;
import io.datamart.wiring.DatamartProvisioning;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming of the provisioning function: its hook runs a message's path before
 * the snapshot, and writes nothing, publishes nothing, and keeps nothing.
 */
class ProvisioningPrimingTest {
    @Test
    void runsAMessagesPathBeforeTheSnapshotWritingAndPublishingNothing() throws Exception {
        LocalDynamoDb db = Fixtures.freshDatabase();
        FaultInjectingDynamoDbClient dynamoDb = new FaultInjectingDynamoDbClient(db.client());
        List<Object> published = new ArrayList<>();
        EventPublisher publisher = events -> {
            published.addAll(events);
            return events.size();
        };
        ProvisioningPipeline pipeline = DatamartProvisioning.pipeline(DatamartApi.create(dynamoDb,
                LocalBus.environment(db, "ProvisionDatamartsFunction"), Clock.systemUTC()), publisher);
        Map<String, Object> before = db.snapshot();

        pipeline.priming().beforeCheckpoint(Core.getGlobalContext());
        pipeline.priming().afterRestore(Core.getGlobalContext());

        assertEquals(before, db.snapshot(), "nothing written");
        assertEquals(List.of(), published, "nothing published");
        assertTrue(dynamoDb.calls(Operation.GET_ITEM) >= 4, "grant, parking, record and datamart looked up");
        assertEquals(1, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS), "a keyed transaction, cancelled");
        assertEquals(0, dynamoDb.calls(Operation.PUT_ITEM) + dynamoDb.calls(Operation.UPDATE_ITEM)
                + dynamoDb.calls(Operation.DELETE_ITEM), "no single write");
    }
}
