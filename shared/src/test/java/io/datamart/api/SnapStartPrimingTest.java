package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import io.datamart.testing.Failures;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import java.util.Map;
import org.crac.Core;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SnapStart priming: the hook each handler registers with the CRaC global context, run as
 * the runtime runs it, beforeCheckpoint then afterRestore. (On a JDK without CRaC the
 * global context itself refuses to be called, so the tests call the registered hook.) Each
 * function's request path runs against the real tables, and nothing is written or remembered.
 */
class SnapStartPrimingTest {
    private LocalDynamoDb db;
    private FaultInjectingDynamoDbClient dynamoDb;

    /** The operations of each API function, as the handlers bind them. */
    enum Function {
        CREATE(io.datamart.api.Operation.CREATE), UPDATE(io.datamart.api.Operation.UPDATE),
        DELETE(io.datamart.api.Operation.DELETE), READ(io.datamart.api.Operation.LIST, io.datamart.api.Operation.GET);

        final io.datamart.api.Operation first;
        final io.datamart.api.Operation[] more;

        Function(io.datamart.api.Operation first, io.datamart.api.Operation... more) {
            this.first = first;
            this.more = more;
        }

        boolean writes() {
            return this != READ;
        }
    }

    @BeforeEach
    void freshTables() {
        db = Fixtures.freshDatabase();
        dynamoDb = new FaultInjectingDynamoDbClient(db.client());
    }

    private ApiGatewayHandler handler(Function function) {
        return Fixtures.api(db, dynamoDb).handler(function.first, function.more);
    }

    private static void checkpointAndRestore(ApiGatewayHandler handler) throws Exception {
        handler.priming().beforeCheckpoint(Core.getGlobalContext());
        handler.priming().afterRestore(Core.getGlobalContext());
    }

    @ParameterizedTest
    @EnumSource(Function.class)
    void runsTheRequestPathBeforeTheSnapshotWritingAndRememberingNothing(Function function) throws Exception {
        ApiGatewayHandler handler = handler(function);
        Map<String, Object> before = db.snapshot();

        checkpointAndRestore(handler);

        assertEquals(before, db.snapshot(), "priming writes nothing");
        assertEquals(0, handler.rememberedTokens(), "no token or refusal cached");
        assertTrue(dynamoDb.calls(Operation.GET_ITEM) >= 2, "a token and a datamart looked up");
        assertEquals(function.writes() ? 1 : 0, dynamoDb.calls(Operation.TRANSACT_WRITE_ITEMS),
                "a keyed write's transaction, cancelled");
        assertEquals(function == Function.READ ? 1 : 0, dynamoDb.calls(Operation.QUERY), "a list read");
        assertEquals(0, dynamoDb.calls(Operation.PUT_ITEM) + dynamoDb.calls(Operation.UPDATE_ITEM)
                + dynamoDb.calls(Operation.DELETE_ITEM), "no single write at all");
    }

    @Test
    void neverStopsTheSnapshotWhenPrimingFails() throws Exception {
        ApiGatewayHandler handler = handler(Function.CREATE);
        dynamoDb.fail(Operation.GET_ITEM, 100, Failures::throttled);

        checkpointAndRestore(handler); // throws if priming's failure escaped

        assertTrue(dynamoDb.calls(Operation.GET_ITEM) >= 1, "it tried");
    }
}
