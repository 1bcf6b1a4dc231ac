package io.datamart.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.domain.Cardinality;
import io.datamart.domain.ClientColumnType;
import io.datamart.domain.Column;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.JoinType;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.domain.TenancyLevel;
import io.datamart.domain.TenancySettings;
import io.datamart.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every rule of the datamart body (CONTRACT.md, "The datamart body"), in one place for
 * all functions. Reads a parsed JSON body, reports all violations at once with their
 * JSON paths, and on success returns the typed request. Beside its violations it records
 * the usable names the body holds ({@link SchemaNames}), so that {@link SchemaChecks}
 * can check every well-formed part of a broken body too.
 */
public final class DatamartValidator {
    public static final int MAX_NAME_LENGTH = 255;
    /**
     * The longest name any of the usual databases takes for a table, column, schema or
     * database (SQL Server and Oracle: 128; PostgreSQL and MySQL take fewer).
     */
    public static final int MAX_IDENTIFIER_LENGTH = 128;

    private static final Set<String> CREATE_FIELDS =
            fields("name", "datasourceName", "tableList", "tenancySettings", "relationships");
    private static final Set<String> UPDATE_FIELDS =
            fields("datamartName", "tableList", "tenancySettings", "relationships", "name", "datasourceName");
    private static final Set<String> DELETE_FIELDS = fields("datamartName");
    private static final Set<String> TABLE_FIELDS =
            fields("name", "schemaName", "clientColumn", "label", "indexPattern", "isHide", "columns");
    private static final Set<String> COLUMN_FIELDS = fields("name", "alias", "label", "isHide",
            "isCustomColumn", "sql", "isAggregate", "isApplyTimezone");
    private static final Set<String> TENANCY_FIELDS = fields("tenancyLevel", "clientColumnType", "schemaName",
            "tableName", "tableClientNameColumn", "tablePrimaryKeyColumn", "primaryDatabase");
    private static final Set<String> RELATIONSHIP_FIELDS = fields("parentTableName", "parentColumnName",
            "childTableName", "childColumnName", "relationshipName", "cardinality", "join");

    /** Characters OpenSearch forbids in index names; {@code *} stays allowed as the wildcard. */
    private static final Pattern INDEX_PATTERN_FORBIDDEN = Pattern.compile("[\\s\\\\/?\"<>|,#]");

    /** Validates a create body: {@code name}, {@code datasourceName}, {@code tableList} and the optional parts. */
    public DatamartDefinition validateCreate(JsonNode body) {
        return readCreate(body).orThrow();
    }

    /**
     * Reads a create body through every rule that needs no schema, throwing at once only
     * when it is not an object: the typed request if it broke none, else its violations,
     * and either way the names it uses, for the datasource's schema to check.
     */
    public ValidatedBody<DatamartDefinition> readCreate(JsonNode body) {
        Violations violations = new Violations();
        SchemaNames names = new SchemaNames();
        ObjectFields root = root(body, CREATE_FIELDS, violations);
        String name = root.requiredString("name");
        if (name != null) {
            checkName(root.path("name"), name, violations);
        }
        String datasourceName = root.requiredString("datasourceName");
        List<Table> tables = tableList(root, violations, names);
        TenancySettings tenancy = root.has("tenancySettings")
                ? tenancySettings(root.get("tenancySettings"), root.path("tenancySettings"), true, violations, names)
                : null;
        List<Relationship> relationships =
                relationships(root.optionalArray("relationships"), root.path("relationships"), violations, names);
        DatamartDefinition definition = violations.isEmpty()
                ? new DatamartDefinition(name, datasourceName, tables, tenancy, relationships)
                : null;
        return new ValidatedBody<>(definition, violations, names, datasourceName);
    }

    /** Validates an update body: {@code datamartName} and at least one part to replace. */
    public DatamartUpdate validateUpdate(JsonNode body) {
        return readUpdate(body).orThrow();
    }

    /** Reads an update body as {@link #readCreate} reads a create body. */
    public ValidatedBody<DatamartUpdate> readUpdate(JsonNode body) {
        Violations violations = new Violations();
        SchemaNames names = new SchemaNames();
        ObjectFields root = root(body, UPDATE_FIELDS, violations);
        String datamartName = root.requiredString("datamartName");
        if (root.has("name")) {
            violations.add(root.path("name"),
                    "cannot be sent in an update: a datamart is renamed by deleting it and creating it again");
        }
        if (root.has("datasourceName")) {
            violations.add(root.path("datasourceName"), "cannot be changed by an update: delete the datamart "
                    + "and create it again with the other datasource");
        }
        if (!root.has("tableList") && !root.has("tenancySettings") && !root.has("relationships")) {
            violations.add("", "must contain at least one of tableList, tenancySettings, relationships");
        }
        List<Table> tables = root.has("tableList") ? tableList(root, violations, names) : null;
        TenancySettings tenancy = root.has("tenancySettings")
                ? tenancySettings(root.get("tenancySettings"), root.path("tenancySettings"), false, violations, names)
                : null;
        List<Relationship> relationships =
                relationships(root.optionalArray("relationships"), root.path("relationships"), violations, names);
        DatamartUpdate update = violations.isEmpty()
                ? new DatamartUpdate(datamartName, tables, tenancy, relationships)
                : null;
        return new ValidatedBody<>(update, violations, names, datamartName);
    }

    /** Validates the legacy delete body, {@code {"datamartName": "..."}}, and returns the name. */
    public String validateDeleteBody(JsonNode body) {
        Violations violations = new Violations();
        ObjectFields root = root(body, DELETE_FIELDS, violations);
        JsonNode value = root.get("datamartName");
        if (value == null || value.isNull() || (value.isTextual() && Strings.isBlank(value.textValue()))) {
            throw InvalidRequestException.of("datamartName is required");
        }
        String name = root.requiredString("datamartName");
        violations.throwIfAny();
        return name;
    }

    /** The delete route's query parameter: present and not blank. */
    public String validateDeleteQuery(List<String> values) {
        if (values == null || values.isEmpty() || values.stream().allMatch(Strings::isBlank)) {
            throw InvalidRequestException.of("datamartName is required");
        }
        if (values.size() > 1) {
            throw InvalidRequestException.of("datamartName must be given once, not " + values.size() + " times");
        }
        String name = values.get(0);
        if (!Strings.isWellFormedUnicode(name)) {
            throw InvalidRequestException.of("datamartName must be valid Unicode");
        }
        return name;
    }

    private static ObjectFields root(JsonNode body, Set<String> allowed, Violations violations) {
        ObjectFields root = ObjectFields.of(body, "", allowed, violations);
        if (root == null) {
            throw InvalidRequestException.of("Request body must be a JSON object, not " + ObjectFields.describe(body));
        }
        return root;
    }

    private static void checkName(String path, String name, Violations violations) {
        int length = name.codePointCount(0, name.length());
        if (length > MAX_NAME_LENGTH) {
            violations.add(path, "must be at most " + MAX_NAME_LENGTH + " characters, not " + length);
        }
        if (Strings.hasControlCharacter(name)) {
            violations.add(path, "must not contain control characters");
        }
    }

    /**
     * A name that reaches SQL as an identifier (a table, column, schema or database name,
     * an alias, a relationship's name): one grammar for all of them, wide enough for real
     * schemas (spaces, Unicode and punctuation are fine: the query builder quotes every
     * identifier) and refusing what no database takes: a blank name, more than
     * {@value #MAX_IDENTIFIER_LENGTH} characters, control characters (NUL among them).
     */
    private static String identifier(ObjectFields object, String field, boolean required) {
        String name = required ? object.requiredString(field) : object.optionalString(field);
        if (name == null) {
            return null;
        }
        String path = object.path(field);
        if (Strings.isBlank(name)) {
            object.violations().add(path, "must not be empty or blank: it is a name");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_IDENTIFIER_LENGTH) {
            object.violations().add(path, "must be at most " + MAX_IDENTIFIER_LENGTH
                    + " characters, not " + length + ": no database takes a longer name");
        }
        if (Strings.hasControlCharacter(name)) {
            object.violations().add(path, "must not contain control characters: no database takes them in a name");
        }
        return name;
    }

    /**
     * The name if it breaks none of the rules {@link #identifier} checks, else null: a name
     * worth looking up in a datasource's schema.
     */
    private static String usable(String name) {
        return name == null || Strings.isBlank(name) || name.codePointCount(0, name.length()) > MAX_IDENTIFIER_LENGTH
                || Strings.hasControlCharacter(name) ? null : name;
    }

    /** Text shown to people, never part of a query: any characters but control characters. */
    private static String displayText(ObjectFields object, String field) {
        String text = object.optionalString(field);
        if (text != null && Strings.hasControlCharacter(text)) {
            object.violations().add(object.path(field), "must not contain control characters");
        }
        return text;
    }

    private static List<Table> tableList(ObjectFields root, Violations violations, SchemaNames names) {
        List<JsonNode> elements = root.requiredNonEmptyArray("tableList");
        String path = root.path("tableList");
        if (root.has("tableList")) {
            names.tableListSent(elements != null);
        }
        if (elements == null) {
            return null;
        }
        List<Table> tables = new ArrayList<>(elements.size());
        Map<List<String>, Integer> seen = new HashMap<>();
        boolean complete = true;
        for (int i = 0; i < elements.size(); i++) {
            String tablePath = JsonPaths.index(path, i);
            Table table = table(elements.get(i), i, tablePath, violations, names);
            // Checked on the raw names, so a repeat is reported even beside a table's other problems.
            List<String> key = tableKey(elements.get(i));
            Integer first = key == null ? null : seen.putIfAbsent(key, i);
            if (first != null) {
                violations.add(tablePath, "repeats " + JsonPaths.index(path, first)
                        + ": two tables have the same schemaName and name");
            }
            if (table == null) {
                complete = false;
            } else {
                tables.add(table);
            }
        }
        return complete ? tables : null;
    }

    /** schemaName and name as sent, if both are usable strings (an absent schemaName is null). */
    private static List<String> tableKey(JsonNode table) {
        JsonNode name = table.path("name");
        JsonNode schemaName = table.path("schemaName");
        if (!name.isTextual() || Strings.isBlank(name.textValue())
                || !(schemaName.isMissingNode() || schemaName.isTextual())) {
            return null;
        }
        // Arrays.asList allows the null of an absent schemaName in the key.
        return java.util.Arrays.asList(schemaName.isTextual() ? schemaName.textValue() : null, name.textValue());
    }

    private static Table table(JsonNode node, int index, String path, Violations violations, SchemaNames names) {
        ObjectFields table = ObjectFields.of(node, path, TABLE_FIELDS, violations);
        if (table == null) {
            return null;
        }
        String name = identifier(table, "name", true);
        String schemaName = identifier(table, "schemaName", false);
        String clientColumn = identifier(table, "clientColumn", false);
        List<SchemaNames.ColumnNames> columnNames = new ArrayList<>();
        names.add(new SchemaNames.TableNames(index, usable(name), usable(schemaName),
                !table.has("schemaName") || usable(schemaName) != null, usable(clientColumn), columnNames));
        String label = displayText(table, "label");
        String indexPattern = table.optionalString("indexPattern");
        if (indexPattern != null) {
            checkIndexPattern(table.path("indexPattern"), indexPattern, violations);
        }
        Boolean isHide = table.optionalBoolean("isHide");
        List<Column> columns =
                columns(table.requiredNonEmptyArray("columns"), table.path("columns"), violations, columnNames);
        if (name == null || columns == null) {
            return null;
        }
        return new Table(name, schemaName, clientColumn, label, indexPattern, isHide, columns);
    }

    private static void checkIndexPattern(String path, String pattern, Violations violations) {
        if (Strings.isBlank(pattern) || INDEX_PATTERN_FORBIDDEN.matcher(pattern).find()
                || "-_+".indexOf(pattern.charAt(0)) >= 0 || !pattern.equals(pattern.toLowerCase(Locale.ROOT))) {
            violations.add(path, "must be an OpenSearch index pattern such as 'logs-*': lowercase, "
                    + "no spaces, none of \\ / ? \" < > | , #, not starting with -, _ or +");
        }
    }

    private static List<Column> columns(List<JsonNode> elements, String path, Violations violations,
            List<SchemaNames.ColumnNames> names) {
        if (elements == null) {
            return null;
        }
        List<Column> columns = new ArrayList<>(elements.size());
        Map<String, Integer> seen = new HashMap<>();
        boolean complete = true;
        for (int i = 0; i < elements.size(); i++) {
            String columnPath = JsonPaths.index(path, i);
            Column column = column(elements.get(i), i, columnPath, violations, names);
            if (column == null) {
                complete = false;
                continue;
            }
            Integer first = seen.putIfAbsent(column.name(), i);
            if (first != null) {
                violations.add(JsonPaths.field(columnPath, "name"),
                        "repeats " + JsonPaths.index(path, first) + ": two columns have the same name");
            }
            columns.add(column);
        }
        return complete ? columns : null;
    }

    private static Column column(JsonNode node, int index, String path, Violations violations,
            List<SchemaNames.ColumnNames> names) {
        ObjectFields column = ObjectFields.of(node, path, COLUMN_FIELDS, violations);
        if (column == null) {
            return null;
        }
        String name = identifier(column, "name", true);
        String alias = identifier(column, "alias", false);
        String label = displayText(column, "label");
        Boolean isHide = column.optionalBoolean("isHide");
        Boolean isCustomColumn = column.optionalBoolean("isCustomColumn");
        String sql;
        String checkableSql = null;
        if (Boolean.TRUE.equals(isCustomColumn)) {
            sql = column.requiredString("sql");
            if (sql != null && !violations.withinSqlBudget(sql)) {
                violations.add(column.path("sql"), "goes past the " + Violations.MAX_SQL_CHARACTERS
                        + " characters of custom-column SQL one datamart may hold in total");
            } else if (sql != null) {
                // null: the table's columns are not known here; SchemaChecks looks the names up
                // when the datasource's schema is known.
                List<String> problems = CustomColumnSql.problems(sql, null);
                for (String problem : problems) {
                    violations.add(column.path("sql"), problem);
                }
                checkableSql = problems.isEmpty() ? sql : null;
            }
        } else {
            sql = null;
            if (column.has("sql")) {
                violations.add(column.path("sql"), "is only allowed on a custom column (isCustomColumn: true)");
            }
        }
        Boolean isAggregate = column.optionalBoolean("isAggregate");
        Boolean isApplyTimezone = column.optionalBoolean("isApplyTimezone");
        // A custom column's name is its own, not one to find in the table; one whose
        // isCustomColumn is broken may be either, so its name is not looked up.
        boolean plain = !column.has("isCustomColumn") || Boolean.FALSE.equals(isCustomColumn);
        names.add(new SchemaNames.ColumnNames(index, plain ? usable(name) : null, checkableSql));
        if (name == null) {
            return null;
        }
        return new Column(name, alias, label, isHide, isCustomColumn, sql, isAggregate, isApplyTimezone);
    }

    private static TenancySettings tenancySettings(JsonNode node, String path, boolean levelRequired,
            Violations violations, SchemaNames names) {
        ObjectFields tenancy = ObjectFields.of(node, path, TENANCY_FIELDS, violations);
        if (tenancy == null) {
            return null;
        }
        TenancyLevel level = levelRequired || tenancy.has("tenancyLevel")
                ? tenancy.requiredEnum("tenancyLevel", TenancyLevel.values())
                : null;
        boolean table = level == TenancyLevel.TABLE;
        ClientColumnType clientColumnType = table
                ? tenancy.requiredEnum("clientColumnType", ClientColumnType.values())
                : tenancy.optionalEnum("clientColumnType", ClientColumnType.values());
        String schemaName = identifier(tenancy, "schemaName", table);
        String tableName = identifier(tenancy, "tableName", table);
        String clientNameColumn = identifier(tenancy, "tableClientNameColumn", table);
        String primaryKeyColumn = identifier(tenancy, "tablePrimaryKeyColumn", table);
        String primaryDatabase = tenancy.nullableString("primaryDatabase");
        if (primaryDatabase != null) {
            identifier(tenancy, "primaryDatabase", false);
        }
        if (table) {
            names.tenancy(new SchemaNames.TenancyNames(usable(schemaName), usable(tableName),
                    usable(clientNameColumn), usable(primaryKeyColumn)));
        }
        return TenancySettings.of(level, clientColumnType, schemaName, tableName, clientNameColumn,
                primaryKeyColumn, primaryDatabase);
    }

    private static List<Relationship> relationships(List<JsonNode> elements, String path, Violations violations,
            SchemaNames names) {
        if (elements == null) {
            return null;
        }
        List<Relationship> relationships = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            ObjectFields relationship =
                    ObjectFields.of(elements.get(i), JsonPaths.index(path, i), RELATIONSHIP_FIELDS, violations);
            if (relationship == null) {
                continue;
            }
            String parentTableName = identifier(relationship, "parentTableName", true);
            String parentColumnName = identifier(relationship, "parentColumnName", true);
            String childTableName = identifier(relationship, "childTableName", true);
            String childColumnName = identifier(relationship, "childColumnName", true);
            relationships.add(new Relationship(parentTableName, parentColumnName, childTableName, childColumnName,
                    identifier(relationship, "relationshipName", true),
                    relationship.nullableEnum("cardinality", Cardinality.values()),
                    relationship.nullableEnum("join", JoinType.values())));
            names.add(new SchemaNames.RelationshipNames(i, usable(parentTableName), usable(parentColumnName),
                    usable(childTableName), usable(childColumnName)));
        }
        return relationships;
    }

    private static Set<String> fields(String... names) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }
}
