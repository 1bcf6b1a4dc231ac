package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The List Datamarts query parameters, read as strictly as bodies are. */
class ListOptionsTest {
    private static ListOptions page(String pageNumber) {
        return ListOptions.from(Map.of("isPagination", List.of("true"), "pageNumber", List.of(pageNumber)));
    }

    @Test
    void listsEverythingWithDetailsWhenNothingIsAsked() {
        assertEquals(new ListOptions(false, 1, true, null), ListOptions.from(Map.of()));
        assertEquals(0, ListOptions.from(Map.of()).offset());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 1_000_000})
    void takesAnyPageNumberFromOneToAMillion(int pageNumber) {
        ListOptions options = page(Integer.toString(pageNumber));
        assertEquals(new ListOptions(true, pageNumber, true, null), options);
        assertEquals((pageNumber - 1) * ListOptions.PAGE_SIZE, options.offset());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1000001", "2147483648", "one", ""})
    void refusesAPageNumberOutsideOneToAMillion(String pageNumber) {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> page(pageNumber));
        assertEquals("pageNumber must be a whole number from 1 to 1000000", refused.getMessage());
    }
}
