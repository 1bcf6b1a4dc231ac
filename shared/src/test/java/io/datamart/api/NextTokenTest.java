package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The List Datamarts continuation as clients carry it: an opaque string only this API writes and reads. */
class NextTokenTest {
    /** What {@link NextToken#decode} accepts at most: a token of this length is still read. */
    private static final int MAX_LENGTH = 2_048;

    /** A token as this API would write it, from JSON text of the caller's choosing. */
    private static String token(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A well-formed continuation whose JSON is padded with blanks to {@code bytes} bytes. */
    private static String paddedToken(int bytes) {
        String json = "{\"after\": \"m\", \"expandDetails\": true}";
        return token(json.substring(0, json.length() - 1) + " ".repeat(bytes - json.length()) + "}");
    }

    private static void assertRefused(String token) {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> NextToken.decode(token));
        assertTrue(refused.getMessage().startsWith("nextToken is not one this API gave out"), refused::getMessage);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, ListOptions.PAGE_SIZE})
    void readsBackWhatItWroteForAnyRemainingCountOfAPage(int remaining) {
        NextToken written = new NextToken("sales-analytics", remaining, false);
        assertEquals(written, NextToken.decode(written.encode()));
    }

    @Test
    void readsBackAContinuationToTheEndOfTheList() {
        NextToken written = new NextToken("sales-analytics", null, true);
        assertEquals(written, NextToken.decode(written.encode()));
    }

    @ParameterizedTest
    @ValueSource(ints = {ListOptions.PAGE_SIZE + 1, 1_000})
    void refusesMoreRemainingThanAPageHolds(int remaining) {
        assertRefused(new NextToken("sales-analytics", remaining, false).encode());
    }

    @Test
    void readsATokenOfExactlyTheLongestLength() {
        String longest = paddedToken(MAX_LENGTH / 4 * 3); // base64 without padding: 4 characters per 3 bytes
        assertEquals(MAX_LENGTH, longest.length());
        assertEquals(new NextToken("m", null, true), NextToken.decode(longest));
    }

    @Test
    void refusesALongerTokenUnread() {
        String longer = paddedToken(MAX_LENGTH / 4 * 3 + 3);
        assertEquals(MAX_LENGTH + 4, longer.length());
        assertRefused(longer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"organization", "before", "expand"})
    void refusesATokenWithAFieldItNeverWrites(String field) {
        String valid = "{\"after\": \"m\", \"remaining\": 3, \"expandDetails\": true}";
        assertEquals(new NextToken("m", 3, true), NextToken.decode(token(valid)));
        assertRefused(token(valid.replace("}", ", \"" + field + "\": \"acme\"}")));
    }
}
