package io.datamart.validation;

import io.datamart.domain.Column;
import io.datamart.domain.Datasource;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.domain.TenancyLevel;
import io.datamart.domain.TenancySettings;
import io.datamart.error.Violation;
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
 */
public final class SchemaChecks {
    private final Datasource datasource;
    private final Map<List<String>, DatasourceTable> bySchemaAndName = new HashMap<>();
    private final Map<String, List<DatasourceTable>> byName = new HashMap<>();
    private final List<Violation> violations = new ArrayList<>();

    private SchemaChecks(Datasource datasource) {
        this.datasource = datasource;
        for (DatasourceTable table : datasource.tables()) {
            bySchemaAndName.put(Arrays.asList(table.schemaName(), table.name()), table);
            byName.computeIfAbsent(table.name(), name -> new ArrayList<>()).add(table);
        }
    }

    /**
     * The violations of the parts a request sends ({@code null}: not sent). Relationship
     * table names are resolved through {@code knownTables}, the datamart's table list
     * after the request, then through the catalog.
     *
     * @param datasource a datasource whose schema is known ({@code tables} not null)
     */
    public static List<Violation> check(Datasource datasource, List<Table> tableList, TenancySettings tenancy,
            List<Relationship> relationships, List<Table> knownTables) {
        if (datasource.tables() == null) {
            throw new IllegalArgumentException("the schema of " + datasource.name() + " is not known");
        }
        SchemaChecks checks = new SchemaChecks(datasource);
        if (tableList != null) {
            checks.tables(tableList);
        }
        if (tenancy != null) {
            checks.tenancy(tenancy);
        }
        if (relationships != null) {
            checks.relationships(relationships, knownTables == null ? List.of() : knownTables);
        }
        return List.copyOf(checks.violations);
    }

    private void tables(List<Table> tables) {
        for (int i = 0; i < tables.size(); i++) {
            Table table = tables.get(i);
            String path = JsonPaths.index("tableList", i);
            DatasourceTable known = resolve(table.schemaName(), table.name(), JsonPaths.field(path, "name"));
            if (known == null) {
                continue;
            }
            Set<String> columns = columnNames(known);
            if (table.clientColumn() != null) {
                requireColumn(known, columns, table.clientColumn(), JsonPaths.field(path, "clientColumn"));
            }
            for (int j = 0; j < table.columns().size(); j++) {
                Column column = table.columns().get(j);
                String columnPath = JsonPaths.index(JsonPaths.field(path, "columns"), j);
                if (!Boolean.TRUE.equals(column.isCustomColumn())) {
                    requireColumn(known, columns, column.name(), JsonPaths.field(columnPath, "name"));
                } else if (column.sql() != null) {
                    // The validator has passed this sql as an expression; with the table's columns
                    // known, what is left to find is a reference to a column the table lacks.
                    CustomColumnSql.problems(column.sql(), columns).forEach(problem ->
                            violations.add(new Violation(JsonPaths.field(columnPath, "sql"), problem)));
                }
            }
        }
    }

    private void tenancy(TenancySettings tenancy) {
        if (tenancy.tenancyLevel() != TenancyLevel.TABLE) {
            return;
        }
        DatasourceTable mapping = resolve(tenancy.schemaName(), tenancy.tableName(), "tenancySettings.tableName");
        if (mapping != null) {
            Set<String> columns = columnNames(mapping);
            requireColumn(mapping, columns, tenancy.tableClientNameColumn(), "tenancySettings.tableClientNameColumn");
            requireColumn(mapping, columns, tenancy.tablePrimaryKeyColumn(), "tenancySettings.tablePrimaryKeyColumn");
        }
    }

    private void relationships(List<Relationship> relationships, List<Table> knownTables) {
        for (int i = 0; i < relationships.size(); i++) {
            Relationship relationship = relationships.get(i);
            String path = JsonPaths.index("relationships", i);
            end(relationship.parentTableName(), relationship.parentColumnName(), knownTables,
                    JsonPaths.field(path, "parentTableName"), JsonPaths.field(path, "parentColumnName"));
            end(relationship.childTableName(), relationship.childColumnName(), knownTables,
                    JsonPaths.field(path, "childTableName"), JsonPaths.field(path, "childColumnName"));
        }
    }

    /** One end of a relationship: a bare table name, taken in the schema the datamart uses it in. */
    private void end(String tableName, String columnName, List<Table> knownTables, String tablePath,
            String columnPath) {
        String schemaName = knownTables.stream().filter(t -> t.name().equals(tableName)).map(Table::schemaName)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        DatasourceTable known = resolve(schemaName, tableName, tablePath);
        if (known != null) {
            requireColumn(known, columnNames(known), columnName, columnPath);
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
            violations.add(new Violation(path, "names '" + Strings.quotable(name, 100) + "', which is in more than "
                    + "one schema of datasource '" + datasource.name() + "' (" + candidates.stream()
                    .map(t -> display(t.schemaName(), t.name())).collect(Collectors.joining(", "))
                    + "): send schemaName"));
        }
        return null;
    }

    private void missingTable(String shown, String path) {
        // A bare name is compared with bare names, a qualified one with qualified names;
        // either way the suggestion is shown qualified.
        Map<String, String> shownByName = new HashMap<>();
        for (DatasourceTable table : bySchemaAndName.values()) {
            String qualified = display(table.schemaName(), table.name());
            shownByName.putIfAbsent(shown.contains(".") ? qualified : table.name(), qualified);
        }
        String hint = Suggestions.closest(shown, shownByName.keySet())
                .map(s -> " (did you mean '" + shownByName.get(s) + "'?)").orElse("");
        violations.add(new Violation(path, "names table '" + Strings.quotable(shown, 100)
                + "', which datasource '" + datasource.name() + "' does not have" + hint));
    }

    private void requireColumn(DatasourceTable table, Set<String> columns, String column, String path) {
        if (!columns.contains(column)) {
            violations.add(new Violation(path, "names '" + Strings.quotable(column, 100) + "', which is not a column of "
                    + "table '" + display(table.schemaName(), table.name()) + "'" + hint(column, columns)));
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
