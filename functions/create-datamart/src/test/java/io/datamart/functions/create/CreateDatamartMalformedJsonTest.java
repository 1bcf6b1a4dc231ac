package io.datamart.functions.create;

import static io.datamart.functions.create.CreateDatamartHandlerTest.NEW_ROUTE;
import static io.datamart.testing.ClientTerms.assertInClientTerms;
import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.Fixtures.DOCUMENTED_CREATE_BODY;
import static io.datamart.testing.HandlerAssertions.assertErrorMentioning;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static io.datamart.testing.HandlerAssertions.assertSuccess;
import static io.datamart.testing.HandlerAssertions.idWithNullError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The documented create body broken in every way JSON can be broken, through the real
 * handler: each is a 400 INVALID_REQUEST_BODY whose message says what is wrong in plain
 * words (and where), names nothing of the implementation, and stores nothing.
 */
class CreateDatamartMalformedJsonTest {
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    private static final String BODY = DOCUMENTED_CREATE_BODY;
    private static final String NAME = "\"name\": \"sales-analytics\"";
    /** What the JSON reader says is expected where a value is missing or unreadable. */
    private static final String A_VALUE = "expected a value (a string in double quotes, a number, an object, "
            + "an array, true, false or null)";

    private static ApiCall create(Payload payload) {
        return ApiCall.to(payload, "POST", NEW_ROUTE).bearer(DEMO_TOKEN);
    }

    /** The documented body with its first {@code part} replaced. */
    private static String with(String part, String replacement) {
        int at = BODY.indexOf(part);
        if (at < 0) {
            throw new IllegalArgumentException("not in the documented body: " + part);
        }
        return BODY.substring(0, at) + replacement + BODY.substring(at + part.length());
    }

    private static void malformed(List<Arguments> cases, String what, String body, String... says) {
        cases.add(Arguments.of(Named.of(what, body), List.of(says)));
    }

    static Stream<Arguments> malformedBodies() {
        List<Arguments> cases = new ArrayList<>();
        String name = NAME;
        String tableIsHide = "\"isHide\": false";
        String tableLabel = "\"label\": \"Customer Orders\"";
        String firstColumn = "{\"name\": \"order_id\", \"alias\": \"id\", \"label\": \"Order ID\", \"isHide\": false}";
        String lastColumn = "{\"name\": \"order_date\", \"alias\": \"date\", \"label\": \"Order Date\", \"isHide\": false}";

        // Trailing data, and the limits
        malformed(cases, "an object after the body", BODY + "{}",
                "not valid JSON at line 38, column 1", "more follows the end of the JSON value");
        malformed(cases, "a word after the body", BODY + "x",
                "not valid JSON at line 38", "more follows the end of the JSON value");
        malformed(cases, "a second body", BODY + BODY,
                "not valid JSON at line 38, column 1", "send exactly one JSON value");
        malformed(cases, "nesting past the limit", with(tableLabel,
                "\"label\": " + "[".repeat(1_001) + "]".repeat(1_001)),
                "nests arrays and objects too deeply", "at most 1000 levels");
        malformed(cases, "a number of 1001 digits", with(tableLabel, "\"label\": " + "9".repeat(1_001)),
                "number that is too long", "at most 1000 characters");
        malformed(cases, "a field name of 50001 characters", with(tableLabel,
                "\"" + "k".repeat(50_001) + "\": 1, " + tableLabel),
                "field name that is too long", "at most 50000 characters");
        malformed(cases, "a string past the body limit", with(tableLabel,
                "\"label\": \"" + "x".repeat(1024 * 1024) + "\""),
                "the limit is 1 MiB");
        // Names and strings
        malformed(cases, "a duplicate key", with("\"datasourceName\": \"postgres-main\",",
                "\"datasourceName\": \"postgres-main\", \"name\": \"again\","),
                "not valid JSON at line 3", "the field 'name' appears twice in the same object");
        malformed(cases, "a field name not in quotes", with(name, "name: \"sales-analytics\""),
                "not valid JSON at line 2, column 3", "field names must be in double quotes");
        malformed(cases, "a field name in single quotes", with(name, "'name': \"sales-analytics\""),
                "not valid JSON at line 2, column 3", "field names take double quotes, not single quotes");
        malformed(cases, "a string in single quotes", with(name, "\"name\": 'sales-analytics'"),
                "not valid JSON at line 2, column 11", "strings take double quotes, not single quotes");
        malformed(cases, "a tab inside a string", with(name, "\"name\": \"sales\tanalytics\""),
                "not valid JSON at line 2", "a string holds a control character, U+0009 (CHARACTER TABULATION)",
                "must be escaped");
        malformed(cases, "a line break inside a string", with(name, "\"name\": \"sales\nanalytics\""),
                "not valid JSON at line 2", "a string holds a control character, U+000A", "must be escaped");
        malformed(cases, "an invalid backslash escape", with(name, "\"name\": \"sales\\qanalytics\""),
                "not valid JSON at line 2", "'\\q' is not a JSON escape");
        malformed(cases, "a \\u escape without four hex digits", with(name, "\"name\": \"sales\\u00zz\""),
                "not valid JSON at line 2", "\\u must be followed by four hexadecimal digits", "not 'z'");
        malformed(cases, "the input ends inside a string", BODY.substring(0, BODY.indexOf("sales-analytics") + 5),
                "not valid JSON at line 2", "it ends inside a string: its closing double quote is missing");
        // Structure
        malformed(cases, "the input ends before the closing brace", BODY.strip().substring(0, BODY.strip().length() - 1),
                "not valid JSON at line 37", "it ends before the object that opens at line 1, column 1 is closed");
        malformed(cases, "a missing comma", with(name + ",", name),
                "not valid JSON at line 3, column 3", "expected a comma or '}' after the field's value, not '\"'");
        malformed(cases, "a missing colon", with(name, "\"name\" \"sales-analytics\""),
                "not valid JSON at line 2, column 10", "expected a colon (:) between the field name and its value");
        malformed(cases, "a comma before a closing bracket", with(lastColumn, lastColumn + ","),
                "not valid JSON at line 15, column 7", "JSON allows no comma before ']'");
        malformed(cases, "a comma before a closing brace", with("\"join\": \"LEFT JOIN\"", "\"join\": \"LEFT JOIN\","),
                "not valid JSON at line 35, column 5", "JSON allows no comma before '}'");
        malformed(cases, "a bracket closing an object", with(firstColumn,
                firstColumn.substring(0, firstColumn.length() - 1) + "]"),
                "not valid JSON at line 12", "']' does not close the object that opens at line 12, column 9");
        malformed(cases, "a closing brace too many", BODY + "}",
                "not valid JSON at line 38, column 1", "'}' closes nothing");
        // Values
        malformed(cases, "an unrecognized word", with(tableIsHide, "\"isHide\": tru"),
                "not valid JSON at line 10", "'tru' is not a JSON value", A_VALUE);
        malformed(cases, "undefined", with(tableLabel, "\"label\": undefined"),
                "not valid JSON at line 8", "'undefined' is not a JSON value");
        malformed(cases, "a capitalized literal", with(tableIsHide, "\"isHide\": False"),
                "not valid JSON at line 10", "'False' is not a JSON value; JSON's literals are lower case: false");
        malformed(cases, "NaN", with(tableLabel, "\"label\": NaN"),
                "not valid JSON at line 8", "'NaN' is not a JSON number: JSON has no NaN or Infinity");
        malformed(cases, "Infinity", with(tableLabel, "\"label\": -Infinity"),
                "not valid JSON at line 8", "'-Infinity' is not a JSON number");
        malformed(cases, "a leading zero", with(tableLabel, "\"label\": 007"),
                "not valid JSON at line 8", "a number must not start with a 0");
        malformed(cases, "a plus sign", with(tableLabel, "\"label\": +7"),
                "not valid JSON at line 8", "a number must not start with a plus sign");
        malformed(cases, "a decimal point without digits", with(tableLabel, "\"label\": 7."),
                "not valid JSON at line 8", "a decimal point must be followed by a digit");
        malformed(cases, "no value", with(tableLabel, "\"label\": "), "not valid JSON at line 8", A_VALUE + ", not ','");
        malformed(cases, "an emoji as a value", with(tableLabel, "\"label\": \uD83D\uDE00"),
                "not valid JSON at line 8", A_VALUE + ", not a character beyond U+FFFF");
        // Between values
        malformed(cases, "a block comment", with(name, "/* the demo */ " + name),
                "not valid JSON at line 2, column 3", "JSON does not allow comments");
        malformed(cases, "a line comment", with(name + ",", name + ", // the demo"),
                "not valid JSON at line 2", "JSON does not allow comments");
        malformed(cases, "a NUL between values", with(name, "\u0000" + name),
                "not valid JSON at line 2", "U+0000 (NULL) is not allowed between values");
        malformed(cases, "a no-break space between values", with(name, "\u00a0" + name),
                "not valid JSON at line 2", "U+00A0 (NO-BREAK SPACE)");
        malformed(cases, "a byte order mark", "\ufeff" + BODY,
                "not valid JSON at line 1, column 1", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)");
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void eachClassOfMalformedJsonIsAnInvalidRequestBodySaidInPlainWords(String body, List<String> says) {
        for (Payload payload : Payload.values()) {
            ApiResult result = assertNothingChanged(function.db(), () -> create(payload).json(body)
                    .invoke(function.handler()));

            assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", says.toArray(String[]::new));
            assertInClientTerms(result);
            assertNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
        }
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void theBodyTheseAreMadeFromIsStored(Payload payload) {
        // Each case above differs from this body only by what breaks it.
        assertSuccess(create(payload).json(BODY).invoke(function.handler()), idWithNullError("sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void bytesThatAreNotUtf8AreSaidToBeSo(Payload payload) {
        byte[] invalid = BODY.getBytes(StandardCharsets.UTF_8);
        // All ASCII before it, so the character offset is the byte offset: '-' becomes a byte UTF-8 never has.
        invalid[BODY.indexOf("sales-analytics") + "sales".length()] = (byte) 0xff;
        ObjectNode event = Fixtures.object(create(payload).json(BODY).event());
        event.put("body", Base64.getEncoder().encodeToString(invalid));
        event.put("isBase64Encoded", true);

        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.invokeEvent(function.handler(),
                event.toString()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "not valid JSON: it is not valid UTF-8");
        assertInClientTerms(result);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aLoneSurrogateEscapeIsRefusedByTheValidatorAtItsPath(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> create(payload)
                .json(with(NAME, "\"name\": \"sales\\ud800\"")).invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "name", "unpaired surrogate");
        assertEquals(List.of("name"), List.copyOf(result.details().keySet()));
        assertInClientTerms(result);
    }

    static Stream<Arguments> numbersWhereABooleanBelongs() {
        return Stream.of(Arguments.of("1e999999"), Arguments.of("-1e-999999"),
                Arguments.of("123456789012345678901234567890123456789"), Arguments.of("0.1"),
                Arguments.of("9".repeat(1_000)));
    }

    @ParameterizedTest
    @MethodSource("numbersWhereABooleanBelongs")
    void aHugeOrTinyNumberForABooleanIsATypeErrorAtItsPath(String number) {
        for (Payload payload : Payload.values()) {
            ApiResult result = assertNothingChanged(function.db(), () -> create(payload)
                    .json(with("\"isHide\": false", "\"isHide\": " + number)).invoke(function.handler()));

            assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "tableList[0].isHide",
                    "must be true or false, not a number");
            assertEquals(List.of("tableList[0].isHide"), List.copyOf(result.details().keySet()));
            assertInClientTerms(result);
        }
    }
}
