package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scan of a custom column's sql before any parser sees it. */
class SqlLexicalCheckTest {
    private static final String NAMED_PARAMETER = "must not contain named parameters (':name')";

    @Test
    void acceptsAThousandTokens() {
        assertEquals(List.of(), SqlLexicalCheck.problems("-1" + "+1".repeat(499)));
    }

    @Test
    void refusesAThousandAndOneTokens() {
        assertEquals(List.of("must have at most 1000 words, numbers, literals and operators, not 1001"),
                SqlLexicalCheck.problems("1" + "+1".repeat(500)));
    }

    @Test
    void doesNotCountWhiteSpaceAsTokens() {
        assertEquals(List.of(), SqlLexicalCheck.problems("1" + " ".repeat(1500)));
    }

    @Test
    void acceptsNestingThirtyTwoDeep() {
        assertEquals(List.of(), SqlLexicalCheck.problems("(".repeat(32) + "1" + ")".repeat(32)));
    }

    @Test
    void refusesNestingThirtyThreeDeep() {
        assertEquals(List.of("must not nest parentheses or CASE more than 32 levels deep"),
                SqlLexicalCheck.problems("(".repeat(33) + "1" + ")".repeat(33)));
    }

    @Test
    void refusesAnUnclosedBlockComment() {
        assertEquals(List.of("must not contain comments ('/*')"), SqlLexicalCheck.problems("1 /* x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 = :name", "1 = :_x"})
    void refusesNamedParameters(String sql) {
        assertEquals(List.of(NAMED_PARAMETER), SqlLexicalCheck.problems(sql));
    }

    @ParameterizedTest
    @ValueSource(strings = {"amount::text", "amount::_x", "1 : 2", "'abc'", "\"a\"\"b\"", "'a'''",
        "\"a\"\"\""})
    void acceptsCastsColonsAndLiteralsEndingTheText(String sql) {
        assertEquals(List.of(), SqlLexicalCheck.problems(sql));
    }

    @Test
    void endsALiteralAtAQuoteThatFollowsAnEscapedOne() {
        // 'a''' is a and an escaped quote: the quote after the pair ends it, and 'b' is a literal of its own.
        assertEquals(List.of(), SqlLexicalCheck.problems("'a''' || 'b'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"q'[x]'", "nQ'[x]'"})
    void refusesOraclesAlternativeQuoting(String sql) {
        assertEquals(List.of("must not use Oracle's q'...' quoting"), SqlLexicalCheck.problems(sql));
    }

    @ParameterizedTest
    @ValueSource(strings = {"q + nq", "q", "N'abc'", "x'41'"})
    void acceptsQAndNqAsNamesAndOtherLettersBeforeALiteral(String sql) {
        assertEquals(List.of(), SqlLexicalCheck.problems(sql));
    }

    @Test
    void foldsFullwidthStatementWords() {
        assertEquals(List.of("must be a single expression, not a statement (found DROP)"),
                SqlLexicalCheck.problems("\uFF24\uFF32\uFF2F\uFF30 x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"truncate", "truncate  ", "1 + truncate"})
    void refusesAStatementWordNotFollowedByACall(String sql) {
        assertEquals(List.of("must be a single expression, not a statement (found TRUNCATE)"),
                SqlLexicalCheck.problems(sql));
    }

    @Test
    void acceptsTruncateAsAFunction() {
        assertEquals(List.of(), SqlLexicalCheck.problems("truncate (amount, 2)"));
    }
}
