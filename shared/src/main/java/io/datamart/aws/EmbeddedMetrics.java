package io.datamart.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * CloudWatch metrics as Embedded Metric Format log lines: CloudWatch turns each such line
 * of a function's log into metric values, with no call to CloudWatch on the request path.
 * Written by hand (one JSON object, built with the Jackson the functions already load)
 * rather than through a metrics library, which would add classes to load at every cold
 * start for what is one line.
 *
 * <p>Each outcome line carries a count of 1 and its latency under two dimension sets:
 * operation, status class and error code (what failed, and how), and operation alone
 * (the latency percentiles the dashboard and the alarms read).
 */
public final class EmbeddedMetrics {
    /** The namespace of every metric of this service; template.yaml's dashboard reads it. */
    public static final String NAMESPACE = "DatamartApi";
    public static final String OPERATION = "Operation";
    public static final String STATUS_CLASS = "StatusClass";
    public static final String ERROR_CODE = "ErrorCode";
    public static final String FUNCTION = "Function";
    /** The error code dimension's value when there is none: EMF drops a line that lacks a dimension's value. */
    public static final String NO_ERROR = "none";
    public static final String COLD_STARTS = "ColdStarts";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** True until this execution environment's first invocation has been recorded. */
    private static final AtomicBoolean COLD = new AtomicBoolean(true);

    private EmbeddedMetrics() {
    }

    /** What one API request or provisioning message came to. */
    public record Outcome(String operation, String statusClass, String errorCode, double latencyMs) {
    }

    /** "2xx", "4xx" or "5xx" for an HTTP status. */
    public static String statusClass(int status) {
        return (status / 100) + "xx";
    }

    /**
     * The line for one outcome: {@code countMetric} (1) and {@code latencyMetric} (in
     * milliseconds) by operation, status class and error code, and by operation.
     */
    public static ObjectNode outcomeLine(String countMetric, String latencyMetric, Outcome outcome) {
        ObjectNode line = envelope(new String[][] {{OPERATION, STATUS_CLASS, ERROR_CODE}, {OPERATION}},
                new String[][] {{countMetric, "Count"}, {latencyMetric, "Milliseconds"}});
        return line.put(OPERATION, outcome.operation())
                .put(STATUS_CLASS, outcome.statusClass())
                .put(ERROR_CODE, outcome.errorCode() == null ? NO_ERROR : outcome.errorCode())
                .put(countMetric, 1)
                .put(latencyMetric, outcome.latencyMs());
    }

    public static void record(Context context, String countMetric, String latencyMetric, Outcome outcome) {
        // The request id is no dimension, only a property: it finds the request's log line.
        LambdaLogs.write(context, outcomeLine(countMetric, latencyMetric, outcome)
                .put("requestId", context == null ? null : context.getAwsRequestId()));
    }

    /** The line for a cold start of {@code function}. */
    public static ObjectNode coldStartLine(String function) {
        return envelope(new String[][] {{FUNCTION}}, new String[][] {{COLD_STARTS, "Count"}})
                .put(FUNCTION, function)
                .put(COLD_STARTS, 1);
    }

    /**
     * Records a cold start on the first invocation of this execution environment, and
     * nothing after. Under SnapStart the flag is captured before any invocation, so the
     * first invocation after each restore counts too.
     */
    public static void recordColdStart(Context context) {
        if (COLD.getAndSet(false)) {
            String function = context == null ? null : context.getFunctionName();
            LambdaLogs.write(context, coldStartLine(function == null ? "unknown" : function));
        }
    }

    /** The {@code _aws} metadata: the namespace, the dimension sets and each metric's name and unit. */
    private static ObjectNode envelope(String[][] dimensionSets, String[][] metrics) {
        ObjectNode line = NODES.objectNode();
        ObjectNode aws = line.putObject("_aws").put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject().put("Namespace", NAMESPACE);
        ArrayNode dimensions = directive.putArray("Dimensions");
        for (String[] set : dimensionSets) {
            ArrayNode names = dimensions.addArray();
            for (String name : set) {
                names.add(name);
            }
        }
        ArrayNode definitions = directive.putArray("Metrics");
        for (String[] metric : metrics) {
            definitions.addObject().put("Name", metric[0]).put("Unit", metric[1]);
        }
        return line;
    }
}
