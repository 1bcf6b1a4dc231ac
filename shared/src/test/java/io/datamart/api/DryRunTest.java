package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code ?dryRun=}: asked of create and update, meaningless to a read, refused by a delete. */
class DryRunTest {
    private static ApiRequest withQuery(Map<String, List<String>> query) {
        return new ApiRequest("POST", "/api/v2/data-app/datamarts", Map.of(), null, query, Map.of(), null, false);
    }

    private static ApiRequest dryRun(String... values) {
        return withQuery(Map.of(DryRun.PARAMETER, List.of(values)));
    }

    @ParameterizedTest
    @EnumSource(names = {"CREATE", "UPDATE", "LEGACY_CREATE", "LEGACY_UPDATE"})
    void isRequestedOfAWriteByTrueAlone(Route route) {
        assertTrue(DryRun.requested(route, dryRun("true")));
        assertFalse(DryRun.requested(route, dryRun("false")));
        assertFalse(DryRun.requested(route, withQuery(Map.of())));
    }

    @ParameterizedTest
    @EnumSource(names = {"LIST", "GET", "LIST_VERSIONS", "GET_VERSION"})
    void isNeverRequestedOfARead(Route route) {
        assertFalse(DryRun.requested(route, dryRun("true")));
        assertFalse(DryRun.requested(route, dryRun("maybe", "twice")), "a read does not even look at it");
    }

    @ParameterizedTest
    @EnumSource(names = {"DELETE", "DELETE_ALIAS", "LEGACY_DELETE"})
    void isRefusedByADelete(Route route) {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> DryRun.requested(route, dryRun("true")));
        assertEquals("dryRun is for create and update only: a delete cannot be tried",
                refused.violations().get(0).message());
    }
}
