package io.datamart.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Log lines through Lambda's logger, which writes them as JSON with the request id. */
public final class LambdaLogs {
    private LambdaLogs() {
    }

    public static void log(Context context, LogLevel level, String message) {
        LambdaLogger logger = context == null ? null : context.getLogger();
        if (logger != null) {
            logger.log(message, level);
        }
    }

    /** The failure with its stack trace, for the one line that reports something nobody planned for. */
    public static String describe(String what, Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return what + ": " + trace;
    }
}
