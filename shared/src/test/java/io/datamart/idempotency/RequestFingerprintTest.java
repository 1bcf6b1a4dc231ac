package io.datamart.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What counts as the same request for an idempotency key. */
class RequestFingerprintTest {
    private static final String ROUTE = "/api/v2/data-app/datamarts";

    private static String of(String method, Map<String, List<String>> query, String body) {
        return RequestFingerprint.of(method, ROUTE, query, null,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void countsAJsonBodyByItsContent() {
        assertEquals(of("POST", Map.of(), "{\"a\": 1, \"b\": [true, null]}"),
                of("POST", Map.of(), " {\"b\":[true,null],\n\"a\":1} "), "key order and white space do not matter");
        assertNotEquals(of("POST", Map.of(), "{\"a\": 1}"), of("POST", Map.of(), "{\"a\": 2}"));
        assertNotEquals(of("POST", Map.of(), "{\"a\": [1, 2]}"), of("POST", Map.of(), "{\"a\": [2, 1]}"));
        assertNotEquals(of("POST", Map.of(), "{\"a\": \"1\"}"), of("POST", Map.of(), "{\"a\": 1}"));
    }

    @Test
    void countsTheMethodRouteAndQuery() {
        assertNotEquals(of("POST", Map.of(), "{}"), of("PUT", Map.of(), "{}"));
        assertNotEquals(RequestFingerprint.of("POST", ROUTE, Map.of(), null, null),
                RequestFingerprint.of("POST", "/api/v2/dataApp/datamarts", Map.of(), null, null));
        assertNotEquals(of("DELETE", Map.of("datamartName", List.of("a")), null),
                of("DELETE", Map.of("datamartName", List.of("b")), null));
        assertEquals(of("DELETE", Map.of("a", List.of("1"), "b", List.of("2")), null),
                of("DELETE", new java.util.TreeMap<>(Map.of("b", List.of("2"), "a", List.of("1"))), null));
        assertNotEquals(of("DELETE", Map.of("a", List.of("1&b=2")), null),
                of("DELETE", Map.of("a", List.of("1"), "b", List.of("2")), null), "no value can pass for two");
    }

    @Test
    void neverTakesABodyTheApiRefusesForOneItAccepts() {
        String json = "{\"a\": 1}";
        byte[] utf16 = json.getBytes(StandardCharsets.UTF_16);
        assertNotEquals(of("POST", Map.of(), json), RequestFingerprint.of("POST", ROUTE, Map.of(), null, utf16),
                "not UTF-8: its bytes count, not the JSON a lenient reader would find");
        assertNotEquals(of("POST", Map.of(), json), of("POST", Map.of(), json + " {}"), "trailing data");
        assertNotEquals(of("POST", Map.of(), "{\"a\": 1, \"a\": 2}"), of("POST", Map.of(), "{\"a\": 2}"),
                "a duplicate key is not the last one winning");
        assertEquals(64, of("POST", Map.of(), "not json").length());
    }
}
