package io.datamart.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client under the SDK, failing chosen DynamoDB calls on the wire as DynamoDB
 * itself would answer them, so that the SDK's retry strategy, as the functions configure
 * it, is what decides whether a call is tried again. moto emulates none of these faults.
 * Every fault but {@link Fault#LOST_RESPONSE} is answered before the request reaches the
 * tables: nothing is applied.
 */
public final class FaultInjectingHttpClient implements SdkHttpClient {
    private static final Pattern ATTEMPT = Pattern.compile("attempt=(\\d+)");

    /** What DynamoDB answers, and how the SDK reads it. */
    public enum Fault {
        PROVISIONED_THROUGHPUT_EXCEEDED(400, "ProvisionedThroughputExceededException", true),
        THROTTLING(400, "ThrottlingException", true),
        REQUEST_LIMIT_EXCEEDED(400, "RequestLimitExceeded", true),
        /** On a transaction, a cancellation for TransactionConflict; on a single write, TransactionConflictException. */
        TRANSACTION_CONFLICT(400, "TransactionConflictException", true),
        INTERNAL_SERVER_ERROR(500, "InternalServerError", false),
        /** No answer within the socket timeout. */
        TIMEOUT(0, null, false),
        /** Applied by the tables, then its answer lost: the timeout a client cannot tell from the one above. */
        LOST_RESPONSE(0, null, false),
        /** A transaction whose token an earlier, unanswered attempt is still applying. */
        TRANSACTION_IN_PROGRESS(400, "TransactionInProgressException", true);

        private final int status;
        private final String code;
        private final boolean refused;

        Fault(int status, String code, boolean refused) {
            this.status = status;
            this.code = code;
            this.refused = refused;
        }

        /** DynamoDB refused the call and changed nothing; otherwise it may have been applied. */
        public boolean refused() {
            return refused;
        }
    }

    /** One attempt that went out: the operation (X-Amz-Target's action), which call it belonged to, whether it failed. */
    public record Attempt(String operation, int call, int attempt, boolean failed) {
    }

    private final SdkHttpClient delegate;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private int failCall;
    private boolean persistent;
    private Fault fault;
    private String failOperation;
    private int calls;

    public FaultInjectingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /**
     * The {@code call}-th call (1-based, every operation counted) fails so: its first
     * attempt only; or, {@code persistent}, every attempt of it and of each call right
     * after it of the same operation (a caller's own retries of it).
     */
    public synchronized FaultInjectingHttpClient fail(int call, boolean persistent, Fault fault) {
        this.failCall = call;
        this.persistent = persistent;
        this.fault = fault;
        return this;
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The attempts made of the {@code call}-th call. */
    public long attemptsOf(int call) {
        return attempts.stream().filter(a -> a.call() == call).count();
    }

    /** The operations of the calls made, in order, each once however often it was attempted. */
    public List<String> calls() {
        return attempts.stream().filter(a -> a.attempt() == 1).map(Attempt::operation).toList();
    }

    /** Whether this attempt fails; counts calls as their first attempts go out. */
    private synchronized boolean failing(String operation, int attempt) {
        if (attempt == 1) {
            calls++;
            if (calls == failCall) {
                failOperation = operation;
            } else if (calls > failCall && !operation.equals(failOperation)) {
                failOperation = null; // another operation came between: the caller stopped retrying
            }
        }
        boolean failing;
        if (fault == null || calls < failCall) {
            failing = false;
        } else if (calls == failCall) {
            failing = persistent || attempt == 1;
        } else {
            failing = persistent && operation.equals(failOperation);
        }
        attempts.add(new Attempt(operation, calls, attempt, failing));
        return failing;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("?");
        String operation = target.substring(target.indexOf('.') + 1);
        Matcher attemptHeader = ATTEMPT.matcher(request.httpRequest().firstMatchingHeader("amz-sdk-request").orElse(""));
        int attempt = attemptHeader.find() ? Integer.parseInt(attemptHeader.group(1)) : 1;
        if (!failing(operation, attempt)) {
            return delegate.prepareRequest(request);
        }
        Fault injected = fault;
        ExecutableHttpRequest applied = injected == Fault.LOST_RESPONSE ? delegate.prepareRequest(request) : null;
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                if (injected == Fault.LOST_RESPONSE) {
                    applied.call().responseBody().ifPresent(body -> {
                        try {
                            body.close();
                        } catch (IOException ignored) {
                            // the answer is being dropped anyway
                        }
                    });
                    throw new SocketTimeoutException("Read timed out");
                }
                if (injected == Fault.TIMEOUT) {
                    throw new SocketTimeoutException("Read timed out");
                }
                return answer(injected, operation);
            }

            @Override
            public void abort() {
                // nothing in flight
            }
        };
    }

    private static HttpExecuteResponse answer(Fault fault, String operation) {
        String body;
        if (fault == Fault.TRANSACTION_CONFLICT && operation.equals("TransactWriteItems")) {
            body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\",\"Message\":"
                    + "\"Transaction cancelled, please refer cancellation reasons for specific reasons "
                    + "[TransactionConflict, None]\",\"CancellationReasons\":[{\"Code\":\"TransactionConflict\","
                    + "\"Message\":\"Transaction is ongoing for the item\"},{\"Code\":\"None\"}]}";
        } else {
            body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + fault.code + "\",\"message\":\"injected "
                    + fault.name() + "\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(fault.status)
                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("x-amzn-RequestId", "injected-" + fault.name())
                        .putHeader("Content-Length", Integer.toString(bytes.length)).build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                .build();
    }

    @Override
    public String clientName() {
        return "FaultInjecting(" + delegate.clientName() + ")";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
