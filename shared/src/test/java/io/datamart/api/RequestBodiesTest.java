package io.datamart.api;

import static io.datamart.testing.ClientTerms.assertInClientTerms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.error.InvalidRequestException;
import io.datamart.testing.ApiCall;
import io.datamart.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Content-Type and JSON syntax rules every body goes through before validation. */
class RequestBodiesTest {
    private static final String PATH = "/api/v2/data-app/datamarts";

    static ApiRequest request(String contentType, byte[] body) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        // Base64 carries any bytes, UTF-8 or not, as API Gateway does for a binary body.
        return new ApiRequest("POST", PATH, headers, null, Map.of(), Map.of(),
                body == null ? null : java.util.Base64.getEncoder().encodeToString(body), true);
    }

    static ApiRequest request(String contentType, String body) {
        return request(contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    static ApiRequest json(String body) {
        return request("application/json", body);
    }

    static InvalidRequestException rejected(ApiRequest request) {
        InvalidRequestException rejected =
                assertThrows(InvalidRequestException.class, () -> RequestBodies.json(request));
        assertTrue(rejected.violations().isEmpty(), "a syntax problem has no JSON path to list");
        assertInClientTerms(rejected.getMessage());
        return rejected;
    }

    static void assertMessageSays(InvalidRequestException rejected, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(rejected.getMessage().contains(fragment),
                    () -> "'" + rejected.getMessage() + "' should say '" + fragment + "'");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Content-Type
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"",
            "APPLICATION/JSON", "application/json;charset=UTF-8"})
    void acceptsJsonWithOrWithoutAUtf8Charset(String contentType) {
        assertEquals(Fixtures.object("{\"a\": 1}"), RequestBodies.json(request(contentType, "{\"a\": 1}")));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void rejectsAMissingContentType(String contentType) {
        assertMessageSays(rejected(request(contentType, "{}")), "Content-Type", "application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json; charset=latin1", "application/json; charset=ISO-8859-1",
            "application/json; charset=utf-16", "application/xml", "text/json", "application/jsonx",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json", "application/*"})
    void rejectsAnyOtherContentType(String contentType) {
        assertMessageSays(rejected(request(contentType, "{}")), "Content-Type", "application/json", contentType.strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"content-type", "Content-Type", "CONTENT-TYPE"})
    void findsTheContentTypeHeaderInAnyCaseThroughARestEvent(String name) throws IOException {
        String event = ApiCall.restApi("POST", PATH).header(name, "application/json").body("{\"a\": 1}").event();
        ApiRequest request = ApiEventParser.parse(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Fixtures.object("{\"a\": 1}"), RequestBodies.json(request));
    }

    @ParameterizedTest
    @EnumSource(ApiCall.Payload.class)
    void rejectsTextPlainFromEitherPayload(ApiCall.Payload payload) throws IOException {
        String event = ApiCall.to(payload, "POST", PATH).header("Content-Type", "text/plain").body("{}").event();
        ApiRequest request = ApiEventParser.parse(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
        assertMessageSays(rejected(request), "text/plain");
    }

    @Test
    void checksTheContentTypeBeforeTheBody() {
        assertMessageSays(rejected(request("text/plain", "not json")), "Content-Type");
    }

    // ---------------------------------------------------------------------------------------------
    // Empty and malformed bodies
    // ---------------------------------------------------------------------------------------------

    @Test
    void rejectsAMissingBody() {
        assertMessageSays(rejected(request("application/json", (byte[]) null)), "required");
    }

    @Test
    void rejectsAnEmptyBody() {
        assertMessageSays(rejected(json("")), "required");
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\n\t ", "\r\n"})
    void rejectsAWhitespaceOnlyBody(String body) {
        rejected(json(body));
    }

    @Test
    void saysOnWhichLineAndColumnMalformedJsonBreaks() {
        InvalidRequestException rejected = rejected(json("{\n  \"name\": \"m\",\n  \"tableList\": ]\n}"));
        assertMessageSays(rejected, "not valid JSON", "line 3, column 16");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"name\"}", "{\"name\": }", "{name: \"m\"}", "{'name': 'm'}", "{\"a\": NaN}",
            "{\"a\": 1,}", "[1,]", "{/* comment */}", "{\"a\": 01}", "{\"a\": \"\\x41\"}", "nul", "{\"a\": \"b\"]"})
    void rejectsMalformedJsonSayingWhere(String body) {
        assertMessageSays(rejected(json(body)), "not valid JSON", "line 1, column ");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertMessageSays(rejected(json("{\"name\":\"a\",\"name\":\"b\"}")), "not valid JSON",
                "the field 'name' appears twice");
    }

    @Test
    void rejectsDuplicateKeysInANestedObject() {
        rejected(json("{\"name\": \"m\", \"tableList\": [{\"name\": \"a\", \"columns\": [], \"name\": \"b\"}]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} x", "{} {}", "{} []", "{\"a\": 1} 2", "[] x", "{\"name\":\"x\"}{}", "{} \"a\"", "{} 1x"})
    void rejectsAnythingAfterTheJsonValue(String body) {
        assertMessageSays(rejected(json(body)), "Request body is not valid JSON at line 1, column ",
                ": more follows the end of the JSON value");
    }

    @Test
    void rejectsAClosingBraceThatClosesNothing() {
        assertEquals("Request body is not valid JSON at line 1, column 3: '}' closes nothing: no object or array is "
                + "open here", rejected(json("{}}")).getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1_500, 5_000, 200_000})
    void rejectsDeeplyNestedArraysWithoutOverflowingTheStack(int depth) {
        String body = "[".repeat(depth) + "]".repeat(depth);
        assertEquals("Request body nests arrays and objects too deeply: at most 1000 levels are allowed",
                rejected(json(body)).getMessage());
    }

    @Test
    void rejectsDeeplyNestedObjectsWithoutOverflowingTheStack() {
        int depth = 5_000;
        String body = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        rejected(json(body));
    }

    @Test
    void rejectsDeepNestingInsideAnOtherwiseValidBody() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        rejected(json("{\"name\": \"m\", \"datasourceName\": \"ds\", \"tableList\": " + deep + "}"));
    }

    @Test
    void acceptsModerateNesting() {
        String body = "[".repeat(200) + "]".repeat(200);
        JsonNode parsed = RequestBodies.json(json(body));
        assertTrue(parsed.isArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {"c328", "ff", "e282", "f8888080", "80"})
    void rejectsABodyThatIsNotUtf8(String hex) {
        byte[] invalid = java.util.HexFormat.of().parseHex("7b226e616d65223a22" + hex + "227d");
        rejected(request("application/json", invalid));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // ED A0 80 is U+D800 encoded as if it were a character.
        "encoded surrogate, 7b226e616d65223a22eda080227d",
        // C0 AF is an overlong '/', which a lenient decoder would read as '/'.
        "overlong slash, 7b226e616d65223a2261c0af62227d",
        // A lone continuation byte and a truncated two-byte sequence.
        "continuation byte, 7b226e616d65223a2280227d",
        "truncated sequence, 7b226e616d65223a22c3",
    })
    void refusesBytesThatAreNotUtf8(String what, String hex) {
        byte[] body = java.util.HexFormat.of().parseHex(hex);
        InvalidRequestException rejected = assertThrows(InvalidRequestException.class,
                () -> RequestBodies.json(request("application/json", body)));
        assertEquals("Request body is not valid JSON: it is not valid UTF-8", rejected.getMessage());
    }

    @Test
    void readsFourByteUtf8AsTheCharacterSent() {
        byte[] body = "{\"name\":\"\uD83D\uDE00 mart\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("\uD83D\uDE00 mart", RequestBodies.json(request("application/json", body)).path("name").asText());
    }

    // ---------------------------------------------------------------------------------------------
    // What is handed to the validator
    // ---------------------------------------------------------------------------------------------

    @Test
    void returnsTheParsedBodyWithUnicodeIntact() {
        JsonNode parsed = RequestBodies.json(json("{\"name\": \"été \\ud83d\\ude00 😀\", \"n\": [1, true, null]}"));
        assertEquals("été 😀 😀", parsed.get("name").textValue());
        assertEquals(3, parsed.get("n").size());
    }

    @Test
    void leavesTheObjectCheckToTheValidator() {
        for (String body : List.of("[]", "\"text\"", "42", "null", "true")) {
            JsonNode parsed = RequestBodies.json(json(body));
            assertEquals(Fixtures.object("{\"v\": " + body + "}").get("v"), parsed, body);
        }
    }

    @Test
    void acceptsTheDocumentedBody() {
        assertEquals(Fixtures.documentedCreateBody(), RequestBodies.json(json(Fixtures.DOCUMENTED_CREATE_BODY)));
    }

    // ---------------------------------------------------------------------------------------------
    // Size
    // ---------------------------------------------------------------------------------------------

    /** A JSON object of exactly {@code bytes} bytes: braces around blanks. */
    private static byte[] objectOfBytes(int bytes) {
        return ("{" + " ".repeat(bytes - 2) + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsABodyOfExactlyTheLimit() {
        assertEquals(Fixtures.object("{}"),
                RequestBodies.json(request("application/json", objectOfBytes(RequestBodies.MAX_BODY_BYTES))));
    }

    @Test
    void refusesABodyOneByteOverTheLimitSayingBoth() {
        assertMessageSays(rejected(request("application/json", objectOfBytes(RequestBodies.MAX_BODY_BYTES + 1))),
                (RequestBodies.MAX_BODY_BYTES + 1) + " bytes", "1 MiB");
    }
}
