package io.datamart.validation;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a custom column's {@code sql} is one safe scalar expression. The text is
 * later placed inside queries, so it is untrusted input, and it is checked in three steps:
 * <ol>
 * <li>characters, here: length, control characters, invisible formatting characters and
 * look-alikes of SQL punctuation, none of which a reader of the expression can see for what
 * it is;</li>
 * <li>{@link SqlLexicalCheck}: comments, {@code ;}, statement keywords, parameters and quoting
 * tricks, read the way every database reads the text;</li>
 * <li>{@link SqlExpressionCheck}: JSqlParser reads the whole text as one expression, and a walk
 * of its tree finds subqueries, other tables, server-side functions and unknown columns.</li>
 * </ol>
 * A text that fails the first two steps is not parsed at all: it is known to be unsafe, and
 * the parser's complaints about it would only blur the real reason.
 */
public final class CustomColumnSql {
    public static final int MAX_LENGTH = 4000;

    /**
     * Look-alikes of {@code ' " ` ; - / * # \} that Unicode normalization leaves alone but
     * "best fit" conversions to a legacy code page turn into the real thing, e.g. on the way
     * into a database that stores the query as ANSI text. Look-alikes that normalization does
     * fold (U+FF1B FULLWIDTH SEMICOLON, U+037E GREEK QUESTION MARK, ...) are found through NFKC.
     */
    private static final String LOOK_ALIKES = "\u2018\u2019\u201A\u201B\u2032\u2035\u02B9\u02BB\u02BC\u02BD"
            + "\u02C8\u02CA\u02CB\u201C\u201D\u201E\u201F\u2033\u2036\u02BA\u02DD\u02EE\u301D\u301E\u301F"
            + "\u204F\u061B\u2010\u2012\u2013\u2014\u2015\u2043\u2212\u02D7\u2796\u2044\u2215\u29F8\u2217"
            + "\u204E\u066D\u2216\u29F5\u29F9";
    private static final String SQL_PUNCTUATION = "'\"`;-/*#\\";

    private CustomColumnSql() {
    }

    /** Problems with a custom column's sql; empty when it is one safe scalar expression. */
    public static List<String> problems(String sql, Set<String> tableColumns) {
        if (sql == null || Strings.isBlank(sql)) {
            return List.of("is required and must not be empty or blank");
        }
        // Checked first and alone: nothing longer is worth scanning, let alone parsing.
        int length = sql.codePointCount(0, sql.length());
        if (length > MAX_LENGTH) {
            return List.of("must be at most " + MAX_LENGTH + " characters, not " + length);
        }
        if (!Strings.isWellFormedUnicode(sql)) {
            return List.of("must be valid Unicode: it contains an unpaired surrogate");
        }
        List<String> problems = new ArrayList<>(characterProblems(sql));
        problems.addAll(SqlLexicalCheck.problems(sql));
        if (!problems.isEmpty()) {
            return problems;
        }
        return SqlExpressionCheck.problems(sql, tableColumns);
    }

    private static List<String> characterProblems(String sql) {
        List<String> problems = new ArrayList<>(0);
        int control = first(sql, c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r');
        if (control >= 0) {
            problems.add("must not contain control characters (" + describe(control) + ")");
        }
        // Zero-width spaces, joiners, bidirectional overrides, byte order marks, tag characters:
        // they hide or reorder what a reviewer of the expression sees.
        int invisible = first(sql, c -> Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029);
        if (invisible >= 0) {
            problems.add("must not contain invisible formatting characters such as " + describe(invisible));
        }
        int lookAlike = first(sql, CustomColumnSql::isLookAlike);
        if (lookAlike >= 0) {
            problems.add("must not contain " + describe(lookAlike) + ": it imitates SQL punctuation, "
                    + "which some databases and drivers turn it into; write plain ASCII quotes, "
                    + "dashes and semicolons");
        }
        // MySQL reads \' as a quote inside a literal, standard SQL as the literal's end, so the
        // expression would end somewhere else on some datasources than on others.
        if (sql.contains("\\'") || sql.contains("\\\"") || sql.contains("\\`")) {
            problems.add("must not contain a backslash before a quote: databases disagree on whether "
                    + "it escapes the quote");
        }
        return problems;
    }

    private static boolean isLookAlike(int c) {
        if (c < 0x80) {
            return false;
        }
        if (LOOK_ALIKES.indexOf(c) >= 0) {
            return true;
        }
        String folded = Normalizer.normalize(Character.toString(c), Normalizer.Form.NFKC);
        return folded.chars().anyMatch(f -> SQL_PUNCTUATION.indexOf(f) >= 0);
    }

    /** The first code point that matches, or -1. */
    private static int first(String text, java.util.function.IntPredicate test) {
        return text.codePoints().filter(test).findFirst().orElse(-1);
    }

    /** {@code U+200B (ZERO WIDTH SPACE)}: a character a reader may not see, named so they can find it. */
    static String describe(int codePoint) {
        String name = Character.getName(codePoint);
        String hex = String.format(Locale.ROOT, "U+%04X", codePoint);
        return name == null ? hex : hex + " (" + name + ")";
    }
}
