package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.ApiRequest;
import io.datamart.api.RequestBodies;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import io.datamart.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What bounds the work, and the answer, of one request however hostile its body. */
class RequestLimitsTest {
    private static final DatamartValidator VALIDATOR = new DatamartValidator();

    private static ApiRequest post(byte[] body) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Type", "application/json");
        return new ApiRequest("POST", "/api/v2/data-app/datamarts", headers, null, Map.of(), Map.of(),
                Base64.getEncoder().encodeToString(body), true);
    }

    @Test
    void refusesABodyOverOneMebibyteBeforeParsingIt() {
        byte[] body = ("{\"name\": \"" + "x".repeat(RequestBodies.MAX_BODY_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> RequestBodies.json(post(body)));

        assertTrue(refused.getMessage().contains("the limit is 1 MiB (1048576 bytes)"), refused.getMessage());
    }

    @Test
    void readsABodyOfExactlyOneMebibyte() {
        String prefix = "{\"name\": \"";
        String suffix = "\"}";
        int fill = RequestBodies.MAX_BODY_BYTES - prefix.length() - suffix.length();
        byte[] body = (prefix + "x".repeat(fill) + suffix).getBytes(StandardCharsets.UTF_8);

        assertEquals(fill, RequestBodies.json(post(body)).path("name").asText().length());
    }

    @Test
    void listsAtMostAHundredViolationsAndCountsTheRest() {
        ObjectNode body = Fixtures.documentedCreateBody();
        ArrayNode columns = ((ObjectNode) body.path("tableList").path(0)).putArray("columns");
        for (int i = 0; i < 100_000; i++) {
            columns.addObject();
        }

        List<Violation> violations = assertThrows(InvalidRequestException.class,
                () -> VALIDATOR.validateCreate(body)).violations();

        assertEquals(Violations.MAX_LISTED + 1, violations.size());
        assertEquals("tableList[0].columns[0].name", violations.get(0).path());
        assertEquals(new Violation("", "and 99900 more problems, not listed"), violations.get(100));
    }

    @Test
    void refusesMoreCustomColumnSqlThanOneDatamartMayHold() {
        ObjectNode body = Fixtures.documentedCreateBody();
        ArrayNode columns = (ArrayNode) body.path("tableList").path(0).path("columns");
        String sql = "CONCAT(quantity, '" + "x".repeat(3_950) + "')"; // 3,970 characters, a valid expression
        int fit = Violations.MAX_SQL_CHARACTERS / sql.length();
        for (int i = 0; i <= fit; i++) {
            columns.addObject().put("name", "c" + i).put("isCustomColumn", true).put("sql", sql);
        }

        List<Violation> violations = assertThrows(InvalidRequestException.class,
                () -> VALIDATOR.validateCreate(body)).violations();

        assertEquals(1, violations.size(), violations::toString);
        assertEquals("tableList[0].columns[" + (3 + fit) + "].sql", violations.get(0).path());
        assertTrue(violations.get(0).message().startsWith("goes past the 100000 characters"));
    }

    @Test
    void acceptsExactlyTheCustomColumnSqlOneDatamartMayHoldAndRefusesOneCharacterMore() {
        ObjectNode body = Fixtures.documentedCreateBody();
        ArrayNode columns = (ArrayNode) body.path("tableList").path(0).path("columns");
        String sql = "CONCAT(quantity, '" + "x".repeat(3_980) + "')";
        assertEquals(CustomColumnSql.MAX_LENGTH, sql.length());
        for (int i = 0; i < Violations.MAX_SQL_CHARACTERS / sql.length(); i++) {
            columns.addObject().put("name", "c" + i).put("isCustomColumn", true).put("sql", sql);
        }
        VALIDATOR.validateCreate(body); // 25 columns of 4,000 characters: exactly 100,000

        columns.addObject().put("name", "one_more").put("isCustomColumn", true).put("sql", "1");
        List<Violation> violations = assertThrows(InvalidRequestException.class,
                () -> VALIDATOR.validateCreate(body)).violations();
        assertEquals(List.of(new Violation("tableList[0].columns[28].sql",
                "goes past the 100000 characters of custom-column SQL one datamart may hold in total")), violations);
    }

    @Test
    void echoesAParserMessageAsValidUnicode() {
        byte[] body = "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);

        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> RequestBodies.json(post(body)));

        assertTrue(Strings.isWellFormedUnicode(refused.getMessage()), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("Request body is not valid JSON"), refused.getMessage());
    }
}
