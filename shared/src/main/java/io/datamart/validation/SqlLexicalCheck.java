package io.datamart.validation;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A lexical look at a custom column's sql, before any parser sees it. It allows only the
 * quoting that every SQL dialect ends at the same place: {@code '...'} with {@code ''}
 * inside, and {@code "..."} with {@code ""} inside (a string in MySQL, a name elsewhere:
 * either way nothing inside runs), a backslash before a quote being refused elsewhere.
 * Every other quoting form is refused outright, because some database would read the
 * text after it differently from JSqlParser and from the others: SQL Server's
 * {@code [names]}, MySQL's {@code `names`}, PostgreSQL's {@code $$dollar quotes$$} and
 * Oracle's {@code q'[...]'}. Outside the two quotes, a comment, a {@code ;} or a
 * statement keyword that some database would see is found.
 */
final class SqlLexicalCheck {
    /** Deeper than any real expression, and well inside what the parser's recursion survives. */
    static final int MAX_NESTING = 32;
    /**
     * Words, numbers, literals and punctuation: longer than any real expression, and short
     * enough that a flat chain of operators ({@code a + a + ...}), which the parser and the
     * tree walk follow one level per operator, fits the stack {@link SqlExpressionCheck}
     * gives them. A limit the length (4000 characters) would not set by itself: at two
     * characters a token a chain holds 2000.
     */
    static final int MAX_TOKENS = 1000;

    /** Words that begin or join statements; none of them belongs in a scalar expression. */
    private static final Set<String> STATEMENT_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "DROP", "ALTER",
            "CREATE", "GRANT", "REVOKE", "EXEC", "EXECUTE", "UNION", "INTERSECT", "EXCEPT", "TRUNCATE", "MERGE",
            "CALL", "DECLARE", "COMMIT", "ROLLBACK", "SHUTDOWN", "WAITFOR");
    /** Statement words that are also functions somewhere (MySQL's INSERT(s, p, n, t), TRUNCATE(x, d)). */
    private static final Set<String> ALSO_FUNCTIONS = Set.of("INSERT", "TRUNCATE");

    private final String sql;
    private final Set<String> problems = new LinkedHashSet<>();
    private final Set<String> statementWords = new LinkedHashSet<>();
    private boolean subquery;
    private int depth;
    private int maxDepth;
    private int tokens;

    private SqlLexicalCheck(String sql) {
        this.sql = sql;
    }

    static List<String> problems(String sql) {
        SqlLexicalCheck check = new SqlLexicalCheck(sql);
        check.scan();
        return check.result();
    }

    private void scan() {
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            char next = i + 1 < sql.length() ? sql.charAt(i + 1) : 0;
            int codePoint = sql.codePointAt(i);
            if (!Character.isWhitespace(codePoint)) {
                tokens++;
            }
            if (c == '\'' || c == '"') {
                int close = closingQuote(i);
                if (close < 0) {
                    problems.add(c == '\'' ? "has a string literal that is never closed"
                            : "has a quoted name that is never closed");
                    return;
                }
                i = close + 1;
                continue;
            }
            if (Character.isLetterOrDigit(codePoint) || c == '_') {
                i = word(i);
                continue;
            }
            switch (c) {
                case '-' -> comment(next == '-', "--");
                case '/' -> {
                    comment(next == '*', "/*");
                    comment(next == '/', "//");
                }
                case '*' -> comment(next == '/', "*/");
                case '#' -> comment(true, "#");
                case ';' -> problems.add("must not contain ';'");
                case '?' -> problems.add("must not contain '?': database drivers read it as a query parameter");
                case '{', '}' -> problems.add("must not contain '{' or '}': database drivers read them as "
                        + "JDBC escapes such as {call ...}");
                case '$' -> problems.add("must not contain '$' outside a name: it starts a parameter ($1) "
                        + "or a dollar-quoted string ($$...$$) in some databases");
                case '@' -> problems.add("must not contain '@': it marks a variable in some databases");
                case '\\' -> problems.add("must not contain a backslash outside a string literal");
                case '[', ']' -> problems.add("must not contain '[' or ']': SQL Server reads them as quotes around "
                        + "a name, other databases as an array index, so the expression would end elsewhere");
                case '`' -> problems.add("must not contain '`': MySQL reads it as a quote around a name, other "
                        + "databases do not, so the expression would end elsewhere");
                case ':' -> {
                    boolean cast = next == ':' || (i > 0 && sql.charAt(i - 1) == ':');
                    if (!cast && (Character.isLetter(next) || next == '_')) {
                        problems.add("must not contain named parameters (':name')");
                    }
                }
                case '(' -> open();
                case ')' -> close();
                default -> {
                    // Operators, white space and other characters are for the parser to judge.
                }
            }
            i += Character.charCount(codePoint);
        }
    }

    /** Index of the quote that closes the one at {@code open}, a doubled quote being part of the text; -1 if none. */
    private int closingQuote(int open) {
        char quote = sql.charAt(open);
        int i = open + 1;
        while (true) {
            int close = sql.indexOf(quote, i);
            if (close < 0) {
                return -1;
            }
            if (close + 1 < sql.length() && sql.charAt(close + 1) == quote) {
                i = close + 2;
            } else {
                return close;
            }
        }
    }

    /** Reads the word (name, keyword or number) at {@code start}; returns the index after it. */
    private int word(int start) {
        int end = start;
        while (end < sql.length()) {
            int codePoint = sql.codePointAt(end);
            if (!Character.isLetterOrDigit(codePoint) && codePoint != '_' && codePoint != '$') {
                break;
            }
            end += Character.charCount(codePoint);
        }
        String word = sql.substring(start, end);
        // Fullwidth letters fold to ASCII under NFKC, and so might a database's comparison.
        boolean ascii = word.chars().allMatch(ch -> ch < 0x80);
        String upper = (ascii ? word : Normalizer.normalize(word, Normalizer.Form.NFKC)).toUpperCase(Locale.ROOT);
        boolean quoteFollows = end < sql.length() && sql.charAt(end) == '\'';
        if (quoteFollows && (upper.equals("Q") || upper.equals("NQ"))) {
            // Oracle's q'[ it's ]' lets a quote inside a literal stand alone, which the scan above cannot follow.
            problems.add("must not use Oracle's q'...' quoting");
        }
        switch (upper) {
            case "SELECT" -> {
                if (depth > 0) {
                    subquery = true;
                } else {
                    statementWords.add(upper);
                }
            }
            case "CASE" -> open();
            case "END" -> close();
            default -> {
                if (STATEMENT_WORDS.contains(upper) && !(ALSO_FUNCTIONS.contains(upper) && callFollows(end))) {
                    statementWords.add(upper);
                }
            }
        }
        return end;
    }

    private boolean callFollows(int index) {
        int i = index;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '(';
    }

    private void comment(boolean found, String marker) {
        if (found) {
            problems.add("must not contain comments ('" + marker + "')");
        }
    }

    private void open() {
        depth++;
        maxDepth = Math.max(maxDepth, depth);
    }

    private void close() {
        depth = Math.max(0, depth - 1);
    }

    private List<String> result() {
        List<String> result = new ArrayList<>(problems);
        if (!statementWords.isEmpty()) {
            result.add("must be a single expression, not a statement (found " + String.join(", ", statementWords)
                    + ")");
        }
        if (subquery) {
            result.add("must not contain a subquery");
        }
        if (maxDepth > MAX_NESTING) {
            result.add("must not nest parentheses or CASE more than " + MAX_NESTING + " levels deep");
        }
        if (tokens > MAX_TOKENS) {
            result.add("must have at most " + MAX_TOKENS + " words, numbers, literals and operators, not " + tokens);
        }
        return result;
    }
}
