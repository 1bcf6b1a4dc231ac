package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser's side of a custom column's sql, called past the lexical check. */
class SqlExpressionCheckTest {
    /** A table with one column, so that any other name is reported without a suggestion. */
    private static final Set<String> AMOUNT = Set.of("amount");
    private static final String UNKNOWN_ZZZ = "references unknown column 'zzz'";

    private static List<String> problems(String sql) {
        return SqlExpressionCheck.problems(sql, AMOUNT);
    }

    private static String lengthProblem(String written) {
        return "must give repeat a length that is a whole number from 0 to 1000, written as a number, not '"
                + written + "'";
    }

    @Test
    void namesNoCharacterWhenEveryCharacterIsReadable() {
        assertEquals("it has a character that SQL reads neither as part of a name nor as an operator",
                SqlExpressionCheck.unreadableCharacter("abc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"!", "~", "'a\u2603'", "\"a\u2603\""})
    void skipsPrintableAsciiAndQuotedText(String sql) {
        assertEquals("it has a character that SQL reads neither as part of a name nor as an operator",
                SqlExpressionCheck.unreadableCharacter(sql));
    }

    @Test
    void findsTheUnreadableCharacterAfterAClosedQuote() {
        assertEquals("it has U+2603 (SNOWMAN) at column 5, which SQL reads neither as part of a name nor as an "
                + "operator", SqlExpressionCheck.unreadableCharacter("'a' \u2603"));
    }

    @Test
    void reportsAnUnknownColumn() {
        assertEquals(List.of(UNKNOWN_ZZZ), problems("amount + zzz"));
    }

    @Test
    void readsAQuotedBuiltInNameAsAColumn() {
        assertEquals(List.of("references unknown column 'SYSDATE'"), problems("\"SYSDATE\""));
        assertEquals(List.of(), problems("SYSDATE"));
    }

    @Test
    void readsAnEmptyQuotedNameAsTheEmptyName() {
        // Two characters are the shortest quoted name: its quotes come off like any other's.
        assertEquals(List.of("references unknown column ''"), problems("\"\""));
        assertEquals(List.of("references unknown column ''"), problems("``"));
    }

    @Test
    void refusesAFunctionOfAnotherSchema() {
        assertEquals(List.of("must not call a function of another schema ('s.abs')"), problems("s.abs(1)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"repeat('x', 0)", "repeat('x', 1000)", "repeat('x', 2) || repeat('y', 2)",
        "abs(length(repeat('x', 2)))", "count(*) OVER ()", "CAST(amount AS integer)"})
    void acceptsBoundedUsesOfExpandingFunctionsAndPlainForms(String sql) {
        assertEquals(List.of(), problems(sql));
    }

    @Test
    void refusesARepeatLongerThanTheLimit() {
        assertEquals(List.of(lengthProblem("1001")), problems("repeat('x', 1001)"));
    }

    @Test
    void refusesARepeatWithoutALength() {
        assertEquals(List.of(lengthProblem("null")), problems("repeat('x')"));
    }

    @Test
    void refusesARepeatInsideARepeat() {
        assertEquals(List.of("must not put 'repeat' inside another of repeat, lpad, rpad, replace and "
                + "regexp_replace: together they could build strings of any size"),
                problems("repeat(repeat('x', 2), 2)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abs(zzz)", "abs(1)(zzz)", "substring(zzz FROM 1 FOR 2)",
        "array_agg(amount ORDER BY zzz)", "max(amount) KEEP (DENSE_RANK FIRST ORDER BY zzz)",
        "any_value(amount HAVING MAX zzz)", "sum(zzz) OVER ()", "lag(amount, zzz) OVER (ORDER BY amount)",
        "lag(amount, 1, zzz) OVER (ORDER BY amount)",
        "max(amount) KEEP (DENSE_RANK FIRST ORDER BY zzz) OVER (PARTITION BY amount)",
        "sum(amount) OVER (ORDER BY amount ROWS BETWEEN 1 PRECEDING AND zzz FOLLOWING)",
        "sum(amount) OVER (ORDER BY amount ROWS BETWEEN zzz PRECEDING AND 1 FOLLOWING)"})
    void walksEveryPartOfACall(String sql) {
        assertEquals(List.of(UNKNOWN_ZZZ), problems(sql));
    }

    @Test
    void refusesAStarInAWindowFunctionOtherThanCount() {
        assertEquals(List.of("must not use '*' other than in COUNT(*)"), problems("max(*) OVER ()"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CAST(amount AS integer[])", "CAST(amount AS ROW(a integer))"})
    void refusesACastToAnArrayOrARow(String sql) {
        List<String> problems = problems(sql);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("must not cast to '"), problems::toString);
    }
}
