package io.datamart.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * The names a body uses that can be looked up in a datasource's schema, as the validator
 * read them: each one only if it is usable (a string that broke none of its own rules),
 * each at its position in the body as sent. So a body with other problems still has its
 * well-formed parts checked against the schema, and every miss is reported at the JSON
 * path the client sent it at, not at a position in some filtered list.
 */
final class SchemaNames {
    /**
     * One element of {@code tableList} that is an object.
     *
     * @param index its position in {@code tableList} as sent
     * @param name a usable name, else null
     * @param schemaName a usable schemaName, else null
     * @param schemaKnown false when schemaName was sent but is unusable: the table's schema is not known
     * @param clientColumn a usable clientColumn, else null
     * @param columns its columns that are objects
     */
    record TableNames(int index, String name, String schemaName, boolean schemaKnown, String clientColumn,
            List<ColumnNames> columns) {
        /** Whether the table can be looked up: a usable name, in a known schema (or none). */
        boolean isResolvable() {
            return name != null && schemaKnown;
        }
    }

    /**
     * One element of a table's {@code columns} that is an object.
     *
     * @param index its position in {@code columns} as sent
     * @param name a usable name of a column that is not a custom one (to be found in the table), else null
     * @param sql the sql of a custom column that passed every check that needs no schema, else null
     */
    record ColumnNames(int index, String name, String sql) {
    }

    /** {@code TABLE} tenancy's mapping table and columns; each usable one, else null. */
    record TenancyNames(String schemaName, String tableName, String tableClientNameColumn,
            String tablePrimaryKeyColumn) {
    }

    /**
     * One element of {@code relationships} that is an object; each name usable, else null.
     *
     * @param index its position in {@code relationships} as sent
     */
    record RelationshipNames(int index, String parentTableName, String parentColumnName, String childTableName,
            String childColumnName) {
    }

    /** Whether the body sent {@code tableList} (an update may keep the stored one). */
    private boolean tableListSent;
    /**
     * Whether {@code tableList}, when sent, is a non-empty array, so that {@link #tables}
     * holds each of its elements that is an object: what the datamart's table list would be.
     */
    private boolean tableListReadable;
    private final List<TableNames> tables = new ArrayList<>();
    private TenancyNames tenancy;
    private final List<RelationshipNames> relationships = new ArrayList<>();

    void tableListSent(boolean readable) {
        tableListSent = true;
        tableListReadable = readable;
    }

    void add(TableNames table) {
        tables.add(table);
    }

    void tenancy(TenancyNames names) {
        tenancy = names;
    }

    void add(RelationshipNames relationship) {
        relationships.add(relationship);
    }

    boolean tableListSent() {
        return tableListSent;
    }

    boolean tableListReadable() {
        return tableListReadable;
    }

    List<TableNames> tables() {
        return tables;
    }

    /** Null unless the body sets {@code TABLE} tenancy. */
    TenancyNames tenancy() {
        return tenancy;
    }

    List<RelationshipNames> relationships() {
        return relationships;
    }
}
