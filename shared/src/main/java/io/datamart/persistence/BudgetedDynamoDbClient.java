package io.datamart.persistence;

import io.datamart.aws.CallBudget;
import io.datamart.error.ServiceUnavailableException;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
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
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The DynamoDB client the functions' repositories use: the real one, each call bounded
 * by the invocation's {@link CallBudget}, and the failures that are nobody's fault told
 * apart from the rest, as {@link ServiceUnavailableException} (a 503 with Retry-After,
 * or a transient failure for provisioning):
 * <ul>
 * <li>throttling, after the SDK's retries ({@link DynamoDbRetryPolicy}): nothing was
 *     changed ({@code busy});</li>
 * <li>no answer in time, no connection, or DynamoDB's own server error: for a read
 *     nothing was changed; for a write the change may have been applied
 *     ({@code writeUnanswered});</li>
 * <li>too little time left to start the call: nothing was changed ({@code outOfTime}).</li>
 * </ul>
 * Everything else, a condition that failed among them, passes through as DynamoDB
 * reported it; so does a write refused for a conflicting transaction, which the
 * repository answers as a concurrent modification. Only the calls the functions make are here; the interface's defaults
 * refuse the rest, so a new kind of call cannot slip past the budget unnoticed.
 */
public final class BudgetedDynamoDbClient implements DynamoDbClient {
    private final DynamoDbClient delegate;

    public BudgetedDynamoDbClient(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return DynamoDbRetryPolicy.repeatable(() -> call(request, false, delegate::getItem));
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return DynamoDbRetryPolicy.repeatable(() -> call(request, false, delegate::query));
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        return DynamoDbRetryPolicy.repeatable(() -> call(request, false, delegate::scan));
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return call(request, true, delegate::putItem);
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return call(request, true, delegate::updateItem);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return call(request, true, delegate::deleteItem);
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return DynamoDbRetryPolicy.repeatable(() -> call(request, true, delegate::transactWriteItems));
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @SuppressWarnings("unchecked")
    private static <R extends DynamoDbRequest, T> T call(R request, boolean write, Function<R, T> send) {
        R bounded = CallBudget.bound(request.overrideConfiguration(), !write)
                .map(override -> (R) request.toBuilder().overrideConfiguration(override).build())
                .orElse(request);
        try {
            return send.apply(bounded);
        } catch (AwsServiceException refused) {
            if (write && DynamoDbRetryPolicy.transactionConflict(refused)) {
                throw refused;
            }
            if (DynamoDbRetryPolicy.transactionInProgress(refused)) {
                // An earlier attempt with the same token may still commit.
                throw ServiceUnavailableException.writeUnanswered(refused);
            }
            if (DynamoDbRetryPolicy.refused(refused)) {
                throw ServiceUnavailableException.busy(refused);
            }
            if (refused.statusCode() >= 500) {
                // DynamoDB's own failure: a write may or may not have been applied.
                throw write ? ServiceUnavailableException.writeUnanswered(refused)
                        : ServiceUnavailableException.busy(refused);
            }
            throw refused;
        } catch (SdkClientException unanswered) {
            throw write ? ServiceUnavailableException.writeUnanswered(unanswered)
                    : ServiceUnavailableException.unanswered(unanswered);
        }
    }
}
