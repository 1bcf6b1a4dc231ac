package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.Column;
import io.datamart.domain.DatamartDefinition;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import io.datamart.testing.ClientTerms;
import io.datamart.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A custom column's sql is one safe scalar expression, or a list of what is wrong with it. */
class CustomColumnSqlTest {
    /** The columns of the table the expressions below are written for. */
    static final Set<String> ORDERS = Set.of("quantity", "unit_price", "order_date", "status", "first_name",
            "last_name", "amount", "customer_id", "discount", "created_at", "Total Amount", "payload");

    static List<String> problems(String sql) {
        return CustomColumnSql.problems(sql, null);
    }

    /** Rejected, and one of the problems says {@code fragment}. */
    static void assertRejected(String sql, Set<String> columns, String fragment) {
        List<String> problems = CustomColumnSql.problems(sql, columns);
        assertFalse(problems.isEmpty(), () -> "accepted: " + sql);
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
                () -> "problems of " + sql + " should say '" + fragment + "' but were " + problems);
    }

    static void assertAccepted(String sql, Set<String> columns) {
        assertEquals(List.of(), CustomColumnSql.problems(sql, columns), () -> "problems of " + sql);
    }

    // ---------------------------------------------------------------------------------------------
    // Rejected: hostile text, each with the problem it must be reported for
    // ---------------------------------------------------------------------------------------------

    static final String STATEMENT = "not a statement";
    static final String SUBQUERY = "must not contain a subquery";
    static final String COMMENT = "must not contain comments";
    static final String SEMICOLON = "must not contain ';'";
    static final String OTHER_TABLE = "must not reference another table";
    static final String INVALID = "is not a valid SQL expression";

    static Stream<Arguments> hostile() {
        return Stream.of(
                // Stacked queries and statements
                Arguments.of("1; DROP TABLE users", SEMICOLON),
                Arguments.of("1; SELECT 2", SEMICOLON),
                Arguments.of("quantity; DELETE FROM orders", SEMICOLON),
                Arguments.of("pg_sleep(10); --", SEMICOLON),
                Arguments.of("1 OR 1=1;", SEMICOLON),
                Arguments.of("`;DROP TABLE t;--`", SEMICOLON),
                Arguments.of("[x]; DROP TABLE t", SEMICOLON),
                Arguments.of("SELECT 1", STATEMENT),
                Arguments.of("sElEcT password FROM users", STATEMENT),
                Arguments.of("SELECT\tpassword\nFROM users", STATEMENT),
                Arguments.of("1 UNION SELECT password FROM users", STATEMENT),
                Arguments.of("1 UNION ALL SELECT 1", STATEMENT),
                Arguments.of("1 INTERSECT SELECT 1", STATEMENT),
                Arguments.of("(SELECT 1) UNION (SELECT 2)", STATEMENT),
                Arguments.of("WITH x AS (SELECT 1) SELECT * FROM x", STATEMENT),
                Arguments.of("DROP TABLE x", STATEMENT),
                Arguments.of("quantity\nDROP TABLE orders", STATEMENT),
                Arguments.of("DELETE FROM x", STATEMENT),
                Arguments.of("INSERT INTO users VALUES (1)", STATEMENT),
                Arguments.of("UPDATE users SET admin = true", STATEMENT),
                Arguments.of("ALTER TABLE users ADD x int", STATEMENT),
                Arguments.of("CREATE TABLE x (a int)", STATEMENT),
                Arguments.of("GRANT ALL ON x TO y", STATEMENT),
                Arguments.of("REVOKE ALL ON x FROM y", STATEMENT),
                Arguments.of("TRUNCATE TABLE orders", STATEMENT),
                Arguments.of("MERGE INTO t USING s ON (1 = 1)", STATEMENT),
                Arguments.of("CALL do_something()", STATEMENT),
                Arguments.of("EXEC xp_cmdshell 'dir'", STATEMENT),
                Arguments.of("EXECUTE IMMEDIATE 'DROP TABLE x'", STATEMENT),
                Arguments.of("WAITFOR DELAY '0:0:10'", STATEMENT),
                // DROP TABLE in fullwidth letters, which NFKC folds to ASCII
                Arguments.of("\uFF24\uFF32\uFF2F\uFF30 \uFF34\uFF21\uFF22\uFF2C\uFF25 x", STATEMENT),
                // Subqueries
                Arguments.of("(SELECT max(id) FROM orders)", SUBQUERY),
                Arguments.of("EXISTS (SELECT 1)", SUBQUERY),
                Arguments.of("id IN (SELECT id FROM t)", SUBQUERY),
                Arguments.of("x = ANY (SELECT id FROM t)", SUBQUERY),
                Arguments.of("CASE WHEN (SELECT 1) = 1 THEN 1 END", SUBQUERY),
                Arguments.of("COALESCE((SELECT secret FROM vault), 0)", SUBQUERY),
                Arguments.of("SUM(amount) OVER (PARTITION BY (SELECT 1))", SUBQUERY),
                Arguments.of("(VALUES (1))", SUBQUERY),
                // Comments, wherever a database might see one
                Arguments.of("col -- comment", COMMENT),
                Arguments.of("-- comment\nquantity", COMMENT),
                Arguments.of("col /* c */", COMMENT),
                Arguments.of("/* /* */ */ col", COMMENT),
                Arguments.of("/*!50000 DROP */ 1", COMMENT),
                Arguments.of("quantity # comment", COMMENT),
                Arguments.of("quantity // comment", COMMENT),
                Arguments.of("quantity */", COMMENT),
                Arguments.of("'it''s' -- x", COMMENT),
                // Broken quoting
                Arguments.of("x' OR '1'='1", INVALID),
                Arguments.of("' OR 1=1", "string literal that is never closed"),
                Arguments.of("\"unclosed", "quoted name that is never closed"),
                Arguments.of("'a\\' || '; DROP TABLE t; --'", "backslash before a quote"),
                Arguments.of("q'[ it's ]'", "q'...' quoting"),
                Arguments.of("q'{'}' ; drop --'", "q'...' quoting"),
                Arguments.of("$$ ' $$", "'$'"),
                Arguments.of("$tag$ x $tag$", "'$'"),
                // Parameters, variables, driver escapes
                Arguments.of("?", "'?'"),
                Arguments.of("quantity + ?", "'?'"),
                Arguments.of("$1", "'$'"),
                Arguments.of(":name", "named parameters"),
                Arguments.of("quantity * :factor", "named parameters"),
                Arguments.of("@@version", "'@'"),
                Arguments.of("@var := 1", "'@'"),
                Arguments.of("{call evil()}", "'{'"),
                Arguments.of("{fn user()}", "'{'"),
                // Other tables and schemas
                Arguments.of("other.col", OTHER_TABLE + " ('other.col')"),
                Arguments.of("public.orders.col", OTHER_TABLE + " ('public.orders.col')"),
                Arguments.of("db.public.orders.col", OTHER_TABLE),
                Arguments.of("quantity * prices.unit_price", OTHER_TABLE + " ('prices.unit_price')"),
                Arguments.of("COUNT(users.*)", OTHER_TABLE),
                Arguments.of("pg_catalog.pg_sleep(10)", "function of another schema ('pg_catalog.pg_sleep')"),
                Arguments.of("dbo.xp_cmdshell('dir')", "function of another schema"),
                // Functions that act on the server
                Arguments.of("pg_sleep(10)", "must not call 'pg_sleep'"),
                // Functions that run SQL handed to them as text, or reach beyond the expression:
                // a denylist missed these, the allowlist refuses anything it does not know.
                Arguments.of("ts_stat('SELECT to_tsvector(ssn) FROM other_tenant.customers')",
                        "must not call 'ts_stat'"),
                Arguments.of("ts_rewrite('a & b'::tsquery, 'SELECT t, s FROM aliases')", "must not call 'ts_rewrite'"),
                Arguments.of("dblink_connect_u('host=evil')", "must not call 'dblink_connect_u'"),
                Arguments.of("lo_get(16409)", "must not call 'lo_get'"),
                Arguments.of("pg_notify('channel', status)", "must not call 'pg_notify'"),
                Arguments.of("pg_ls_waldir()", "must not call 'pg_ls_waldir'"),
                Arguments.of("my_custom_udf(quantity)", "must not call 'my_custom_udf'"),
                Arguments.of("SLEEP(5)", "must not call 'SLEEP'"),
                Arguments.of("BENCHMARK(1000000, MD5('x'))", "must not call 'BENCHMARK'"),
                Arguments.of("dblink_exec('host=evil', 'DROP TABLE t')", "must not call 'dblink_exec'"),
                Arguments.of("query_to_xml('select * from secrets', true, true, '')", "must not call 'query_to_xml'"),
                Arguments.of("pg_read_file('/etc/passwd')", "must not call 'pg_read_file'"),
                Arguments.of("load_file('/etc/passwd')", "must not call 'load_file'"),
                Arguments.of("nextval('orders_id_seq')", "must not call 'nextval'"),
                Arguments.of("NEXT VALUE FOR seq", "must not advance a sequence"),
                // Not one expression
                Arguments.of("quantity AS total", INVALID + ": unexpected 'AS' at column 10"),
                Arguments.of("quantity, unit_price", INVALID + ": unexpected ','"),
                Arguments.of("quantity unit_price", INVALID),
                Arguments.of("*", "must not use '*' other than in COUNT(*)"),
                Arguments.of("quantity * *", "must not use '*'"),
                Arguments.of("quantity\\", "backslash outside a string literal"),
                Arguments.of("quantity *", INVALID + ": it ends too early"),
                Arguments.of("(quantity", INVALID),
                Arguments.of("quantity\n  * / unit_price", INVALID + ": unexpected '/' at line 2, column 5"),
                Arguments.of("quantity \u00A7 2", INVALID + ": it has U+00A7 (SECTION SIGN) at column 10, which SQL"
                        + " reads neither as part of a name nor as an operator"),
                Arguments.of("'\u00A7' || quantity\n  + \u00A7 2", INVALID + ": it has U+00A7 (SECTION SIGN) at line 2,"
                        + " column 5"),
                Arguments.of("quantity + \u20AC", INVALID + ": it has U+20AC (EURO SIGN) at column 12"),
                Arguments.of("quantity\u00A0+ 1", INVALID + ": it has U+00A0 (NO-BREAK SPACE) at column 9"),
                // Characters a reader cannot see, or mistakes for others
                Arguments.of("quantity\u0000", "control characters (U+0000 (NULL))"),
                Arguments.of("quantity\u0007 * unit_price", "control characters (U+0007"),
                Arguments.of("\u001B[2Jquantity", "control characters (U+001B"),
                Arguments.of("quantity\u200B* unit_price", "invisible formatting characters such as U+200B"),
                Arguments.of("\uFEFFquantity", "U+FEFF"),
                Arguments.of("quantity \u202E * unit_price", "U+202E"),
                Arguments.of("quantity\u2066 + 1\u2069", "U+2066"),
                Arguments.of("quantity\u200D", "U+200D"),
                Arguments.of("quantity\u2028+ 1", "U+2028"),
                Arguments.of("status = 'a\uDB40\uDC20'", "U+E0020"), // a tag character, invisible
                Arguments.of("1\uFF1B DROP TABLE x", "U+FF1B (FULLWIDTH SEMICOLON)"),
                Arguments.of("x\u037E DROP TABLE y", "U+037E"),
                Arguments.of("status = 'a\u2019 OR 1=1", "U+2019"),
                Arguments.of("\uFF07 OR 1=1", "U+FF07"),
                Arguments.of("\"a\" = \u201Cb\u201D", "U+201C"),
                Arguments.of("quantity \u2212\u2212 comment", "U+2212"),
                Arguments.of("quantity \uFF0D\uFF0D comment", "U+FF0D"),
                Arguments.of("a\uD800", "unpaired surrogate"),
                // Size and depth
                Arguments.of("1 + ".repeat(1250) + "1", "at most 4000 characters, not 5001"),
                Arguments.of("(".repeat(40) + "1" + ")".repeat(40), "more than 32 levels deep"),
                Arguments.of("CASE WHEN a THEN ".repeat(40) + "1" + " END".repeat(40), "more than 32 levels deep"),
                Arguments.of("f(".repeat(1300) + "1" + ")".repeat(1300), "more than 32 levels deep"),
                // Quoting some database reads differently from the parser: the text after it would
                // be a second statement there (SQL Server reads [ ' ] as a quoted name).
                Arguments.of("quantity['] FROM orders; DROP TABLE orders; --']", "'[' or ']'"),
                Arguments.of("[quantity]", "'[' or ']'"),
                Arguments.of("quantity[1]", "'[' or ']'"),
                Arguments.of("ARRAY[1, 2]", "'[' or ']'"),
                Arguments.of("CONCAT(`x'`, ' FROM t; DROP TABLE t; --')", "'`'"),
                Arguments.of("`quantity`", "'`'"),
                Arguments.of("E'it\\'s' || '; DROP TABLE t; --'", "backslash before a quote"),
                // Casts that look objects up in the system catalog, or to anything but a plain type
                Arguments.of("'pg_authid'::regclass", "must not cast to 'regclass'"),
                Arguments.of("CAST('pg_sleep' AS regproc)", "must not cast to 'regproc'"),
                Arguments.of("quantity::regtype", "must not cast to 'regtype'"),
                Arguments.of("CAST(status AS pg_catalog.regclass)", "must not cast to 'pg_catalog.regclass'"),
                Arguments.of("status::\"regnamespace\"", "must not cast to 'regnamespace'"),
                Arguments.of("TRY_CAST(status AS regclass)", "must not cast to 'regclass'"),
                Arguments.of("CAST(status AS my_enum)", "must not cast to 'my_enum'"),
                // Strings of any size
                Arguments.of("repeat('x', 1000000000)", "repeat a length that is a whole number from 0 to 1000"),
                Arguments.of("lpad('x', 2147483647, 'y')", "lpad a length that is a whole number from 0 to 1000"),
                Arguments.of("rpad(status, quantity, 'x')", "rpad a length that is a whole number"),
                Arguments.of("repeat(status, 1001)", "repeat a length"),
                Arguments.of("replace(replace(status, 'a', 'aaaa'), 'a', 'aaaa')", "must not put 'replace' inside"),
                Arguments.of("regexp_replace(repeat('ab', 1000), 'a', 'aaaa')", "must not put 'repeat' inside"),
                Arguments.of("format('%1000000000s', 'x')", "must not call 'format'"),
                // Window functions go through the allowlist like any call
                Arguments.of("pg_sleep(10) OVER ()", "must not call 'pg_sleep'"),
                Arguments.of("dblink_exec('host=evil', 'DROP TABLE t') OVER (PARTITION BY status)",
                        "must not call 'dblink_exec'"),
                Arguments.of("SUM(amount) OVER (ORDER BY order_date ROWS BETWEEN pg_sleep(1) PRECEDING AND "
                        + "CURRENT ROW)", "must not call 'pg_sleep'"),
                // Longer than the parser's stack may follow, whichever thread checks it
                Arguments.of("a + ".repeat(500) + "a", "at most 1000 words, numbers, literals and operators, not 1001"),
                // Empty
                Arguments.of("", "required"),
                Arguments.of(" \t\n", "required"));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void rejectsHostileTextWithTheReason(String sql, String reason) {
        assertRejected(sql, null, reason);
        CustomColumnSql.problems(sql, null).forEach(ClientTerms::assertInClientTerms);
    }

    @Test
    void theHostileCorpusIsLargeAndHasNoRepeats() {
        List<Object> sqls = hostile().map(arguments -> arguments.get()[0]).toList();
        assertTrue(sqls.size() >= 50, "at least 50 hostile expressions, not " + sqls.size());
        assertEquals(sqls.size(), Set.copyOf(sqls).size(), "each hostile expression once");
    }

    @Test
    void rejectsNull() {
        assertEquals(List.of("is required and must not be empty or blank"), problems(null));
    }

    @Test
    void reportsEachKindOfProblemOnceAndDoesNotParseWhatIsAlreadyUnsafe() {
        List<String> problems = problems("1; DROP TABLE a; DROP TABLE b -- x -- y");
        assertEquals(List.of("must not contain ';'", "must not contain comments ('--')",
                "must be a single expression, not a statement (found DROP)"), problems);
    }

    @Test
    void namesEveryStatementKeywordFound() {
        assertEquals(List.of("must be a single expression, not a statement (found DELETE)",
                "must not contain a subquery"), problems("x IN (SELECT id FROM t) OR DELETE"));
        assertEquals(List.of("must be a single expression, not a statement (found UNION, SELECT)"),
                problems("1 UNION SELECT 2"));
    }

    @Test
    void rejectsFiveThousandCharactersWithoutLookingFurther() {
        String sql = "quantity + ".repeat(454) + "1;DROP";
        assertEquals(5_000, sql.length());
        assertEquals(List.of("must be at most 4000 characters, not 5000"), problems(sql));
    }

    @Test
    void countsCharactersNotUtf16Units() {
        String fourThousandEmoji = "'" + "\uD83D\uDE00".repeat(3_998) + "'";
        assertEquals(List.of(), problems(fourThousandEmoji), "4000 code points are allowed");
        assertRejected("'" + "\uD83D\uDE00".repeat(3_999) + "'", null, "not 4001");
    }

    @Test
    void namesTheInvisibleCharacterSoItCanBeFound() {
        assertEquals(List.of("must not contain invisible formatting characters such as U+200B (ZERO WIDTH SPACE)"),
                problems("quantity\u200B * unit_price"));
    }

    @Test
    void rejectsLookAlikesInsideStringLiteralsToo() {
        // A best-fit conversion would make this quote real and end the literal early.
        assertRejected("CONCAT(first_name, '\u2019; DROP TABLE t; --')", null, "U+2019");
    }

    @Test
    void refusesTheFirstQuoteLookAlikeButNotTheCharacterBeforeIt() {
        assertEquals(List.of("must not contain U+2018 (LEFT SINGLE QUOTATION MARK): it imitates SQL punctuation, "
                + "which some databases and drivers turn it into; write plain ASCII quotes, dashes and semicolons"),
                problems("CONCAT(first_name, '\u2018')"));
        assertEquals(List.of(), problems("CONCAT(first_name, '\u2017')"), "U+2017 (DOUBLE LOW LINE) imitates nothing");
    }

    /** Input shaped to make a recursive-descent parser slow or overflow its stack, each answered quickly. */
    @ParameterizedTest
    @ValueSource(ints = {32, 33, 200, 1999})
    void answersDeepNestingQuickly(int depth) {
        List<String> shapes = List.of(
                "(".repeat(depth) + "1" + ")".repeat(depth) + " x",
                "f(".repeat(depth) + "1 1" + ")".repeat(depth),
                "(".repeat(depth) + "1",
                "CASE WHEN ".repeat(depth) + "a" + " THEN 1 END".repeat(depth),
                "ARRAY[".repeat(depth) + "1" + "]".repeat(depth),
                "(a + (b * ".repeat(depth / 2) + "1" + "))".repeat(depth / 2) + ")");
        for (String shape : shapes) {
            // Cut to the length limit, and never a valid expression, so each must be found out.
            String sql = (shape.length() > 3_990 ? shape.substring(0, 3_990) : shape) + " 1";
            List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> problems(sql), sql);
            assertFalse(problems.isEmpty(), () -> "accepted: " + sql);
        }
    }

    /**
     * Each dialect's quoting forms: accepted only where every database ends the quoted text
     * at the same place as the parser does, so nothing after it can be read as a statement.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("quotingForms")
    void acceptsOnlyQuotingEveryDatabaseEndsAtTheSamePlace(String dialect, String sql, boolean accepted) {
        assertEquals(accepted, problems(sql).isEmpty(), () -> dialect + " " + sql + ": " + problems(sql));
    }

    static Stream<Arguments> quotingForms() {
        return Stream.of(
                Arguments.of("standard string", "'it''s'", true),
                Arguments.of("standard name (a string in MySQL)", "\"Total \"\"Amount\"\"\"", true),
                Arguments.of("national string", "N'naïve'", true),
                Arguments.of("PostgreSQL Unicode escapes", "U&'d\\0061t'", true),
                Arguments.of("MySQL backslash escape", "'it\\'s'", false),
                Arguments.of("PostgreSQL escape string", "E'it\\'s'", false),
                Arguments.of("SQL Server bracket name", "[Total Amount]", false),
                Arguments.of("MySQL backtick name", "`Total Amount`", false),
                Arguments.of("PostgreSQL dollar quoting", "$$it's$$", false),
                Arguments.of("PostgreSQL tagged dollar quoting", "$q$it's$q$", false),
                Arguments.of("Oracle alternative quoting", "q'[it's]'", false),
                Arguments.of("Oracle national alternative quoting", "nq'[it's]'", false));
    }

    @Test
    void refusesTheBracketInjectionWithAKnownSchemaToo() {
        assertRejected("quantity['] FROM orders; DROP TABLE orders; --']", ORDERS, "'[' or ']'");
    }

    @Test
    void judgesTheSameWhicheverThreadChecks() throws InterruptedException {
        int deepest = SqlLexicalCheck.MAX_NESTING;
        List<String> sqls = List.of("quantity + ".repeat(363) + "1", "a + ".repeat(500) + "a",
                "(".repeat(deepest) + "a + ".repeat(400) + "a" + ")".repeat(deepest),
                "CASE WHEN a THEN ".repeat(deepest) + "1" + " END".repeat(deepest));
        for (long stack : new long[] {64 * 1024, 16 * 1024 * 1024}) {
            for (String sql : sqls) {
                List<List<String>> answer = new java.util.ArrayList<>();
                Thread caller = new Thread(null, () -> answer.add(problems(sql)), "caller", stack);
                caller.start();
                caller.join();
                assertEquals(List.of(problems(sql)), answer, () -> "with a " + stack + "-byte stack: " + sql);
            }
        }
        assertEquals(List.of(), problems(sqls.get(0)), "363 operators fit");
        assertEquals(List.of(), problems(sqls.get(2)), "400 operators at the deepest nesting fit");
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        String sql = "(".repeat(SqlLexicalCheck.MAX_NESTING) + "quantity" + ")".repeat(SqlLexicalCheck.MAX_NESTING);
        assertAccepted(sql, ORDERS);
    }

    @Test
    void acceptsThirtyThreeCaseExpressionsSideBySide() {
        String sql = String.join(" + ", java.util.Collections.nCopies(SqlLexicalCheck.MAX_NESTING + 1,
                "CASE WHEN quantity = 1 THEN 1 END"));
        assertAccepted(sql, ORDERS);
    }

    @Test
    void refusesACaseNestedMoreThan32Deep() {
        assertAccepted(nestedCase(SqlLexicalCheck.MAX_NESTING), ORDERS);
        assertEquals(List.of("must not nest parentheses or CASE more than 32 levels deep"),
                CustomColumnSql.problems(nestedCase(SqlLexicalCheck.MAX_NESTING + 1), ORDERS));
    }

    private static String nestedCase(int depth) {
        return "CASE WHEN quantity = 1 THEN ".repeat(depth) + "1" + " END".repeat(depth);
    }

    /** Statement words that are also functions, MySQL's string INSERT and numeric TRUNCATE. */
    @ParameterizedTest
    @ValueSource(strings = {"INSERT(first_name, 1, 2, last_name)", "insert (first_name, 1, 0, 'Dr ')",
        "TRUNCATE(amount, 2)", "truncate (amount / 3, 0)"})
    void acceptsTheFunctionsNamedLikeStatements(String sql) {
        assertAccepted(sql, ORDERS);
    }

    @Test
    void acceptsLongChainsThatAreNotDeep() {
        String sql = "quantity + ".repeat(363) + "1";
        assertTrue(sql.length() > 3_990 && sql.length() <= CustomColumnSql.MAX_LENGTH);
        assertAccepted(sql, ORDERS);
    }

    // ---------------------------------------------------------------------------------------------
    // Accepted: what the documentation shows and what people write
    // ---------------------------------------------------------------------------------------------

    static Stream<String> documented() {
        return Stream.of(
                "quantity * unit_price",
                "EXTRACT(YEAR FROM order_date)",
                "CONCAT(first_name, ' ', last_name)",
                "CASE WHEN status = 'active' THEN 1 ELSE 0 END");
    }

    static Stream<String> realistic() {
        return Stream.of(
                "SUM(amount)",
                "SUM(amount) / 100.0",
                "COUNT(*)",
                "COUNT(DISTINCT customer_id)",
                "COUNT(1) FILTER (WHERE status = 'active')",
                "CAST(quantity AS INTEGER)",
                "CAST(order_date AS DATE)",
                "quantity::int",
                "COALESCE(discount, 0)",
                "NULLIF(quantity, 0)",
                "unit_price / NULLIF(quantity, 0)",
                "status IN ('active', 'pending')",
                "status NOT IN ('cancelled')",
                "amount BETWEEN 10 AND 100",
                "first_name LIKE 'A%'",
                "discount IS NULL",
                "discount IS NOT NULL",
                "first_name || ' ' || last_name",
                "(quantity + 1) * unit_price",
                "-amount",
                "amount * -1",
                "-42",
                "-3.5",
                "ROUND(amount * 1.2, 2)",
                "UPPER(TRIM(first_name))",
                "TRIM(BOTH ' ' FROM first_name)",
                "SUBSTRING(first_name FROM 1 FOR 1)",
                "CASE status WHEN 'a' THEN 'Active' WHEN 'p' THEN 'Pending' ELSE 'Other' END",
                "CASE WHEN amount > 1000 THEN 'high' WHEN amount > 100 THEN 'medium' ELSE 'low' END",
                "DATE_TRUNC('month', order_date)",
                "EXTRACT(MONTH FROM order_date)",
                "order_date + INTERVAL '1' DAY",
                "CURRENT_DATE - order_date",
                "created_at AT TIME ZONE 'UTC'",
                "LENGTH(first_name) > 3",
                "GREATEST(amount, 0)",
                "ABS(amount - 100)",
                "amount % 2 = 0",
                "SUM(amount) OVER (PARTITION BY customer_id ORDER BY order_date)",
                "CONCAT(first_name, '; ', last_name)",
                "'It''s -- not a comment /* nor this */ # nor this'",
                "CASE WHEN status = 'update' THEN 'Delete; then select ?' END",
                "\"Total Amount\" * 2",
                "CONCAT('合計: ', amount)",
                "status = 'naïve café'",
                "quantity\n  * unit_price\r\n\t+ 0",
                "first_name ~ '^[A-Z]\\d*$'",
                "COUNT(*) OVER ()",
                "COUNT(*) OVER (PARTITION BY customer_id)",
                "ROW_NUMBER() OVER (ORDER BY order_date)",
                "LAG(amount, 1) OVER (PARTITION BY customer_id ORDER BY order_date)",
                "CAST(amount AS NUMERIC(10, 2))",
                "CAST(amount AS DOUBLE PRECISION)",
                "CAST(order_date AS TIMESTAMP WITH TIME ZONE)",
                "CAST(status AS VARCHAR(20))",
                "repeat('*', 5)",
                "lpad(first_name, 20, ' ')",
                "replace(first_name, ' ', '_')",
                "N'naïve'",
                "payload->>'country'",
                "TRUE",
                "NULL",
                "'text'");
    }

    @ParameterizedTest
    @MethodSource("documented")
    void acceptsTheDocumentedExamples(String sql) {
        assertAccepted(sql, null);
    }

    @ParameterizedTest
    @MethodSource("realistic")
    void acceptsRealisticExpressions(String sql) {
        assertAccepted(sql, null);
    }

    /** Function names, keywords, literals and built-in values are not read as columns. */
    @ParameterizedTest
    @MethodSource({"documented", "realistic"})
    void acceptsTheSameExpressionsAgainstTheTablesColumns(String sql) {
        assertAccepted(sql, ORDERS);
    }

    @Test
    void theAcceptedCorpusIsLargeEnough() {
        assertEquals(4, documented().count());
        assertTrue(realistic().count() >= 20);
    }

    // ---------------------------------------------------------------------------------------------
    // Columns, when the table's columns are known
    // ---------------------------------------------------------------------------------------------

    @Nested
    class KnownColumns {
        @Test
        void reportsAnUnknownColumnWithTheClosestName() {
            assertEquals(List.of("references unknown column 'quantiy' (did you mean 'quantity'?)"),
                    CustomColumnSql.problems("quantiy * unit_price", ORDERS));
        }

        @Test
        void matchesNamesCaseSensitivelyAndSuggestsTheOtherCase() {
            assertEquals(List.of("references unknown column 'Quantity' (did you mean 'quantity'?)"),
                    CustomColumnSql.problems("Quantity * unit_price", ORDERS));
        }

        @Test
        void reportsAnUnknownColumnWithoutAHintWhenNothingIsClose() {
            assertEquals(List.of("references unknown column 'qty'"),
                    CustomColumnSql.problems("qty * unit_price", ORDERS));
        }

        /**
         * A name gets a hint within 1 edit up to 5 characters, 2 from 6 characters, and never
         * more than 3; a shorter name's start (4 characters or more) is a hint too.
         */
        @ParameterizedTest(name = "{0} for {1}: {2}")
        @CsvSource({
            "ab, ax, true",
            "ab, xy, false",
            "prise, price, true",
            "brise, price, false",
            "amoxnx, amount, true",
            "axoxnx, amount, false",
            "crXated_dXtX, created_date, true",
            "XrXated_dXtX, created_date, false",
            "tena, tenant_id, true",
            "ten, tenant_id, false"})
        void suggestsAColumnOnlyWithinTheEditDistanceAllowed(String given, String column, boolean suggested) {
            List<String> problems = CustomColumnSql.problems(given, Set.of(column));
            assertEquals(List.of("references unknown column '" + given + "'"
                    + (suggested ? " (did you mean '" + column + "'?)" : "")), problems);
        }

        @Test
        void comparesNamesOfAtMostAHundredCharacters() {
            String hundred = "a".repeat(100);
            String hundredAndOne = "a".repeat(50) + "b" + "a".repeat(50);
            assertTrue(suggests("a".repeat(50) + "b" + "a".repeat(49), hundred), "one edit, 100 characters each");
            assertFalse(suggests(hundredAndOne, hundred), "one edit, a name of 101 characters");
            assertFalse(suggests(hundred, hundredAndOne), "one edit, a column of 101 characters");
        }

        private boolean suggests(String given, String column) {
            List<String> problems = CustomColumnSql.problems(given, Set.of(column));
            assertEquals(1, problems.size(), problems::toString);
            return problems.get(0).endsWith("(did you mean '" + column + "'?)");
        }

        @Test
        void reportsEachUnknownColumnOnceInTheOrderWritten() {
            assertEquals(List.of("references unknown column 'foo'", "references unknown column 'bar'"),
                    CustomColumnSql.problems("foo + bar * foo - COALESCE(foo, bar)", ORDERS));
        }

        @Test
        void acceptsKnownColumns() {
            assertAccepted("quantity * unit_price - COALESCE(discount, 0)", ORDERS);
        }

        @Test
        void readsAQuotedNameWithoutItsQuotes() {
            assertAccepted("\"Total Amount\" + 1", ORDERS);
            assertRejected("\"Total amount\" + 1", ORDERS,
                    "unknown column 'Total amount' (did you mean 'Total Amount'?)");
        }

        @Test
        void doesNotTakeFunctionNamesKeywordsOrLiteralsForColumns() {
            assertAccepted("UPPER(first_name) || LOWER('x') || EXTRACT(YEAR FROM order_date)", Set.of("first_name",
                    "order_date"));
            assertAccepted("CASE WHEN status = 'quantity' THEN TRUE ELSE FALSE END", Set.of("status"));
            assertAccepted("COALESCE(NULL, CURRENT_DATE, CURRENT_TIMESTAMP)", Set.of());
            assertAccepted("CAST(1 AS INTEGER) + INTERVAL '1' DAY", Set.of());
        }

        @Test
        void aBuiltInValueStillMatchesAColumnOfThatName() {
            assertAccepted("\"user\" || ''", Set.of("user"));
            assertRejected("\"user\" || ''", Set.of("name"), "unknown column 'user'");
        }

        /** Places the visitor adapter of JSqlParser does not walk by itself. */
        @ParameterizedTest
        @ValueSource(strings = {
                "SUBSTRING(nope FROM 1 FOR 2)",
                "SUBSTRING(first_name FROM nope FOR 2)",
                "TRIM(BOTH ' ' FROM nope)",
                "TRIM(LEADING 'x' FROM nope)",
                "TRIM(nope)",
                "TRIM(nope FROM first_name)",
                "TRIM(LEADING nope FROM first_name)",
                "ROUND(amount)(nope)",
                "SUM(amount) OVER (PARTITION BY nope)",
                "SUM(amount) OVER (ORDER BY nope)",
                "COUNT(1) FILTER (WHERE nope > 1)",
                "CASE nope WHEN 1 THEN 2 END",
                "CAST(nope AS INTEGER)",
                "EXTRACT(YEAR FROM nope)",
                "nope BETWEEN 1 AND 2",
                "status IN (nope, 'x')"})
        void findsColumnsEverywhereInTheExpression(String sql) {
            assertEquals(List.of("references unknown column 'nope'"), CustomColumnSql.problems(sql, ORDERS));
        }

        @Test
        void ignoresColumnNamesWhenTheTablesColumnsAreUnknown() {
            assertAccepted("anything_at_all * whatever", null);
        }

        @Test
        void stillReportsOtherTablesWhenTheColumnIsKnown() {
            assertEquals(List.of("must not reference another table ('orders.quantity'): name a column of this table "
                    + "alone"), CustomColumnSql.problems("orders.quantity", ORDERS));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Through the validator: each problem is a violation at the sql field's path
    // ---------------------------------------------------------------------------------------------

    @Nested
    class ThroughTheValidator {
        private final DatamartValidator validator = new DatamartValidator();

        /** The documented body with a fourth column, a custom one, so at tableList[0].columns[3]. */
        ObjectNode withCustomColumn(String sql) {
            ObjectNode body = Fixtures.documentedCreateBody();
            ArrayNode columns = (ArrayNode) body.get("tableList").get(0).get("columns");
            columns.addObject().put("name", "order_year").put("isCustomColumn", true).put("sql", sql);
            return body;
        }

        List<Violation> violations(ObjectNode body) {
            return assertThrows(InvalidRequestException.class, () -> validator.validateCreate(body)).violations();
        }

        @Test
        void acceptsTheDocumentedExpression() {
            DatamartDefinition definition = validator.validateCreate(withCustomColumn("EXTRACT(YEAR FROM order_date)"));
            Column column = definition.tableList().get(0).columns().get(3);
            assertEquals("EXTRACT(YEAR FROM order_date)", column.sql());
        }

        @Test
        void reportsAStackedQueryAtTheSqlPath() {
            List<Violation> violations = violations(withCustomColumn("1; DROP TABLE users"));
            assertEquals(List.of(new Violation("tableList[0].columns[3].sql", "must not contain ';'"),
                    new Violation("tableList[0].columns[3].sql",
                            "must be a single expression, not a statement (found DROP)")), violations);
        }

        @Test
        void reportsASubqueryAtTheSqlPath() {
            List<Violation> violations = violations(withCustomColumn("(SELECT max(id) FROM orders)"));
            assertEquals(List.of(new Violation("tableList[0].columns[3].sql", "must not contain a subquery")),
                    violations);
        }

        @Test
        void reportsAnotherTableAtTheSqlPath() {
            List<Violation> violations = violations(withCustomColumn("customers.email"));
            assertEquals(1, violations.size(), () -> violations.toString());
            assertEquals("tableList[0].columns[3].sql", violations.get(0).path());
            assertTrue(violations.get(0).message().contains("another table ('customers.email')"));
        }

        @Test
        void reportsTheSqlBesideTheBodysOtherViolations() {
            ObjectNode body = withCustomColumn("quantity -- total");
            body.put("name", "");
            List<Violation> violations = violations(body);
            assertEquals(List.of("name", "tableList[0].columns[3].sql"),
                    violations.stream().map(Violation::path).toList());
        }

        @Test
        void checksUpdatesToo() {
            ObjectNode body = withCustomColumn("pg_sleep(10)");
            body.remove("name");
            body.remove("datasourceName");
            body.put("datamartName", "sales-analytics");
            InvalidRequestException rejected =
                    assertThrows(InvalidRequestException.class, () -> validator.validateUpdate(body));
            assertEquals("tableList[0].columns[3].sql", rejected.violations().get(0).path());
            assertTrue(rejected.violations().get(0).message().contains("must not call 'pg_sleep'"));
        }
    }

    @Test
    void acceptsATextOfExactlyTheMaximumLength() {
        assertAccepted("1" + " ".repeat(CustomColumnSql.MAX_LENGTH - 1), null);
    }

    @Test
    void refusesTheNullCharacterAsAControlCharacter() {
        // U+0000 is code point zero: the first control character, not the absence of one.
        assertEquals("must not contain control characters (U+0000 (NULL))", problems("1\u0000").get(0));
    }

    @Test
    void refusesALookAlikeThatFoldsToAnApostrophe() {
        // The apostrophe is the first of the punctuation marks a look-alike may fold to.
        assertRejected("1 + \uFF07", null, "must not contain U+FF07 (FULLWIDTH APOSTROPHE): it imitates SQL punctuation");
    }
}
