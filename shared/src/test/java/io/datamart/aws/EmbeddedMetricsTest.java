package io.datamart.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.testing.LogLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metric lines, as CloudWatch's Embedded Metric Format reads them. */
class EmbeddedMetricsTest {
    @Test
    void anOutcomeLineIsEmbeddedMetricFormatWithAnErrorCodeEvenWhenThereIsNone() {
        JsonNode line = LogLines.parse(EmbeddedMetrics.outcomeLine("Requests", "RequestLatency",
                new EmbeddedMetrics.Outcome("LIST", "2xx", null, 12.5)).toString());

        LogLines.assertEmbeddedMetricFormat(line);
        assertEquals("[{\"Name\":\"Requests\",\"Unit\":\"Count\"},{\"Name\":\"RequestLatency\",\"Unit\":\"Milliseconds\"}]",
                line.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").toString());
        assertEquals("none", line.path("ErrorCode").asText());
        assertEquals(12.5, line.path("RequestLatency").asDouble());
        assertEquals(1, line.path("Requests").asInt());
    }

    @Test
    void aColdStartLineCountsOneByFunction() {
        JsonNode line = LogLines.parse(EmbeddedMetrics.coldStartLine("CreateDatamartFunction").toString());

        LogLines.assertEmbeddedMetricFormat(line);
        assertEquals("[[\"Function\"]]", line.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions")
                .toString());
        assertEquals("CreateDatamartFunction", line.path("Function").asText());
        assertEquals(1, line.path(EmbeddedMetrics.COLD_STARTS).asInt());
    }

    @ParameterizedTest
    @CsvSource({"200, 2xx", "204, 2xx", "400, 4xx", "429, 4xx", "500, 5xx", "503, 5xx"})
    void classesAStatusByItsHundreds(int status, String statusClass) {
        assertEquals(statusClass, EmbeddedMetrics.statusClass(status));
    }
}
