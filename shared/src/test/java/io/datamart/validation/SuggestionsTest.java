package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** "Did you mean": which option is offered, and where none is. */
class SuggestionsTest {
    @Test
    void offersTheFirstOfEquallyCloseOptions() {
        // isHid is one edit from both: the order of the options (the contract's field order) decides.
        assertEquals(Optional.of("isHide"), Suggestions.closest("isHid", List.of("isHide", "isHit")));
        assertEquals(Optional.of("isHit"), Suggestions.closest("isHid", List.of("isHit", "isHide")));
    }

    @Test
    void offersAnOptionUpToAThirdOfTheNameAwayAndAtMostThreeEdits() {
        // A 9-character name may be 3 edits away; 3 inserted characters are still within reach.
        assertEquals(Optional.of("ts_timestamp"), Suggestions.closest("timestamp", List.of("ts_timestamp")));
        assertEquals(Optional.empty(), Suggestions.closest("timestamp", List.of("tsx_timestamp")));
        // A 5-character name may be 1 edit away, not 2.
        assertEquals(Optional.of("label"), Suggestions.closest("labl", List.of("label")));
        assertEquals(Optional.empty(), Suggestions.closest("lable", List.of("label")));
    }

    @Test
    void countsEditsAsLevenshteinDistance() {
        assertEquals(0, Suggestions.distance("abc", "abc"));
        assertEquals(1, Suggestions.distance("abc", "abd"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(3, Suggestions.distance("", "abc"));
        assertEquals(3, Suggestions.distance("abc", ""));
        assertEquals(3, Suggestions.distance("x", "abc"));
    }

    @Test
    void givesUpOnNamesWhoseLengthsDifferByMoreThanThree() {
        assertEquals(3, Suggestions.distance("timestamp", "ts_timestamp"));
        assertEquals(Integer.MAX_VALUE, Suggestions.distance("timestamp", "tsx_timestamp"));
    }

    @Test
    void measuresNamesOfUpTo100CharactersAndGivesUpOnLongerOnes() {
        String hundred = "a".repeat(100);
        assertEquals(1, Suggestions.distance(hundred, "a".repeat(99)));
        assertEquals(1, Suggestions.distance("a".repeat(99), hundred));
        assertEquals(Integer.MAX_VALUE, Suggestions.distance("a".repeat(101), hundred));
        assertEquals(Integer.MAX_VALUE, Suggestions.distance(hundred, "a".repeat(101)));
    }
}
