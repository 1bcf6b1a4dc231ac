package io.datamart.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.testing.LogLines;
import io.datamart.testing.StandardOutput;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the AWS SDK logs through SLF4J reaches the functions' log, in the same JSON format. */
class JsonSlf4jProviderTest {
    private static final String SDK_LOGGER = "software.amazon.awssdk.core.internal.http.pipeline.stages.TestStage";

    @Test
    void isTheBindingSlf4jFinds() {
        assertInstanceOf(JsonSlf4jLogger.class, LoggerFactory.getLogger(SDK_LOGGER),
                "SLF4J found the provider through META-INF/services, not its no-op fallback");
    }

    @Test
    void writesAWarningAsOneJsonLineWithTheLoggerAndTheFailure() {
        Logger sdk = LoggerFactory.getLogger(SDK_LOGGER);
        List<String> output = StandardOutput.during(() -> sdk.warn("Retrying {} after {} ms",
                "PutItem", 40, new IllegalStateException("connection reset")));

        assertEquals(1, output.size(), () -> "one line: " + output);
        JsonNode line = LogLines.parse(output.get(0));
        LogLines.assertLogLine(line);
        assertEquals("WARN", line.path("level").asText());
        assertEquals("Retrying PutItem after 40 ms", line.path("message").asText());
        assertEquals(SDK_LOGGER, line.path("logger").asText());
        assertEquals("java.lang.IllegalStateException: connection reset", line.path("error").asText());
        assertTrue(line.path("requestId").isNull(), "no invocation to name");
    }

    @Test
    void writesErrorsToo() {
        List<String> output = StandardOutput.during(() -> LoggerFactory.getLogger(SDK_LOGGER).error("failed"));
        assertEquals("ERROR", LogLines.parse(output.get(0)).path("level").asText());
    }

    @Test
    void writesNothingBelowWarningsAndSaysSoToTheSdkBeforeItBuildsAMessage() {
        Logger sdk = LoggerFactory.getLogger(SDK_LOGGER);
        List<String> output = StandardOutput.during(() -> {
            sdk.info("info");
            sdk.debug("debug {}", 1);
            sdk.trace("trace");
        });
        assertEquals(List.of(), output);
        assertFalse(sdk.isDebugEnabled() || sdk.isInfoEnabled() || sdk.isTraceEnabled());
        assertTrue(sdk.isWarnEnabled() && sdk.isErrorEnabled());
    }
}
