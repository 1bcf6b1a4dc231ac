package io.datamart.local.runner;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main of a fresh JVM whose classpath starts with one function's deployment jar: what a
 * Lambda cold start does, and all the output it makes. It builds the handler through its
 * no-argument constructor and invokes it once with an event file; the invocation's logger
 * writes to standard output, as Lambda's runtime does under the Text log format. It prints
 * nothing of its own, so every line is the function's (or the libraries' it carries); the
 * response goes to RESPONSE_FILE when one is named.
 * Usage: FreshJvmInvocation HANDLER_CLASS EVENT_FILE [RESPONSE_FILE]
 */
public final class FreshJvmInvocation {
    private FreshJvmInvocation() {
    }

    public static void main(String[] args) throws Exception {
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getConstructor().newInstance();
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), response, new RuntimeContext());
        if (args.length > 2) {
            Files.write(Path.of(args[2]), response.toByteArray());
        }
    }

    /** A context like Lambda's: a request id, time left, a logger writing each line as it is. */
    private static final class RuntimeContext implements Context {
        private final LambdaLogger logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };

        @Override
        public String getAwsRequestId() {
            return "fresh-jvm-request";
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/fresh-jvm";
        }

        @Override
        public String getLogStreamName() {
            return "fresh-jvm";
        }

        @Override
        public String getFunctionName() {
            return System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:" + getFunctionName();
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
            return 30_000;
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
}
