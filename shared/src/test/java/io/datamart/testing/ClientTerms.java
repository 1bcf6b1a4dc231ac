package io.datamart.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The contract's rule for every message a client reads: it says what is wrong with the
 * request in the client's terms and never names the implementation's internals (library
 * classes and packages, exception names, parser settings and token kinds).
 */
public final class ClientTerms {
    /** What a message leaking internals would contain; each is a regular expression. */
    static final List<Pattern> INTERNALS = List.of(
            // a package: com.fasterxml..., java.lang..., org.slf4j...
            Pattern.compile("\\b(com|org|net|io|java|javax|sun|jdk)\\.[a-z]"),
            // a class or setting by its Java name: JsonParseException, StackOverflowError,
            // DeserializationFeature, StreamReadConstraints
            Pattern.compile("[A-Z][a-z]+(Exception|Error|Feature|Constraints)\\b"),
            // a method: getMaxNestingDepth(), Foo.bar()
            Pattern.compile("[A-Za-z]+\\.[A-Za-z]+\\(\\)"),
            Pattern.compile("JsonNode"),
            Pattern.compile("Jackson", Pattern.CASE_INSENSITIVE),
            Pattern.compile("FAIL_ON_"),
            Pattern.compile("ALLOW_"),
            // a constant: START_OBJECT, VALUE_NUMBER_INT, INCLUDE_SOURCE_IN_LOCATION
            Pattern.compile("\\b[A-Z]{2,}_[A-Z_]{2,}\\b"),
            // the parser's own phrasing: its location dump, its character codes, its markers
            Pattern.compile("REDACTED|\\[Source:|CTRL-CHAR|\\(code \\d+|<EOF>|Lexical error"));

    private ClientTerms() {
    }

    /** The message says nothing about the implementation. */
    public static void assertInClientTerms(String message) {
        assertNotNull(message, "a message");
        for (Pattern internal : INTERNALS) {
            assertFalse(internal.matcher(message).find(),
                    () -> "names the implementation's internals (" + internal + "): " + message);
        }
    }

    /** {@code error.message} and every {@code error.details[].message} of an error body. */
    public static void assertInClientTerms(JsonNode error) {
        assertInClientTerms(error.path("message").textValue());
        error.path("details").forEach(detail -> assertInClientTerms(detail.path("message").textValue()));
    }

    /** The error of a response, as {@link #assertInClientTerms(JsonNode)}. */
    public static void assertInClientTerms(ApiResult result) {
        assertInClientTerms(result.body().path("error"));
    }
}
