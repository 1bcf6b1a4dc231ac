package io.datamart.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.Column;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartSummary;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.domain.TenancySettings;
import io.datamart.domain.WireValue;

/**
 * A stored datamart as the read routes return it: the fields the client sent, under
 * the names it sent them, plus {@code createdAt}, {@code updatedAt} and {@code version}.
 * Optional fields that were not sent are left out; {@code tenancySettings} and
 * {@code relationships} are null when the datamart has none.
 */
public final class DatamartJson {
    private DatamartJson() {
    }

    public static ObjectNode full(Datamart datamart) {
        DatamartDefinition definition = datamart.definition();
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("name", definition.name());
        json.put("datasourceName", definition.datasourceName());
        ArrayNode tables = json.putArray("tableList");
        definition.tableList().forEach(table -> table(tables.addObject(), table));
        if (definition.tenancySettings() == null) {
            json.putNull("tenancySettings");
        } else {
            tenancy(json.putObject("tenancySettings"), definition.tenancySettings());
        }
        if (definition.relationships() == null) {
            json.putNull("relationships");
        } else {
            ArrayNode relationships = json.putArray("relationships");
            definition.relationships().forEach(r -> relationship(relationships.addObject(), r));
        }
        timestamps(json, datamart);
        json.put("version", datamart.version());
        return json;
    }

    /** What {@code expandDetails=false} returns: the name and the timestamps. */
    public static ObjectNode summary(DatamartSummary summary) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("name", summary.name());
        json.put("createdAt", summary.createdAt().toString());
        json.put("updatedAt", summary.updatedAt().toString());
        return json;
    }

    private static void timestamps(ObjectNode json, Datamart datamart) {
        json.put("createdAt", datamart.createdAt().toString());
        json.put("updatedAt", datamart.updatedAt().toString());
    }

    private static void table(ObjectNode json, Table table) {
        json.put("name", table.name());
        putIfPresent(json, "schemaName", table.schemaName());
        putIfPresent(json, "clientColumn", table.clientColumn());
        putIfPresent(json, "label", table.label());
        putIfPresent(json, "indexPattern", table.indexPattern());
        putIfPresent(json, "isHide", table.isHide());
        ArrayNode columns = json.putArray("columns");
        table.columns().forEach(column -> column(columns.addObject(), column));
    }

    private static void column(ObjectNode json, Column column) {
        json.put("name", column.name());
        putIfPresent(json, "alias", column.alias());
        putIfPresent(json, "label", column.label());
        putIfPresent(json, "isHide", column.isHide());
        putIfPresent(json, "isCustomColumn", column.isCustomColumn());
        putIfPresent(json, "sql", column.sql());
        putIfPresent(json, "isAggregate", column.isAggregate());
        putIfPresent(json, "isApplyTimezone", column.isApplyTimezone());
    }

    private static void tenancy(ObjectNode json, TenancySettings tenancy) {
        putIfPresent(json, "tenancyLevel", wire(tenancy.tenancyLevel()));
        putIfPresent(json, "clientColumnType", wire(tenancy.clientColumnType()));
        putIfPresent(json, "schemaName", tenancy.schemaName());
        putIfPresent(json, "tableName", tenancy.tableName());
        putIfPresent(json, "tableClientNameColumn", tenancy.tableClientNameColumn());
        putIfPresent(json, "tablePrimaryKeyColumn", tenancy.tablePrimaryKeyColumn());
        json.put("primaryDatabase", tenancy.primaryDatabase());
    }

    private static void relationship(ObjectNode json, Relationship relationship) {
        json.put("parentTableName", relationship.parentTableName());
        json.put("parentColumnName", relationship.parentColumnName());
        json.put("childTableName", relationship.childTableName());
        json.put("childColumnName", relationship.childColumnName());
        json.put("relationshipName", relationship.relationshipName());
        json.put("cardinality", wire(relationship.cardinality()));
        json.put("join", wire(relationship.join()));
    }

    private static void putIfPresent(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static void putIfPresent(ObjectNode json, String name, Boolean value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static String wire(WireValue value) {
        return value == null ? null : value.wire();
    }
}
