package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each character of a body costs inside the response's JSON string, at the edges of each class. */
class LambdaResponseSizeTest {

    @ParameterizedTest(name = "U+{0} costs {1}")
    @CsvSource({
        "0000, 6", "001F, 6",   // control characters, written as backslash-u and four hex digits
        "0020, 1", "007F, 1",   // the rest of ASCII, as is
        "0022, 2", "005C, 2",   // the quote and the backslash, escaped
        "0080, 2", "07FF, 2",   // two bytes of UTF-8
        "0800, 3", "FFFF, 3",   // three bytes of UTF-8 (each half of a surrogate pair counts three)
    })
    void countsEachCharacterByItsClass(String codeUnit, long bytes) {
        String text = String.valueOf((char) Integer.parseInt(codeUnit, 16));
        assertEquals(bytes, LambdaResponseSize.asJsonString(text));
        assertEquals(3 * bytes, LambdaResponseSize.asJsonString(text.repeat(3)), "and adds them up");
    }
}
