package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.testing.FaultInjectingDynamoDbClient.Operation;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a request asked of DynamoDB, counted by a {@link FaultInjectingDynamoDbClient}
 * that injects nothing. That client supports only single-item reads and writes and
 * transactions (any other call, a query or a scan, fails the request), so the counts
 * are the whole story of a request.
 */
public final class StorageCalls {
    private StorageCalls() {
    }

    /**
     * Exactly the token lookup (one GetItem, the token cache being off in tests) and one
     * call of {@code write}: nothing is read before the write.
     */
    public static void assertTokenLookupThenOnly(FaultInjectingDynamoDbClient dynamoDb, Operation write) {
        assertReadsThenOnly(dynamoDb, 1, write);
    }

    /**
     * {@code getItems} single-item reads (the token, and what validation needs: the
     * datasource's schema, the datamart's datasource) and one call of {@code write}.
     */
    public static void assertReadsThenOnly(FaultInjectingDynamoDbClient dynamoDb, int getItems, Operation write) {
        Map<Operation, Integer> expected = new EnumMap<>(Operation.class);
        Map<Operation, Integer> actual = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            expected.put(operation, operation == Operation.GET_ITEM ? getItems : operation == write ? 1 : 0);
            actual.put(operation, dynamoDb.calls(operation));
        }
        assertEquals(expected, actual, getItems + " single-item reads, then one conditional " + write);
    }

    /** Exactly these calls ({@code calls}; any other operation not at all), for {@code why}. */
    public static void assertExactly(FaultInjectingDynamoDbClient dynamoDb, Map<Operation, Integer> calls,
            String why) {
        Map<Operation, Integer> expected = new EnumMap<>(Operation.class);
        Map<Operation, Integer> actual = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            expected.put(operation, calls.getOrDefault(operation, 0));
            actual.put(operation, dynamoDb.calls(operation));
        }
        assertEquals(expected, actual, why);
    }
}
