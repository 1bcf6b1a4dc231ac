package io.datamart.validation;

import io.datamart.domain.Datasource;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.domain.Table;
import io.datamart.error.Violation;
import io.datamart.validation.SchemaNames.ColumnNames;
import io.datamart.validation.SchemaNames.RelationshipNames;
import io.datamart.validation.SchemaNames.TableNames;
import io.datamart.validation.SchemaNames.TenancyNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a datamart's names against its datasource's known schema (the catalog): every
 * table, column, client column, tenancy mapping table and relationship end must exist,
 * and a custom column's sql may only reference columns of its own table.
 * Names match case-sensitively, as the documentation says of names. Every miss is
 * reported at its JSON path, with a "did you mean" when a close name exists.
 * <p>
 * The checks work from the names the validator found usable ({@link SchemaNames}), for a
 * valid body and a broken one alike: each well-formed part is checked, whatever is wrong
 * elsewhere, and a part that is itself broken is left to its own violations.
 */
public final class SchemaChecks {
    private final Datasource datasource;
    private final Map<List<String>, DatasourceTable> bySchemaAndName = new HashMap<>();
    private final Map<String, List<DatasourceTable>> byName = new HashMap<>();
    private final Violations violations;

    private SchemaChecks(Datasource datasource, Violations violations) {
        this.datasource = datasource;
        this.violations = violations;
        for (DatasourceTable table : datasource.tables()) {
            bySchemaAndName.put(Arrays.asList(table.schemaName(), table.name()), table);
            byName.computeIfAbsent(table.name(), name -> new ArrayList<>()).add(table);
        }
    }

    /**
     * Adds to {@code violations} every miss of the names a body sent. Relationship table
     * names are resolved through the datamart's table list after the request (the one it
     * sends, else {@code storedTables}), then through the catalog.
     *
     * @param datasource a datasource whose schema is known ({@code tables} not null)
     * @param storedTables the stored table list an update keeps; null for a create
     */
    static void check(Datasource datasource, SchemaNames names, List<Table> storedTables, Violations violations) {
        if (datasource.tables() == null) {
            throw new IllegalArgumentException("the schema of " + datasource.name() + " is not known");
        }
        SchemaChecks checks = new SchemaChecks(datasource, violations);
        names.tables().forEach(checks::table);
        if (names.tenancy() != null) {
            checks.tenancy(names.tenancy());
        }
        if (!names.relationships().isEmpty()) {
            TableSchemas schemas = names.tableListSent() || storedTables == null
                    ? TableSchemas.of(names) : TableSchemas.of(storedTables);
            names.relationships().forEach(relationship -> checks.relationship(relationship, schemas));
        }
    }

    /** The misses alone, listed: what {@link #check} adds to a collector that starts empty. */
    static List<Violation> check(Datasource datasource, SchemaNames names, List<Table> storedTables) {
        Violations violations = new Violations();
        check(datasource, names, storedTables, violations);
        return violations.listed();
    }

    private void table(TableNames table) {
        if (!table.isResolvable()) {
            return; // its name or schemaName is broken: reported as such, nothing to look up
        }
        String path = JsonPaths.index("tableList", table.index());
        DatasourceTable known = resolve(table.schemaName(), table.name(), JsonPaths.field(path, "name"));
        if (known == null) {
            return;
        }
        Set<String> columns = columnNames(known);
        if (table.clientColumn() != null) {
            requireColumn(known, columns, table.clientColumn(), JsonPaths.field(path, "clientColumn"));
        }
        for (ColumnNames column : table.columns()) {
            String columnPath = JsonPaths.index(JsonPaths.field(path, "columns"), column.index());
            if (column.name() != null) {
                requireColumn(known, columns, column.name(), JsonPaths.field(columnPath, "name"));
            }
            if (column.sql() != null) {
                // The validator has passed this sql as an expression; with the table's columns
                // known, what is left to find is a reference to a column the table lacks.
                for (String problem : CustomColumnSql.problems(column.sql(), columns)) {
                    violations.add(JsonPaths.field(columnPath, "sql"), problem);
                }
            }
        }
    }

    private void tenancy(TenancyNames tenancy) {
        if (tenancy.schemaName() == null || tenancy.tableName() == null) {
            return; // TABLE tenancy names its mapping table by both: one is broken, nothing to look up
        }
        DatasourceTable mapping = resolve(tenancy.schemaName(), tenancy.tableName(), "tenancySettings.tableName");
        if (mapping != null) {
            Set<String> columns = columnNames(mapping);
            if (tenancy.tableClientNameColumn() != null) {
                requireColumn(mapping, columns, tenancy.tableClientNameColumn(),
                        "tenancySettings.tableClientNameColumn");
            }
            if (tenancy.tablePrimaryKeyColumn() != null) {
                requireColumn(mapping, columns, tenancy.tablePrimaryKeyColumn(),
                        "tenancySettings.tablePrimaryKeyColumn");
            }
        }
    }

    private void relationship(RelationshipNames relationship, TableSchemas schemas) {
        String path = JsonPaths.index("relationships", relationship.index());
        end(relationship.parentTableName(), relationship.parentColumnName(), schemas,
                JsonPaths.field(path, "parentTableName"), JsonPaths.field(path, "parentColumnName"));
        end(relationship.childTableName(), relationship.childColumnName(), schemas,
                JsonPaths.field(path, "childTableName"), JsonPaths.field(path, "childColumnName"));
    }

    /** One end of a relationship: a bare table name, taken in the schema the datamart uses it in. */
    private void end(String tableName, String columnName, TableSchemas schemas, String tablePath,
            String columnPath) {
        if (tableName == null) {
            return;
        }
        DatasourceTable known;
        TableSchema schema = schemas.of(tableName);
        if (schema.known()) {
            known = resolve(schema.schemaName(), tableName, tablePath);
        } else {
            // The table list is broken where it would say the schema: the end is checked only
            // where any schema would do, a name the catalog has in one schema or in none.
            List<DatasourceTable> candidates = byName.getOrDefault(tableName, List.of());
            known = candidates.size() > 1 ? null : resolve(null, tableName, tablePath);
        }
        if (known != null && columnName != null) {
            requireColumn(known, columnNames(known), columnName, columnPath);
        }
    }

    /** The schema a datamart uses a table name in: known (null: none, or not in the datamart) or not. */
    private record TableSchema(boolean known, String schemaName) {
        static final TableSchema NONE = new TableSchema(true, null);
        static final TableSchema UNKNOWN = new TableSchema(false, null);
    }

    /** The schema of each table name of the datamart's table list after the request. */
    private record TableSchemas(Map<String, TableSchema> byName, boolean complete) {
        /**
         * As the table list says: the first schemaName sent with the name (null when none
         * is), unknown where that could be one sent broken, and, when the list itself is
         * broken, unknown for every name.
         */
        static TableSchemas of(SchemaNames names) {
            Map<String, TableSchema> byName = new HashMap<>();
            for (TableNames table : names.tables()) {
                if (table.name() == null) {
                    continue;
                }
                TableSchema current = byName.get(table.name());
                if (current == null || current.equals(TableSchema.NONE)) {
                    byName.put(table.name(), !table.schemaKnown() ? TableSchema.UNKNOWN
                            : new TableSchema(true, table.schemaName()));
                }
            }
            return new TableSchemas(byName, names.tableListSent() && names.tableListReadable());
        }

        static TableSchemas of(List<Table> tables) {
            Map<String, TableSchema> byName = new HashMap<>();
            for (Table table : tables) {
                TableSchema current = byName.get(table.name());
                if (current == null || current.equals(TableSchema.NONE)) {
                    byName.put(table.name(), new TableSchema(true, table.schemaName()));
                }
            }
            return new TableSchemas(byName, true);
        }

        TableSchema of(String tableName) {
            return byName.getOrDefault(tableName, complete ? TableSchema.NONE : TableSchema.UNKNOWN);
        }
    }

    /**
     * The catalog table a (schemaName, name) pair names; null after reporting a miss. A
     * missing schemaName is allowed only where the name is in one schema alone.
     */
    private DatasourceTable resolve(String schemaName, String name, String path) {
        if (schemaName != null) {
            DatasourceTable table = bySchemaAndName.get(Arrays.asList(schemaName, name));
            if (table == null) {
                missingTable(display(schemaName, name), path);
            }
            return table;
        }
        List<DatasourceTable> candidates = byName.getOrDefault(name, List.of());
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.isEmpty()) {
            missingTable(name, path);
        } else {
            violations.add(path, () -> "names '" + Strings.quotable(name, 100) + "', which is in more than "
                    + "one schema of datasource '" + datasource.name() + "' (" + candidates.stream()
                    .map(t -> display(t.schemaName(), t.name())).collect(Collectors.joining(", "))
                    + "): send schemaName");
        }
        return null;
    }

    private void missingTable(String shown, String path) {
        violations.add(path, () -> {
            // A bare name is compared with bare names, a qualified one with qualified names;
            // either way the suggestion is shown qualified.
            Map<String, String> shownByName = new HashMap<>();
            for (DatasourceTable table : bySchemaAndName.values()) {
                String qualified = display(table.schemaName(), table.name());
                shownByName.putIfAbsent(shown.contains(".") ? qualified : table.name(), qualified);
            }
            String hint = Suggestions.closest(shown, shownByName.keySet())
                    .map(s -> " (did you mean '" + shownByName.get(s) + "'?)").orElse("");
            return "names table '" + Strings.quotable(shown, 100) + "', which datasource '" + datasource.name()
                    + "' does not have" + hint;
        });
    }

    private void requireColumn(DatasourceTable table, Set<String> columns, String column, String path) {
        if (!columns.contains(column)) {
            violations.add(path, () -> "names '" + Strings.quotable(column, 100) + "', which is not a column of "
                    + "table '" + display(table.schemaName(), table.name()) + "'" + hint(column, columns));
        }
    }

    /** The column names of a catalog table. */
    public static Set<String> columnNames(DatasourceTable table) {
        return table.columns().stream().map(DatasourceColumn::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String hint(String given, Set<String> options) {
        return Suggestions.closest(given, options).map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    private static String display(String schemaName, String name) {
        return schemaName == null ? name : schemaName + "." + name;
    }
}
