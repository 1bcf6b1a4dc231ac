package io.datamart.persistence;

import static io.datamart.persistence.AttributeValues.booleanOrNull;
import static io.datamart.persistence.AttributeValues.stringOrNull;

import io.datamart.domain.Cardinality;
import io.datamart.domain.ClientColumnType;
import io.datamart.domain.Column;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.JoinType;
import io.datamart.domain.Relationship;
import io.datamart.domain.Table;
import io.datamart.domain.TenancyLevel;
import io.datamart.domain.TenancySettings;
import io.datamart.domain.WireValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The stored form of a datamart: native DynamoDB maps and lists with the API's field
 * names, so an item reads in the console the way the request was written. An optional
 * field that was not sent is not stored; the three nullable fields ({@code primaryDatabase},
 * {@code cardinality}, {@code join}) are stored as NULL when empty. Reading an item back
 * gives exactly the definition that was written.
 */
public final class DatamartItems {
    static final String DATASOURCE_NAME = "datasourceName";
    static final String TABLE_LIST = "tableList";
    static final String TENANCY_SETTINGS = "tenancySettings";
    static final String RELATIONSHIPS = "relationships";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";
    static final String VERSION = "version";

    private DatamartItems() {
    }

    static Map<String, AttributeValue> newItem(String organizationId, DatamartDefinition definition, Instant now) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(Keys.of(organizationId, definition.name()));
        item.put(DATASOURCE_NAME, AttributeValues.string(definition.datasourceName()));
        item.put(TABLE_LIST, tableList(definition.tableList()));
        if (definition.tenancySettings() != null) {
            item.put(TENANCY_SETTINGS, tenancySettings(definition.tenancySettings()));
        }
        if (definition.relationships() != null) {
            item.put(RELATIONSHIPS, relationships(definition.relationships()));
        }
        item.put(CREATED_AT, AttributeValues.string(now.toString()));
        item.put(UPDATED_AT, AttributeValues.string(now.toString()));
        item.put(VERSION, AttributeValues.number(1));
        return item;
    }

    public static Datamart fromItem(Map<String, AttributeValue> item) {
        AttributeValue tenancy = item.get(TENANCY_SETTINGS);
        AttributeValue relationships = item.get(RELATIONSHIPS);
        DatamartDefinition definition = new DatamartDefinition(
                item.get(Keys.NAME).s(),
                item.get(DATASOURCE_NAME).s(),
                item.get(TABLE_LIST).l().stream().map(value -> table(value.m())).toList(),
                tenancy == null ? null : tenancySettings(tenancy.m()),
                relationships == null ? null : relationships.l().stream().map(value -> relationship(value.m())).toList());
        return new Datamart(item.get(Keys.ORGANIZATION_ID).s(), definition,
                Instant.parse(item.get(CREATED_AT).s()), Instant.parse(item.get(UPDATED_AT).s()),
                Long.parseLong(item.get(VERSION).n()));
    }

    static AttributeValue tableList(List<Table> tables) {
        return AttributeValues.list(tables.stream().map(DatamartItems::table).toList());
    }

    static AttributeValue relationships(List<Relationship> relationships) {
        return AttributeValues.list(relationships.stream().map(DatamartItems::relationship).toList());
    }

    static AttributeValue tenancySettings(TenancySettings tenancy) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        putIfPresent(map, "tenancyLevel", tenancy.tenancyLevel());
        putIfPresent(map, "clientColumnType", tenancy.clientColumnType());
        putIfPresent(map, "schemaName", tenancy.schemaName());
        putIfPresent(map, "tableName", tenancy.tableName());
        putIfPresent(map, "tableClientNameColumn", tenancy.tableClientNameColumn());
        putIfPresent(map, "tablePrimaryKeyColumn", tenancy.tablePrimaryKeyColumn());
        map.put("primaryDatabase", AttributeValues.nullableString(tenancy.primaryDatabase()));
        return AttributeValues.map(map);
    }

    private static AttributeValue table(Table table) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        map.put("name", AttributeValues.string(table.name()));
        putIfPresent(map, "schemaName", table.schemaName());
        putIfPresent(map, "clientColumn", table.clientColumn());
        putIfPresent(map, "label", table.label());
        putIfPresent(map, "indexPattern", table.indexPattern());
        putIfPresent(map, "isHide", table.isHide());
        map.put("columns", AttributeValues.list(table.columns().stream().map(DatamartItems::column).toList()));
        return AttributeValues.map(map);
    }

    private static AttributeValue column(Column column) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        map.put("name", AttributeValues.string(column.name()));
        putIfPresent(map, "alias", column.alias());
        putIfPresent(map, "label", column.label());
        putIfPresent(map, "isHide", column.isHide());
        putIfPresent(map, "isCustomColumn", column.isCustomColumn());
        putIfPresent(map, "sql", column.sql());
        putIfPresent(map, "isAggregate", column.isAggregate());
        putIfPresent(map, "isApplyTimezone", column.isApplyTimezone());
        return AttributeValues.map(map);
    }

    private static AttributeValue relationship(Relationship relationship) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        map.put("parentTableName", AttributeValues.string(relationship.parentTableName()));
        map.put("parentColumnName", AttributeValues.string(relationship.parentColumnName()));
        map.put("childTableName", AttributeValues.string(relationship.childTableName()));
        map.put("childColumnName", AttributeValues.string(relationship.childColumnName()));
        map.put("relationshipName", AttributeValues.string(relationship.relationshipName()));
        map.put("cardinality", AttributeValues.nullableString(wire(relationship.cardinality())));
        map.put("join", AttributeValues.nullableString(wire(relationship.join())));
        return AttributeValues.map(map);
    }

    private static Table table(Map<String, AttributeValue> map) {
        return new Table(map.get("name").s(), stringOrNull(map, "schemaName"), stringOrNull(map, "clientColumn"),
                stringOrNull(map, "label"), stringOrNull(map, "indexPattern"), booleanOrNull(map, "isHide"),
                map.get("columns").l().stream().map(value -> column(value.m())).toList());
    }

    private static Column column(Map<String, AttributeValue> map) {
        return new Column(map.get("name").s(), stringOrNull(map, "alias"), stringOrNull(map, "label"),
                booleanOrNull(map, "isHide"), booleanOrNull(map, "isCustomColumn"), stringOrNull(map, "sql"),
                booleanOrNull(map, "isAggregate"), booleanOrNull(map, "isApplyTimezone"));
    }

    private static TenancySettings tenancySettings(Map<String, AttributeValue> map) {
        return new TenancySettings(
                fromWire(TenancyLevel.values(), stringOrNull(map, "tenancyLevel")),
                fromWire(ClientColumnType.values(), stringOrNull(map, "clientColumnType")),
                stringOrNull(map, "schemaName"), stringOrNull(map, "tableName"),
                stringOrNull(map, "tableClientNameColumn"), stringOrNull(map, "tablePrimaryKeyColumn"),
                stringOrNull(map, "primaryDatabase"));
    }

    private static Relationship relationship(Map<String, AttributeValue> map) {
        return new Relationship(map.get("parentTableName").s(), map.get("parentColumnName").s(),
                map.get("childTableName").s(), map.get("childColumnName").s(), map.get("relationshipName").s(),
                fromWire(Cardinality.values(), stringOrNull(map, "cardinality")),
                fromWire(JoinType.values(), stringOrNull(map, "join")));
    }

    private static void putIfPresent(Map<String, AttributeValue> map, String name, String value) {
        if (value != null) {
            map.put(name, AttributeValues.string(value));
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> map, String name, Boolean value) {
        if (value != null) {
            map.put(name, AttributeValues.bool(value));
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> map, String name, WireValue value) {
        if (value != null) {
            map.put(name, AttributeValues.string(value.wire()));
        }
    }

    private static String wire(WireValue value) {
        return value == null ? null : value.wire();
    }

    private static <E extends WireValue> E fromWire(E[] values, String wire) {
        if (wire == null) {
            return null;
        }
        for (E value : values) {
            if (value.wire().equals(wire)) {
                return value;
            }
        }
        throw new IllegalStateException("stored value '" + wire + "' is not one of the documented values");
    }
}
