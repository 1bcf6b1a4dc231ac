package io.datamart.aws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of the functions (found through META-INF/services): what the AWS SDK
 * logs becomes a line of the functions' own JSON log ({@link LambdaLogs}). Without a
 * binding SLF4J prints plain-text warnings at every cold start and drops the SDK's lines.
 * Three small classes instead of a logging library: a function's jar and cold start carry
 * only what they use.
 */
public final class JsonSlf4jProvider implements SLF4JServiceProvider {
    /** The SLF4J API version this provider is built against, as SLF4J asks it. */
    private static final String API_VERSION = "2.0.99";

    private final ILoggerFactory loggers = new JsonLoggers();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }

    @Override
    public void initialize() {
        // Nothing to set up: every logger writes through LambdaLogs.
    }

    private static final class JsonLoggers implements ILoggerFactory {
        private final Map<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, JsonSlf4jLogger::new);
        }
    }
}
