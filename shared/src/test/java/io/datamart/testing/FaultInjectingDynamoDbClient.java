package io.datamart.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The real client of the local tables, except where a test asks an operation to fail:
 * moto does not emulate throttling, outages or transaction conflicts. Asked nothing, it
 * only passes calls on and counts them.
 */
public final class FaultInjectingDynamoDbClient implements DynamoDbClient {
    public enum Operation { GET_ITEM, PUT_ITEM, UPDATE_ITEM, DELETE_ITEM, TRANSACT_WRITE_ITEMS, QUERY }

    /** A fault of the next {@code remaining} calls, of one table only when {@code table} is not null. */
    private record Fault(Supplier<RuntimeException> failure, AtomicInteger remaining, String table) {
    }

    private final DynamoDbClient delegate;
    private final Map<Operation, Fault> faults = new ConcurrentHashMap<>();
    private final Map<Operation, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<Operation, Map.Entry<Integer, Runnable>> afterCalls = new ConcurrentHashMap<>();
    private final Map<Operation, Map.Entry<Integer, Runnable>> beforeCalls = new ConcurrentHashMap<>();
    private final List<Duration> callTimeouts = new CopyOnWriteArrayList<>();
    private final List<Optional<Duration>> attemptTimeouts = new CopyOnWriteArrayList<>();
    private final Map<Operation, Runnable> beforeEachCall = new ConcurrentHashMap<>();
    private final List<QueryRead> queries = new CopyOnWriteArrayList<>();

    /** What one Query read: from the table (index null) or one of its indexes, how many entries. */
    public record QueryRead(String indexName, int entries) {
    }

    public FaultInjectingDynamoDbClient(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    /** The next {@code times} calls of {@code operation} throw, without reaching DynamoDB. */
    public FaultInjectingDynamoDbClient fail(Operation operation, int times, Supplier<RuntimeException> failure) {
        faults.put(operation, new Fault(failure, new AtomicInteger(times), null));
        return this;
    }

    /** The next {@code times} calls of {@code operation} on {@code table} throw; calls on other tables pass. */
    public FaultInjectingDynamoDbClient failOn(String table, Operation operation, int times,
            Supplier<RuntimeException> failure) {
        faults.put(operation, new Fault(failure, new AtomicInteger(times), table));
        return this;
    }

    /**
     * Runs {@code action} right after the {@code nth} call of {@code operation} returns:
     * another request slipping in between two calls of the one under test.
     */
    public FaultInjectingDynamoDbClient afterCall(Operation operation, int nth, Runnable action) {
        afterCalls.put(operation, Map.entry(nth, action));
        return this;
    }

    private <T> T after(Operation operation, T response) {
        Map.Entry<Integer, Runnable> hook = afterCalls.get(operation);
        if (hook != null && calls(operation) == hook.getKey()) {
            hook.getValue().run();
        }
        return response;
    }

    /** The timeout each call was given (its override, as the budget sets it), in call order. */
    public List<Duration> callTimeouts() {
        return List.copyOf(callTimeouts);
    }

    /** Each call's attempt timeout, in call order: empty for a call whose attempts are never cut short. */
    public List<Optional<Duration>> attemptTimeouts() {
        return List.copyOf(attemptTimeouts);
    }

    private void record(DynamoDbRequest request) {
        request.overrideConfiguration().flatMap(override -> override.apiCallTimeout()).ifPresent(callTimeouts::add);
        attemptTimeouts.add(request.overrideConfiguration().flatMap(override -> override.apiCallAttemptTimeout()));
    }

    /** How many times {@code operation} was called, failed calls included. */
    public int calls(Operation operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    /**
     * Runs {@code action} right before the {@code nth} call of {@code operation} goes out:
     * another request slipping in just ahead of it.
     */
    public FaultInjectingDynamoDbClient beforeCall(Operation operation, int nth, Runnable action) {
        beforeCalls.put(operation, Map.entry(nth, action));
        return this;
    }

    /** Runs {@code action} before every call of {@code operation}, from now on. */
    public FaultInjectingDynamoDbClient beforeEachCall(Operation operation, Runnable action) {
        beforeEachCall.put(operation, action);
        return this;
    }

    /** Every Query that returned, in call order. */
    public List<QueryRead> queries() {
        return List.copyOf(queries);
    }

    private void before(Operation operation, String table) {
        int call = calls.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
        Runnable each = beforeEachCall.get(operation);
        if (each != null) {
            each.run();
        }
        Map.Entry<Integer, Runnable> hook = beforeCalls.get(operation);
        if (hook != null && call == hook.getKey()) {
            hook.getValue().run();
        }
        Fault fault = faults.get(operation);
        if (fault != null && (fault.table() == null || fault.table().equals(table))
                && fault.remaining().getAndDecrement() > 0) {
            throw fault.failure().get();
        }
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        record(request);
        before(Operation.GET_ITEM, request.tableName());
        return after(Operation.GET_ITEM, delegate.getItem(request));
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        record(request);
        before(Operation.PUT_ITEM, request.tableName());
        return after(Operation.PUT_ITEM, delegate.putItem(request));
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        record(request);
        before(Operation.UPDATE_ITEM, request.tableName());
        return after(Operation.UPDATE_ITEM, delegate.updateItem(request));
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        record(request);
        before(Operation.DELETE_ITEM, request.tableName());
        return after(Operation.DELETE_ITEM, delegate.deleteItem(request));
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        record(request);
        before(Operation.TRANSACT_WRITE_ITEMS, null);
        return after(Operation.TRANSACT_WRITE_ITEMS, delegate.transactWriteItems(request));
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        record(request);
        before(Operation.QUERY, request.tableName());
        QueryResponse response = delegate.query(request);
        queries.add(new QueryRead(request.indexName(), response.count()));
        return after(Operation.QUERY, response);
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // the delegate belongs to the test run
    }
}
