package io.datamart.validation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.NumericBind;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.expression.VariableAssignment;
import net.sf.jsqlparser.expression.WindowElement;
import net.sf.jsqlparser.expression.WindowOffset;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.piped.FromQuery;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;

/**
 * JSqlParser's look at a custom column's sql: the whole text must be one expression, and a
 * walk of its tree finds what a valid expression can still hide. Only this class touches
 * JSqlParser, so its classes load when a body has a custom column and not before.
 */
final class SqlExpressionCheck {
    /**
     * The functions an expression may call: the common scalar, string, date, conditional,
     * aggregate and window functions of the usual SQL dialects. An allowlist, not a denylist:
     * some databases run SQL handed to a function as text (PostgreSQL's ts_stat, query_to_xml),
     * wait, read files or reach other servers, and no list of those can be complete.
     */
    private static final Set<String> ALLOWED_FUNCTIONS = Set.of(
            // numbers
            "abs", "ceil", "ceiling", "floor", "round", "trunc", "truncate", "mod", "power", "pow", "sqrt",
            "cbrt", "exp", "ln", "log", "log10", "log2", "sign", "greatest", "least", "div", "pi", "radians",
            "degrees", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "width_bucket", "random", "rand",
            // strings
            "concat", "concat_ws", "upper", "lower", "initcap", "trim", "ltrim", "rtrim", "btrim", "substring",
            "substr", "left", "right", "length", "len", "char_length", "character_length", "octet_length",
            "replace", "translate", "lpad", "rpad", "position", "strpos", "instr", "charindex", "locate",
            "split_part", "reverse", "repeat", "md5", "sha1", "sha2", "ascii", "chr", "char", "insert",
            "starts_with", "ends_with", "contains", "regexp_replace", "regexp_substr", "regexp_like",
            "regexp_matches", "to_hex", "quote_ident", "string_agg", "listagg", "group_concat", "array_agg",
            // dates and times
            "now", "current_date", "current_time", "current_timestamp", "getdate", "sysdate", "date",
            "date_trunc", "date_part", "datepart", "datename", "dateadd", "datediff", "date_add", "date_sub",
            "date_diff", "timestampadd", "timestampdiff", "timestamp_diff", "age", "make_date",
            "make_timestamp", "to_char", "to_date", "to_timestamp", "to_number", "date_format", "str_to_date",
            "year", "month", "day", "dayofweek", "dayofmonth", "dayofyear", "week", "weekofyear", "quarter",
            "hour", "minute", "second", "last_day", "add_months", "months_between", "extract", "unix_timestamp",
            "from_unixtime", "epoch", "convert_tz", "convert_timezone", "from_utc_timestamp", "to_utc_timestamp",
            "timezone",
            // conditions, nulls and types
            "coalesce", "nullif", "ifnull", "isnull", "nvl", "nvl2", "if", "iif", "decode", "cast",
            "try_cast", "convert", "to_varchar", "to_decimal", "to_double", "safe_cast", "zeroifnull",
            // aggregates
            "count", "sum", "avg", "min", "max", "stddev", "stddev_pop", "stddev_samp", "variance",
            "var_pop", "var_samp", "median", "mode", "percentile_cont", "percentile_disc",
            "approx_count_distinct", "count_if", "bool_and", "bool_or", "every", "any_value", "corr",
            "covar_pop", "covar_samp",
            // windows
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
            "first_value", "last_value", "nth_value");

    /**
     * Functions whose result can be far longer than their input. Their length argument
     * must be a small literal, and none may sit inside another, so that an expression can
     * never ask the database for a string of gigabytes ({@code repeat('x', 1000000000)},
     * or {@code replace} over {@code replace}). PostgreSQL's {@code format}, whose widths
     * build strings just as large, is not on the allowlist at all.
     */
    private static final Set<String> EXPANDING_FUNCTIONS = Set.of("repeat", "lpad", "rpad", "replace",
            "regexp_replace");
    /** The position of the length argument of the expanding functions that take one. */
    private static final java.util.Map<String, Integer> LENGTH_ARGUMENT = java.util.Map.of(
            "repeat", 1, "lpad", 1, "rpad", 1);
    /** The largest length a string builder may be asked for. */
    static final int MAX_BUILT_LENGTH = 1000;

    /**
     * The types a value may be cast to: plain scalar types, written as the usual dialects
     * write them (arguments such as {@code varchar(10)} aside). Not PostgreSQL's catalog
     * types ({@code ::regclass}, {@code ::regproc}, {@code ::regtype}), whose casts look
     * objects up in the system catalog, nor arrays, rows or user-defined types.
     */
    private static final Set<String> CAST_TYPES = Set.of("smallint", "integer", "int", "int2", "int4", "int8",
            "bigint", "tinyint", "mediumint", "decimal", "dec", "numeric", "number", "real", "float", "float4",
            "float8", "double", "double precision", "money", "boolean", "bool", "bit", "char", "character", "nchar",
            "varchar", "varchar2", "nvarchar", "nvarchar2", "character varying", "national character varying",
            "text", "ntext", "string", "clob", "date", "time", "timetz", "timestamp", "timestamptz", "datetime",
            "datetime2", "smalldatetime", "datetimeoffset", "interval", "time with time zone",
            "time without time zone", "timestamp with time zone", "timestamp without time zone",
            "timestamp with local time zone", "signed", "unsigned", "signed integer", "unsigned integer", "uuid",
            "json", "jsonb");

    /**
     * The stack the parser and the tree walk get, whatever thread calls: with at most
     * {@link SqlLexicalCheck#MAX_TOKENS} tokens nested at most {@link SqlLexicalCheck#MAX_NESTING}
     * deep, what is accepted or refused does not depend on where the check runs.
     */
    static final long STACK_BYTES = 4L * 1024 * 1024;

    /** Names the parser may read as columns that are in fact values every database knows. */
    private static final Set<String> BUILT_IN_VALUES = Set.of("TRUE", "FALSE", "NULL", "UNKNOWN", "CURRENT_DATE",
            "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "CURRENT_USER", "SESSION_USER",
            "SYSTEM_USER", "USER", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_CATALOG", "SYSDATE", "SYSTIMESTAMP");

    private SqlExpressionCheck() {
    }

    static List<String> problems(String sql, Set<String> tableColumns) {
        List<List<String>> answer = new ArrayList<>(1);
        Thread check = Thread.ofPlatform().name("custom-column-sql").stackSize(STACK_BYTES)
                .unstarted(() -> answer.add(check(sql, tableColumns)));
        check.start();
        try {
            check.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking a custom column's sql", e);
        }
        if (answer.isEmpty()) {
            throw new IllegalStateException("the check of a custom column's sql failed; see the log");
        }
        return answer.get(0);
    }

    private static List<String> check(String sql, Set<String> tableColumns) {
        try {
            Walk walk = new Walk(tableColumns);
            parse(sql).accept(walk, null);
            return walk.problems();
        } catch (Unreadable e) {
            return List.of("is not a valid SQL expression: " + e.getMessage());
        } catch (StackOverflowError e) {
            // The token and nesting limits keep well below this; the catch is the last line of defence.
            return List.of("is nested too deeply to be checked");
        }
    }

    /** The one expression that is the whole text; nothing may follow it. */
    private static Expression parse(String sql) throws Unreadable {
        try {
            return parse(sql, false);
        } catch (Unreadable fast) {
            // As CCJSqlParserUtil.parseExpression does: the fast mode gives up on some valid
            // nestings that the complex mode reads.
            return parse(sql, true);
        }
    }

    private static Expression parse(String sql, boolean complex) throws Unreadable {
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(complex);
            Expression expression = parser.Expression();
            Token next = parser.getNextToken();
            if (next.kind != CCJSqlParserConstants.EOF) {
                throw new Unreadable(describe(next) + " after a complete expression");
            }
            return expression;
        } catch (ParseException e) {
            Token failed = e.currentToken == null ? null : e.currentToken.next;
            throw new Unreadable(failed == null ? CANNOT_READ : describe(failed));
        } catch (TokenMgrException e) {
            // A character no SQL token starts with. The lexer's message speaks of its own
            // states (and of <EOF> where the character is), so the character is found here.
            throw new Unreadable(unreadableCharacter(sql));
        } catch (RuntimeException e) {
            // A fault of the parser itself: the text is not accepted, and never a 500; its
            // message is about the parser, not the expression, and is not repeated.
            throw new Unreadable(CANNOT_READ);
        }
    }

    private static final String CANNOT_READ = "it cannot be read as one expression";

    /**
     * The first character outside quotes that is neither white space, printable ASCII nor
     * part of a name (a letter or digit of any script): what the lexer stopped at.
     */
    static String unreadableCharacter(String sql) {
        int line = 1;
        int column = 1;
        int quote = 0;
        for (int i = 0; i < sql.length(); ) {
            int c = sql.codePointAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0; // a doubled quote closes and reopens: the same outcome
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (!(c >= 0x21 && c <= 0x7E) && !Character.isWhitespace(c) && !Character.isLetterOrDigit(c)) {
                String where = line > 1 ? "line " + line + ", column " + column : "column " + column;
                return "it has " + CustomColumnSql.describe(c) + " at " + where + ", which SQL reads neither as "
                        + "part of a name nor as an operator";
            }
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            i += Character.charCount(c);
        }
        return "it has a character that SQL reads neither as part of a name nor as an operator";
    }

    private static String describe(Token token) {
        if (token.kind == CCJSqlParserConstants.EOF) {
            return "it ends too early";
        }
        String where = token.beginLine > 1 ? "line " + token.beginLine + ", column " + token.beginColumn
                : "column " + token.beginColumn;
        return "unexpected '" + Strings.quotable(token.image, 40) + "' at " + where;
    }

    /** A name as the database compares it: without its quotes, a doubled quote inside made single. */
    private static String unquote(String name) {
        if (name.length() >= 2) {
            char first = name.charAt(0);
            char last = name.charAt(name.length() - 1);
            if ((first == '"' || first == '`') && last == first) {
                String quote = String.valueOf(first);
                return name.substring(1, name.length() - 1).replace(quote + quote, quote);
            }
        }
        return name;
    }

    /** A parse failure, its message the parser's reason in a few words. */
    private static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Walks every part of the expression. ExpressionVisitorAdapter descends into most nodes; the
     * overrides add what it leaves out (keyword arguments such as SUBSTRING's FROM, TRIM's FROM)
     * and stop at what must not be there. A subquery in a node that no walk reaches is still
     * caught by SqlLexicalCheck, which rejects the word SELECT anywhere.
     */
    private static final class Walk extends ExpressionVisitorAdapter<Void> {
        private final Set<String> tableColumns;
        private final Set<String> problems = new LinkedHashSet<>();
        private final Set<String> unknownColumns = new LinkedHashSet<>();

        Walk(Set<String> tableColumns) {
            this.tableColumns = tableColumns;
        }

        List<String> problems() {
            List<String> result = new ArrayList<>(problems);
            for (String name : unknownColumns) {
                String hint = Suggestions.closest(name, tableColumns).map(s -> " (did you mean '" + s + "'?)")
                        .orElse("");
                result.add("references unknown column '" + Strings.quotable(name, 64) + "'" + hint);
            }
            return result;
        }

        @Override
        public <S> Void visit(Column column, S context) {
            String table = column.getTable() == null ? null : column.getTable().getFullyQualifiedName();
            if (table != null && !table.isEmpty()) {
                // Even this table's own name: the query the expression lands in decides the aliases.
                String written = Strings.quotable(column.getFullyQualifiedName(), 64);
                problems.add("must not reference another table ('" + written + "'): name a column of this table alone");
            } else {
                checkColumn(column.getColumnName());
            }
            if (column.getArrayConstructor() != null) {
                column.getArrayConstructor().accept(this, context);
            }
            return null;
        }

        private void checkColumn(String written) {
            if (tableColumns == null) {
                return;
            }
            String name = unquote(written);
            boolean quoted = !name.equals(written);
            if (tableColumns.contains(name)
                    || (!quoted && BUILT_IN_VALUES.contains(name.toUpperCase(Locale.ROOT)))) {
                return;
            }
            unknownColumns.add(name);
        }

        @Override
        public <S> Void visit(AllTableColumns columns, S context) {
            problems.add("must not reference another table ('" + Strings.quotable(columns.toString(), 64) + "')");
            return null;
        }

        /** How many expanding functions enclose the part being walked. */
        private int expanding;

        /** The function's own name, checked against the allowlist; {@code name} as the parser split it. */
        private String allowedName(List<String> name, String written) {
            if (name != null && name.size() > 1) {
                problems.add("must not call a function of another schema ('" + Strings.quotable(written, 64) + "')");
            }
            String base = name == null || name.isEmpty() ? "" : unquote(name.get(name.size() - 1));
            if (!ALLOWED_FUNCTIONS.contains(base.toLowerCase(Locale.ROOT))) {
                problems.add("must not call '" + Strings.quotable(base, 64) + "': only common number, string, "
                        + "date, conditional, aggregate and window functions are allowed");
            }
            return base;
        }

        /** An expanding function's limits: no other one inside it, and a small literal length. */
        private void checkExpanding(String base, ExpressionList<?> parameters) {
            String lower = base.toLowerCase(Locale.ROOT);
            if (!EXPANDING_FUNCTIONS.contains(lower)) {
                return;
            }
            if (expanding > 0) {
                problems.add("must not put '" + lower + "' inside another of repeat, lpad, rpad, replace and "
                        + "regexp_replace: together they could build strings of any size");
            }
            Integer lengthAt = LENGTH_ARGUMENT.get(lower);
            if (lengthAt != null) {
                Expression length = parameters == null || parameters.size() <= lengthAt ? null
                        : parameters.get(lengthAt);
                if (!(length instanceof LongValue value) || value.getValue() < 0
                        || value.getValue() > MAX_BUILT_LENGTH) {
                    problems.add("must give " + lower + " a length that is a whole number from 0 to "
                            + MAX_BUILT_LENGTH + ", written as a number, not '"
                            + Strings.quotable(String.valueOf(length), 40) + "'");
                }
            }
        }

        @Override
        public <S> Void visit(Function function, S context) {
            String base = allowedName(function.getMultipartName(), function.getName());
            checkExpanding(base, function.getParameters());
            boolean expands = EXPANDING_FUNCTIONS.contains(base.toLowerCase(Locale.ROOT));
            expanding += expands ? 1 : 0;
            walkFunction(function, base, context);
            expanding -= expands ? 1 : 0;
            return null;
        }

        private <S> void walkFunction(Function function, String base, S context) {
            // All parts, not super.visit: the adapter skips keyword arguments such as SUBSTRING's
            // FROM and FOR, and COUNT(*)'s star is the one '*' that is allowed.
            ExpressionList<?> parameters = function.getParameters();
            boolean countAll = base.equalsIgnoreCase("COUNT") && parameters != null && parameters.size() == 1
                    && parameters.get(0).getClass() == AllColumns.class; // not its subclass AllTableColumns, t.*
            if (!countAll) {
                visitAll(parameters, context);
            }
            visitAll(function.getChainedParameters(), context);
            visitAll(function.getNamedParameters(), context);
            if (function.getKeywordArguments() != null) {
                for (Function.KeywordArgument argument : function.getKeywordArguments()) {
                    visitPart(argument.getExpression(), context);
                }
            }
            if (function.getOrderByElements() != null) {
                for (OrderByElement element : function.getOrderByElements()) {
                    visitPart(element.getExpression(), context);
                }
            }
            visitPart(function.getKeep(), context);
            if (function.getHavingClause() != null) {
                visitPart(function.getHavingClause().getExpression(), context);
            }
        }

        /**
         * A window function, {@code f(...) OVER (...)}: the parser keeps its name apart from
         * ordinary calls, so the allowlist is applied here too, and every part is walked.
         */
        @Override
        public <S> Void visit(AnalyticExpression analytic, S context) {
            String base = allowedName(List.of(analytic.getName()), analytic.getName());
            boolean countAll = base.equalsIgnoreCase("COUNT") && (analytic.isAllColumns()
                    || (analytic.getExpression() != null && analytic.getExpression().getClass() == AllColumns.class));
            if (!countAll) {
                visitPart(analytic.getExpression(), context);
            }
            visitPart(analytic.getOffset(), context);
            visitPart(analytic.getDefaultValue(), context);
            visitPart(analytic.getKeep(), context);
            visitPart(analytic.getFilterExpression(), context);
            visitAll(analytic.getPartitionExpressionList(), context);
            for (List<OrderByElement> elements : java.util.Arrays.asList(analytic.getOrderByElements(),
                    analytic.getFuncOrderBy())) {
                if (elements != null) {
                    elements.forEach(element -> visitPart(element.getExpression(), context));
                }
            }
            WindowElement window = analytic.getWindowElement();
            if (window != null) {
                for (WindowOffset offset : new WindowOffset[] {window.getOffset(),
                    window.getRange() == null ? null : window.getRange().getStart(),
                    window.getRange() == null ? null : window.getRange().getEnd()}) {
                    if (offset != null) {
                        visitPart(offset.getExpression(), context);
                    }
                }
            }
            if (analytic.getKeywordArguments() != null) {
                analytic.getKeywordArguments().forEach(argument -> visitPart(argument.getExpression(), context));
            }
            if (analytic.getHavingClause() != null) {
                visitPart(analytic.getHavingClause().getExpression(), context);
            }
            return null;
        }

        /** A cast, {@code CAST(x AS t)} or {@code x::t}: only to a plain scalar type. */
        @Override
        public <S> Void visit(CastExpression cast, S context) {
            ColDataType type = cast.getColDataType();
            // "varchar (10)", "numeric (10, 2)": the type without its arguments.
            String name = type == null || type.getDataType() == null ? ""
                    : unquote(type.getDataType().replaceFirst("\\(.*$", "").strip()).replaceAll("\\s+", " ")
                            .toLowerCase(Locale.ROOT);
            boolean array = type != null && type.getArrayData() != null && !type.getArrayData().isEmpty();
            boolean row = cast.getColumnDefinitions() != null && !cast.getColumnDefinitions().isEmpty();
            if (!CAST_TYPES.contains(name) || array || row) {
                problems.add("must not cast to '" + Strings.quotable(name, 64) + "': only plain number, text, "
                        + "boolean, date and time types are allowed");
            }
            visitPart(cast.getLeftExpression(), context);
            return null;
        }

        @Override
        public <S> Void visit(AllColumns columns, S context) {
            problems.add("must not use '*' other than in COUNT(*)");
            return null;
        }

        @Override
        public <S> Void visit(TrimFunction trim, S context) {
            visitPart(trim.getExpression(), context);
            visitPart(trim.getFromExpression(), context);
            return null;
        }

        private <S> void visitAll(List<? extends Expression> expressions, S context) {
            if (expressions != null) {
                for (Expression expression : expressions) {
                    visitPart(expression, context);
                }
            }
        }

        /** Visits a part that the parser may have left out (null). */
        private <S> void visitPart(Expression part, S context) {
            if (part != null) {
                part.accept(this, context);
            }
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            return subquery();
        }

        @Override
        public <S> Void visit(Select select, S context) {
            return subquery();
        }

        @Override
        public <S> Void visit(FromQuery query, S context) {
            return subquery();
        }

        @Override
        public <S> Void visit(ExistsExpression exists, S context) {
            return subquery();
        }

        @Override
        public <S> Void visit(AnyComparisonExpression any, S context) {
            return subquery();
        }

        private Void subquery() {
            problems.add("must not contain a subquery");
            return null;
        }

        @Override
        public <S> Void visit(JdbcParameter parameter, S context) {
            return parameter(parameter);
        }

        @Override
        public <S> Void visit(JdbcNamedParameter parameter, S context) {
            return parameter(parameter);
        }

        @Override
        public <S> Void visit(NumericBind parameter, S context) {
            return parameter(parameter);
        }

        private Void parameter(Expression parameter) {
            problems.add("must not contain query parameters ('" + Strings.quotable(parameter.toString(), 40) + "')");
            return null;
        }

        @Override
        public <S> Void visit(UserVariable variable, S context) {
            problems.add("must not contain variables ('" + Strings.quotable(variable.toString(), 40) + "')");
            return null;
        }

        @Override
        public <S> Void visit(VariableAssignment assignment, S context) {
            problems.add("must not assign variables");
            return null;
        }

        @Override
        public <S> Void visit(NextValExpression next, S context) {
            problems.add("must not advance a sequence ('" + Strings.quotable(next.toString(), 64) + "')");
            return null;
        }
    }
}
