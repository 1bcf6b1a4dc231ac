package io.datamart.local.bench;

import io.datamart.persistence.ItemSize;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
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
 * The benchmarks' DynamoDB client: every call passed on, and counted since the last
 * {@link #reset}: calls, transaction items, and what each Query read (entries, their
 * bytes by DynamoDB's count, the read capacity DynamoDB charges for them).
 */
final class CountingDynamoDbClient implements DynamoDbClient {
    /** What the Queries since the last reset read. */
    record Reads(int indexEntries, long indexBytes, int tableItems, long tableBytes, double capacity) {
    }

    /** One Query: from an index or the table, how many entries, their bytes, strongly consistent or not. */
    private record QueryRead(boolean index, int entries, long bytes, boolean consistent) {
    }

    private final DynamoDbClient delegate;
    private final List<QueryRead> queries = new ArrayList<>();
    private int calls;
    private int transactionItems;

    CountingDynamoDbClient(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    synchronized void reset() {
        queries.clear();
        calls = 0;
        transactionItems = 0;
    }

    synchronized int calls() {
        return calls;
    }

    synchronized int transactionItems() {
        return transactionItems;
    }

    /** Per Query, bytes rounded up to 4 KB: one unit each strongly consistent, half eventually. */
    synchronized Reads reads() {
        int indexEntries = 0;
        int tableItems = 0;
        long indexBytes = 0;
        long tableBytes = 0;
        double capacity = 0;
        for (QueryRead query : queries) {
            if (query.index()) {
                indexEntries += query.entries();
                indexBytes += query.bytes();
            } else {
                tableItems += query.entries();
                tableBytes += query.bytes();
            }
            long units = Math.max(1, (query.bytes() + 4095) / 4096);
            capacity += query.consistent() ? units : units / 2.0;
        }
        return new Reads(indexEntries, indexBytes, tableItems, tableBytes, capacity);
    }

    private synchronized void counted(int items) {
        calls++;
        transactionItems += items;
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        counted(0);
        QueryResponse response = delegate.query(request);
        long bytes = response.items().stream().mapToLong(ItemSize::of).sum();
        synchronized (this) {
            queries.add(new QueryRead(request.indexName() != null, response.count(), bytes,
                    Boolean.TRUE.equals(request.consistentRead())));
        }
        return response;
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        counted(0);
        return delegate.getItem(request);
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        counted(0);
        return delegate.putItem(request);
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        counted(0);
        return delegate.updateItem(request);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        counted(0);
        return delegate.deleteItem(request);
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        counted(request.transactItems().size());
        return delegate.transactWriteItems(request);
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // the delegate belongs to the local environment
    }
}
