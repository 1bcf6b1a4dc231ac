package io.datamart.aws;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serial;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One SLF4J logger of {@link JsonSlf4jProvider}: warnings and errors become JSON log lines
 * with the logger's name. Below WARN nothing is written, and the SDK's
 * {@code isDebugEnabled()} checks answer false, so its per-call debug messages are never
 * even built: they would cost request time for lines nobody reads in production.
 */
final class JsonSlf4jLogger extends LegacyAbstractLogger {
    @Serial
    private static final long serialVersionUID = 1L;

    JsonSlf4jLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return false;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
        ObjectNode line = LambdaLogs.line(level == Level.ERROR ? LogLevel.ERROR : LogLevel.WARN, null, message)
                .put("logger", name);
        if (throwable != null) {
            line.put("error", throwable.toString());
        }
        LambdaLogs.write(null, line);
    }
}
