package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The collector lists at most a hundred violations and counts the rest. */
class ViolationsTest {
    private static Violations withProblems(int count) {
        Violations violations = new Violations();
        for (int i = 0; i < count; i++) {
            violations.add("tableList[" + i + "].name", "is required");
        }
        return violations;
    }

    @Test
    void listsAHundredViolationsInFull() {
        List<Violation> thrown = assertThrows(InvalidRequestException.class, withProblems(100)::throwIfAny)
                .violations();
        assertEquals(100, thrown.size());
        assertEquals(new Violation("tableList[99].name", "is required"), thrown.get(99));
    }

    @Test
    void listsTheFirstHundredAndCountsTheRest() {
        Violations violations = withProblems(101);
        assertEquals(100, violations.listed().size());

        List<Violation> thrown = assertThrows(InvalidRequestException.class, violations::throwIfAny).violations();
        assertEquals(101, thrown.size());
        assertEquals(new Violation("tableList[99].name", "is required"), thrown.get(99));
        assertEquals(new Violation("", "and 1 more problems, not listed"), thrown.get(100));
    }
}
