package io.datamart.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/**
 * The functions' log: one JSON object per line, its fields at the top level (timestamp,
 * level, requestId, message, then the line's own), so CloudWatch Logs Insights reads them
 * as fields. The template sets the functions' log format to Text: Lambda then stores a
 * line as written, where its JSON format would put the whole line, escaped, in its own
 * {@code message}. Embedded-metric lines ({@link EmbeddedMetrics}) go the same way.
 *
 * <p>A line of an invocation goes through the invocation's {@link LambdaLogger} (its
 * plain {@code log(String)}, which the Text format leaves alone), so whatever hosts the
 * function keeps it with the invocation; a line without one (the SDK's, through
 * {@link JsonSlf4jProvider}) goes to standard output, which Lambda stores in the same log.
 */
public final class LambdaLogs {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LambdaLogs() {
    }

    /** A line's common fields: when, how severe, which invocation (null without one), and what happened. */
    public static ObjectNode line(LogLevel level, Context context, String message) {
        return NODES.objectNode()
                .put("timestamp", Instant.now().toString())
                .put("level", level.name())
                .put("requestId", context == null ? null : context.getAwsRequestId())
                .put("message", message);
    }

    public static void log(Context context, LogLevel level, String message) {
        write(context, line(level, context, message));
    }

    /** Writes {@code line} as one line: through the invocation's logger, or without one to standard output. */
    public static void write(Context context, ObjectNode line) {
        String text = line.toString();
        LambdaLogger logger = context == null ? null : context.getLogger();
        if (logger != null) {
            logger.log(text);
        } else {
            // Read each time, not kept: whoever hosts the function may have replaced it.
            PrintStream out = System.out;
            out.println(text);
        }
    }

    /** The failure with its stack trace, for the one line that reports something nobody planned for. */
    public static String describe(String what, Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return what + ": " + trace;
    }
}
