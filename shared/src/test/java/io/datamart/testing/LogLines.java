package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import java.util.List;
import java.util.Set;

/**
 * The functions' log format, as CloudWatch reads it: each line one JSON object, its fields
 * at the top level; a metric line valid Embedded Metric Format.
 */
public final class LogLines {
    /** The fields every log line (not a metric line) has at its top level. */
    public static final Set<String> COMMON_FIELDS = Set.of("timestamp", "level", "requestId", "message");

    private LogLines() {
    }

    /** The line as one JSON object; fails if it is anything else (plain text, two objects, an array). */
    public static JsonNode parse(String line) {
        try {
            JsonNode node = Json.MAPPER.readTree(line.strip());
            assertTrue(node != null && node.isObject(), () -> "not a JSON object: " + line);
            try (var more = Json.MAPPER.createParser(line.strip())) {
                more.readValueAsTree();
                assertEquals(null, more.nextToken(), () -> "more than one JSON value on a line: " + line);
            }
            return node;
        } catch (JsonProcessingException notJson) {
            return fail("not a JSON log line: " + line, notJson);
        } catch (java.io.IOException unreadable) {
            throw new java.io.UncheckedIOException(unreadable);
        }
    }

    public static boolean isMetricLine(JsonNode line) {
        return line.has("_aws");
    }

    /** Fails unless {@code line} is a log line with the common fields at the top level, none of them nested JSON. */
    public static void assertLogLine(JsonNode line) {
        for (String field : COMMON_FIELDS) {
            assertTrue(line.has(field), () -> "no top-level " + field + ": " + line);
        }
        assertTrue(Set.of("DEBUG", "INFO", "WARN", "ERROR").contains(line.path("level").asText()), line::toString);
        String message = line.path("message").asText();
        assertFalse(message.startsWith("{"), () -> "a JSON object inside message, not fields: " + line);
    }

    /**
     * Fails unless {@code line} is Embedded Metric Format: {@code _aws} with a Timestamp and
     * CloudWatchMetrics directives, each with a Namespace, Dimensions (sets of names, each
     * name with a string value at the top level) and Metrics (each named, with a number at
     * the top level).
     */
    public static void assertEmbeddedMetricFormat(JsonNode line) {
        JsonNode aws = line.path("_aws");
        assertTrue(aws.path("Timestamp").canConvertToLong() && aws.path("Timestamp").asLong() > 0, line::toString);
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertTrue(directives.isArray() && !directives.isEmpty(), line::toString);
        for (JsonNode directive : directives) {
            assertTrue(directive.path("Namespace").isTextual() && !directive.path("Namespace").asText().isBlank(),
                    line::toString);
            JsonNode dimensionSets = directive.path("Dimensions");
            assertTrue(dimensionSets.isArray(), line::toString);
            for (JsonNode set : dimensionSets) {
                assertTrue(set.isArray() && set.size() <= 30, line::toString);
                for (JsonNode name : set) {
                    assertTrue(line.path(name.asText()).isTextual() && !line.path(name.asText()).asText().isEmpty(),
                            () -> "dimension " + name + " has no string value at the top level: " + line);
                }
            }
            JsonNode metrics = directive.path("Metrics");
            assertTrue(metrics.isArray() && !metrics.isEmpty(), line::toString);
            for (JsonNode metric : metrics) {
                String name = metric.path("Name").asText();
                assertTrue(line.path(name).isNumber(), () -> "metric " + name + " has no number at the top level: "
                        + line);
                assertTrue(!metric.has("Unit") || metric.path("Unit").isTextual(), line::toString);
            }
        }
    }

    /**
     * Fails unless every line is one JSON object, a log line with the common fields or a valid
     * metric line, and none holds any of {@code secrets}; also fails on no line at all,
     * which would prove nothing.
     */
    public static void assertWellFormedAndHoldingNone(List<String> lines, List<String> secrets) {
        assertFalse(lines.isEmpty(), "nothing was logged, so the check would prove nothing");
        for (String text : lines) {
            JsonNode line = parse(text);
            if (isMetricLine(line)) {
                assertEmbeddedMetricFormat(line);
            } else {
                assertLogLine(line);
            }
            for (String secret : secrets) {
                assertFalse(text.contains(secret), () -> "logged " + secret + ": " + text);
            }
        }
    }
}
