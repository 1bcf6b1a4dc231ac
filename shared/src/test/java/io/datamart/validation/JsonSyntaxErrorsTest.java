package io.datamart.validation;

import static io.datamart.testing.ClientTerms.assertInClientTerms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.datamart.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way the project's JSON reader refuses input, as the sender reads it: the problem
 * in plain words, where, and never the parser's own text.
 */
class JsonSyntaxErrorsTest {
    /** What the project's mapper says about {@code json}, as the sender reads it. */
    static String described(String json) {
        JacksonException refused = assertThrows(JacksonException.class, () -> Json.MAPPER.readTree(json),
                () -> "accepted: " + json);
        return JsonSyntaxErrors.describe(refused);
    }

    static Arguments refused(String what, String json, String expected) {
        return Arguments.of(what, json, expected);
    }

    static Stream<Arguments> malformed() {
        String value = JsonSyntaxErrors.A_VALUE;
        return Stream.of(
                refused("trailing object", "{\"name\":\"x\"}{}", "is not valid JSON at line 1, column 13: more "
                        + "follows the end of the JSON value; send exactly one JSON value, with nothing after it "
                        + "but white space"),
                refused("trailing number", "{\"a\": 1} 2", "is not valid JSON at line 1, column 10: more follows"
                        + " the end of the JSON value; send exactly one JSON value, with nothing after it but white "
                        + "space"),
                refused("trailing word", "{}\n x", "is not valid JSON at line 2, column 3: more follows the end of "
                        + "the JSON value; send exactly one JSON value, with nothing after it but white space"),
                refused("trailing comma", "[] ,", "is not valid JSON at line 1, column 4: more follows the end of "
                        + "the JSON value; send exactly one JSON value, with nothing after it but white space"),
                refused("number glued to trailing text", "{} 1x", "is not valid JSON at line 1, column 5: more "
                        + "follows the end of the JSON value; send exactly one JSON value, with nothing after it but "
                        + "white space"),
                refused("stray closing brace", "}", "is not valid JSON at line 1, column 1: '}' closes nothing: no "
                        + "object or array is open here"),
                refused("nesting too deep", "[".repeat(1_001) + "]".repeat(1_001),
                        "nests arrays and objects too deeply: at most 1000 levels are allowed"),
                refused("objects nested too deep", "{\"a\":".repeat(1_001) + "1" + "}".repeat(1_001),
                        "nests arrays and objects too deeply: at most 1000 levels are allowed"),
                refused("number too long", "{\"a\": " + "9".repeat(1_001) + "}",
                        "has a number that is too long: at most 1000 characters are allowed"),
                refused("field name too long", "{\"" + "k".repeat(50_001) + "\": 1}",
                        "has a field name that is too long: at most 50000 characters are allowed"),
                refused("duplicate key", "{\"name\":\"a\",\"name\":\"b\"}", "is not valid JSON at line 1, column "
                        + "19: the field 'name' appears twice in the same object; each field may appear only once"),
                refused("duplicate key, nested", "{\"t\": [{\"it's\": 1, \"it's\": 2}]}", "is not valid JSON at "
                        + "line 1, column 26: the field 'it's' appears twice in the same object; each field may "
                        + "appear only once"),
                refused("end inside an object", "{\"name\": \"a\",", "is not valid JSON at line 1, column 14: it "
                        + "ends before the object that opens at line 1, column 1 is closed with '}'"),
                refused("end inside a nested array", "{\"a\": [1,", "is not valid JSON at line 1, column 10: it "
                        + "ends before the array that opens at line 1, column 7 is closed with ']'"),
                refused("end inside a string", "{\"name\": \"abc", "is not valid JSON at line 1, column 14: it "
                        + "ends inside a string: its closing double quote is missing"),
                refused("end inside an escape", "{\"name\": \"a\\u00", "is not valid JSON at line 1, column 16: "
                        + "it ends inside the escape sequence of a string"),
                refused("end inside a field name", "{\"na", "is not valid JSON at line 1, column 5: it ends "
                        + "inside a field name: its closing double quote is missing"),
                refused("end of a bare minus", "-", "is not valid JSON at line 1, column 2: it ends before the JSON "
                        + "value is complete"),
                refused("end of a bare value", "tr", "is not valid JSON at line 1, column 3: 'tr' is not a JSON "
                        + "value; expected " + value),
                refused("field name not quoted", "{name: \"m\"}", "is not valid JSON at line 1, column 2: field "
                        + "names must be in double quotes (\"name\": ...), not bare"),
                refused("field name in single quotes", "{'name': \"m\"}", "is not valid JSON at line 1, column 2: "
                        + "field names take double quotes, not single quotes"),
                refused("string in single quotes", "{\"name\": 'm'}", "is not valid JSON at line 1, column 10: "
                        + "strings take double quotes, not single quotes"),
                refused("comma before a closing brace", "{\"a\": 1,}", "is not valid JSON at line 1, column 9: "
                        + "expected another field after the comma: JSON allows no comma before '}'"),
                refused("comma before a closing bracket", "[1,]", "is not valid JSON at line 1, column 4: expected "
                        + "another value after the comma: JSON allows no comma before ']'"),
                refused("no value after the colon", "{\"a\": }", "is not valid JSON at line 1, column 7: expected "
                        + value + " after the colon"),
                refused("no colon", "{\"a\" 1}", "is not valid JSON at line 1, column 6: expected a colon (:) "
                        + "between the field name and its value, not '1'"),
                refused("no comma between fields", "{\"a\": 1 \"b\": 2}", "is not valid JSON at line 1, column 9: "
                        + "expected a comma or '}' after the field's value, not '\"'"),
                refused("no comma between values", "[1 2]", "is not valid JSON at line 1, column 4: expected a comma"
                        + " or ']' after the value, not '2'"),
                refused("field name expected", "{,}", "is not valid JSON at line 1, column 2: expected a field name "
                        + "in double quotes, not ','"),
                refused("value expected", "{\"a\": #}", "is not valid JSON at line 1, column 7: expected " + value
                        + ", not '#'"),
                refused("mismatched bracket", "{\"a\": [1}", "is not valid JSON at line 1, column 9: '}' does not "
                        + "close the array that opens at line 1, column 7: expected a comma and another value, or "
                        + "']'"),
                refused("mismatched brace", "{\"a\": 1]", "is not valid JSON at line 1, column 8: ']' does not "
                        + "close the object that opens at line 1, column 1: expected a comma and another field, or "
                        + "'}'"),
                refused("unrecognized word", "{\"isHide\": tru}", "is not valid JSON at line 1, column 15: 'tru' is"
                        + " not a JSON value; expected " + value),
                refused("undefined", "{\"a\": undefined}", "is not valid JSON at line 1, column 16: 'undefined' is "
                        + "not a JSON value; expected " + value),
                refused("capitalized literal", "{\"a\": True}", "is not valid JSON at line 1, column 11: 'True' is "
                        + "not a JSON value; JSON's literals are lower case: true"),
                refused("NaN", "{\"a\": NaN}", "is not valid JSON at line 1, column 10: 'NaN' is not a JSON number:"
                        + " JSON has no NaN or Infinity"),
                refused("Infinity", "{\"a\": -Infinity}", "is not valid JSON at line 1, column 16: '-Infinity' is "
                        + "not a JSON number: JSON has no NaN or Infinity"),
                refused("leading zero", "{\"a\": 007}", "is not valid JSON at line 1, column 8: a number must not "
                        + "start with a 0 unless it is 0 itself or 0 followed by a fraction (write 7, not 07)"),
                refused("plus sign", "{\"a\": +1}", "is not valid JSON at line 1, column 8: a number must not start"
                        + " with a plus sign"),
                refused("bare minus", "{\"a\": -}", "is not valid JSON at line 1, column 8: a minus sign must be "
                        + "followed by a digit, not '}'"),
                refused("bare decimal point", "{\"a\": 1.}", "is not valid JSON at line 1, column 8: a decimal "
                        + "point must be followed by a digit, not '}'"),
                refused("bare exponent", "{\"a\": 1e}", "is not valid JSON at line 1, column 8: an exponent (e or E)"
                        + " must be followed by a digit, not '}'"),
                refused("block comment", "{/* note */ \"a\": 1}", "is not valid JSON at line 1, column 2: JSON does"
                        + " not allow comments ('/' starts one)"),
                refused("line comment", "{\"a\": 1} // note", "is not valid JSON at line 1, column 10: JSON does "
                        + "not allow comments ('/' starts one)"),
                refused("tab inside a string", "{\"name\": \"a\tb\"}", "is not valid JSON at line 1, column 12: a "
                        + "string holds a control character, U+0009 (CHARACTER TABULATION), that must be escaped (as"
                        + " \\n, \\t or \\u00XX, say)"),
                refused("line feed inside a field name", "{\"a\nb\": 1}", "is not valid JSON at line 1, column 4: "
                        + "a field name holds a control character, U+000A (LINE FEED (LF)), that must be escaped (as"
                        + " \\n, \\t or \\u00XX, say)"),
                refused("NUL between values", "{\"a\": 1}\u0000", "is not valid JSON at line 1, column 10: U+0000 "
                        + "(NULL) is not allowed between values; only spaces, tabs and line breaks are"),
                refused("no-break space between values", "{\"a\":\u00a01}", "is not valid JSON at line 1, column 6:"
                        + " expected " + value + ", not U+00A0 (NO-BREAK SPACE)"),
                refused("byte order mark", "\ufeff{}", "is not valid JSON at line 1, column 1: expected " + value
                        + ", not U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
                refused("emoji as a value", "{\"a\": \uD83D\uDE00}", "is not valid JSON at line 1, column 7: "
                        + "expected " + value + ", not a character beyond U+FFFF (such as an emoji)"),
                refused("invalid escape", "{\"name\": \"\\x41\"}", "is not valid JSON at line 1, column 12: '\\x' "
                        + "is not a JSON escape; a backslash in a string starts one of \\\" \\\\ \\/ \\b \\f \\n \\r "
                        + "\\t or \\u and four hexadecimal digits (write \\\\ for a backslash itself)"),
                refused("escape of the first printable character", "{\"name\": \"\\!\"}", "is not valid JSON at "
                        + "line 1, column 12: '\\!' is not a JSON escape; a backslash in a string starts one of \\\" "
                        + "\\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hexadecimal digits (write \\\\ for a "
                        + "backslash itself)"),
                refused("escape of the last printable character", "{\"name\": \"\\~\"}", "is not valid JSON at "
                        + "line 1, column 12: '\\~' is not a JSON escape; a backslash in a string starts one of \\\" "
                        + "\\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hexadecimal digits (write \\\\ for a "
                        + "backslash itself)"),
                refused("escaped single quote", "{\"name\": \"it\\'s\"}", "is not valid JSON at line 1, column 14: "
                        + "'\\'' is not a JSON escape: a single quote needs no backslash in a string"),
                refused("bad unicode escape", "{\"name\": \"\\u12G4\"}", "is not valid JSON at line 1, column 15: "
                        + "\\u must be followed by four hexadecimal digits (0-9, a-f), not 'G'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void saysWhatIsWrongInTheSendersTerms(String what, String json, String expected) {
        String description = described(json);

        assertEquals(expected, description);
        assertInClientTerms("Request body " + description);
    }

    @Test
    void invalidUtf8IsNamedAsSuch() {
        // Callers check UTF-8 before parsing text; bytes handed straight to the parser say the same.
        byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
        JacksonException refused = assertThrows(JacksonException.class, () -> Json.MAPPER.readTree(invalid));

        assertEquals("is not valid JSON at line 1, column 8: it is not valid UTF-8",
                JsonSyntaxErrors.describe(refused));
    }

    @Test
    void aLoneSurrogateEscapeIsLeftToTheValidator() throws Exception {
        // The parser accepts it; the validator refuses it where a string is stored (Strings.isWellFormedUnicode).
        assertEquals("\ud800", Json.MAPPER.readTree("{\"a\": \"\\ud800\"}").path("a").textValue());
    }

    @Test
    void aControlCharacterIsShownByItsCodePointNeverAsItself() {
        String description = described("{\"a\": \u0007}");

        assertEquals("is not valid JSON at line 1, column 8: U+0007 (BEL) is not allowed between values; only "
                + "spaces, tabs and line breaks are", description);
        assertTrue(description.chars().noneMatch(Character::isISOControl), description);
    }

    @Test
    void aLongDuplicateNameIsCutShort() {
        String name = "n".repeat(500);
        String description = described("{\"" + name + "\": 1, \"" + name + "\": 2}");

        assertTrue(description.contains("the field '" + "n".repeat(40) + "...' appears twice"), description);
    }

    @Test
    void linesAndColumnsCountFromOne() {
        assertTrue(described("{\n  \"name\": \"m\",\n  \"tableList\": ]\n}").startsWith(
                "is not valid JSON at line 3, column 16: "));
    }

    // ---------------------------------------------------------------------------------------------
    // Whatever the parser says that is not foreseen above: where, and nothing of its text
    // ---------------------------------------------------------------------------------------------

    private static final JsonLocation LINE_4_COLUMN_2 = new JsonLocation(ContentReference.unknown(), -1L, 4, 2);

    @Test
    void anUnforeseenSyntaxErrorSaysOnlyWhere() {
        JsonParseException unforeseen = new JsonParseException(null,
                "Some new complaint about `com.fasterxml.jackson.core.JsonParser.Feature.X`", LINE_4_COLUMN_2);

        assertEquals("is not valid JSON at line 4, column 2", JsonSyntaxErrors.describe(unforeseen));
    }

    @Test
    void anUnforeseenErrorWithoutALocationSaysOnlyThatItIsNotJson() {
        JsonParseException unforeseen = new JsonParseException(null, "Something `StreamReadFeature.X` said");

        assertEquals("is not valid JSON", JsonSyntaxErrors.describe(unforeseen));
    }

    @Test
    void aMismatchOtherThanTrailingDataSaysNothingOfItsText() {
        MismatchedInputException mismatch = MismatchedInputException.from(null, Object.class,
                "Cannot deserialize value of type `java.lang.Object` from Array value");

        assertEquals("is not valid JSON", JsonSyntaxErrors.describe(mismatch));
    }

    @Test
    void anUnforeseenLimitSaysOnlyThatTheInputIsTooLarge() {
        StreamConstraintsException limit = new StreamConstraintsException(
                "Some count (7) exceeds the maximum allowed (5, from `StreamReadConstraints.getMaxSomething()`)");

        assertEquals("is too large to read as JSON", JsonSyntaxErrors.describe(limit));
    }

    @Test
    void aForeseenLimitWhoseFigureIsMissingStillSaysWhichLimit() {
        StreamConstraintsException limit = new StreamConstraintsException("Document nesting depth too large");

        assertEquals("nests arrays and objects too deeply: at most a limited number of levels are allowed",
                JsonSyntaxErrors.describe(limit));
    }

    @Test
    void aStringOrDocumentOverItsLimitSaysWhichLimit() {
        // Beyond what the 1 MiB body allows (strings may be 20 million characters), but files and
        // messages are read by the same mapper.
        assertEquals("has a string that is too long: at most 20000000 characters are allowed",
                JsonSyntaxErrors.describe(new StreamConstraintsException("String value length (20000001) exceeds "
                        + "the maximum allowed (20000000, from `StreamReadConstraints.getMaxStringLength()`)")));
        assertEquals("is too long: at most 5000000 characters of JSON are allowed",
                JsonSyntaxErrors.describe(new StreamConstraintsException("Document length (5000001) exceeds "
                        + "the maximum allowed (5000000, from `StreamReadConstraints.getMaxDocumentLength()`)")));
    }

    @Test
    void describesInputReadFromBytesTheSameWay() {
        JacksonException refused = assertThrows(JacksonException.class,
                () -> Json.MAPPER.readTree("{'a': 1}".getBytes(StandardCharsets.UTF_8)));

        assertEquals("is not valid JSON at line 1, column 2: field names take double quotes, not single quotes",
                JsonSyntaxErrors.describe(refused));
    }

    @Test
    void aTokenCountOverItsLimitSaysWhichLimit() {
        assertEquals("has too many values: at most 1000000 tokens (names, values and brackets) are allowed",
                JsonSyntaxErrors.describe(new StreamConstraintsException("Token count (1000001) exceeds the maximum "
                        + "allowed (1000000, from `StreamReadConstraints.getMaxTokenCount()`)")));
    }

    @Test
    void aRefusalThatIsNoSyntaxErrorSaysOnlyWhere() {
        JsonMappingException mapping = new JsonMappingException(null,
                "Some `com.fasterxml.jackson.databind.DeserializationFeature` complaint", LINE_4_COLUMN_2);

        assertEquals("is not valid JSON at line 4, column 2", JsonSyntaxErrors.describe(mapping));
    }

    @Test
    void namesADuplicateFieldAsTheParserReadItRatherThanFromItsText() throws Exception {
        // The parser's context holds the name as read; its text is read only when no parser is at hand.
        JsonParser parser = Json.MAPPER.createParser("{\"a\": 1}");
        parser.nextToken();
        parser.nextToken();

        assertEquals("is not valid JSON at line 1, column 8: the field 'a' appears twice in the same object; each "
                + "field may appear only once",
                JsonSyntaxErrors.describe(new JsonParseException(parser, "Duplicate field 'b'")));
    }

    @Test
    void namesADuplicateFieldFromTheTextWhenNoParserIsAtHand() {
        assertEquals("is not valid JSON at line 4, column 2: the field 'it's' appears twice in the same object; "
                + "each field may appear only once",
                JsonSyntaxErrors.describe(new JsonParseException(null, "Duplicate field 'it's'", LINE_4_COLUMN_2)));
        assertEquals("is not valid JSON at line 4, column 2: a field appears twice in the same object; each field "
                + "may appear only once",
                JsonSyntaxErrors.describe(new JsonParseException(null, "Duplicate field", LINE_4_COLUMN_2)));
    }

    @Test
    void anUnrecognizedTokenWithoutAWordSaysWhatIsExpected() {
        assertEquals("is not valid JSON at line 4, column 2: expected " + JsonSyntaxErrors.A_VALUE,
                JsonSyntaxErrors.describe(new JsonParseException(null, "Unrecognized token '': was expecting "
                        + "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')", LINE_4_COLUMN_2)));
    }

    @Test
    void anUnforeseenUnexpectedCharacterIsNamedWithoutTheParsersText() {
        assertEquals("is not valid JSON at line 4, column 2: unexpected 'x'",
                JsonSyntaxErrors.describe(new JsonParseException(null,
                        "Unexpected character ('x' (code 120)): some new `JsonReadFeature` expectation",
                        LINE_4_COLUMN_2)));
        assertEquals("is not valid JSON at line 4, column 2: 'x' cannot appear in a number",
                JsonSyntaxErrors.describe(new JsonParseException(null,
                        "Unexpected character ('x' (code 120)) in numeric value: some new `JsonReadFeature` rule",
                        LINE_4_COLUMN_2)));
    }

    @Test
    void aCharacterWhoseCodeIsMissingOrUnreadableIsCalledThisCharacter() {
        String expected = "is not valid JSON at line 4, column 2: this character is not allowed between values; "
                + "only spaces, tabs and line breaks are";
        assertEquals(expected, JsonSyntaxErrors.describe(new JsonParseException(null,
                "Illegal character ((CTRL-CHAR, code 99999999999)): only regular white space is allowed",
                LINE_4_COLUMN_2)));
        assertEquals(expected, JsonSyntaxErrors.describe(new JsonParseException(null,
                "Illegal character: only regular white space is allowed", LINE_4_COLUMN_2)));
    }

    @Test
    void showsPrintableAsciiInQuotesAndEverythingElseByItsCodePoint() {
        assertEquals("'!'", JsonSyntaxErrors.character('!'));
        assertEquals("'~'", JsonSyntaxErrors.character('~'));
        assertEquals("U+0020 (SPACE)", JsonSyntaxErrors.character(' '));
        assertEquals("U+007F (DELETE)", JsonSyntaxErrors.character(0x7F));
    }
}
