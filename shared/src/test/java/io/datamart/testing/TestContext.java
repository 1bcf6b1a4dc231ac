package io.datamart.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Lambda context whose logger keeps every line, so tests can read what a function logged. */
public final class TestContext implements Context {
    /** Every line logged by any function in this JVM, for "never logged" checks. */
    public static final List<String> ALL_LOGS = new CopyOnWriteArrayList<>();

    private final String requestId = UUID.randomUUID().toString();
    /** The template's longest function timeout: a test's invocation never runs out of time unless it says so. */
    private volatile int remainingTimeMillis = 60_000;
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private final LambdaLogger logger = new LambdaLogger() {
        @Override
        public void log(String message) {
            logs.add(message);
            ALL_LOGS.add(message);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }

        @Override
        public void log(String message, LogLevel level) {
            log(level + " " + message);
        }
    };

    public List<String> logs() {
        return logs;
    }

    /**
     * Whether a line of this invocation's log has {@code level} and a message starting with
     * {@code messageStart}; fails on a line that is not one JSON object.
     */
    public boolean logged(String level, String messageStart) {
        return logs.stream().map(LogLines::parse).anyMatch(line -> level.equals(line.path("level").asText())
                && line.path("message").asText().startsWith(messageStart));
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/test";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "test";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:test";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return remainingTimeMillis;
    }

    /** What {@link #getRemainingTimeInMillis()} answers from now on (a function about to time out, say). */
    public TestContext remainingTimeMillis(int millis) {
        this.remainingTimeMillis = millis;
        return this;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
