package io.datamart.persistence;

import io.datamart.domain.DatasourceTable;
import java.time.Clock;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Datasources, keyed by organization and name. The functions never read this table:
 * create checks a datasource's existence inside its own transaction. This class is
 * for provisioning (seeds, tests, operators).
 */
public final class DatasourceRepository {
    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;

    public DatasourceRepository(DynamoDbClient dynamoDb, TableNames tables, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.clock = clock;
    }

    /** Registers (or re-registers) a datasource in an organization, schema unknown. */
    public void save(String organizationId, String name) {
        save(organizationId, name, null);
    }

    /**
     * Registers (or re-registers) a datasource with the tables it is known to hold
     * ({@code null}: not known), kept for schema-aware validation.
     */
    public void save(String organizationId, String name, List<DatasourceTable> knownTables) {
        if (!Keys.isStorableName(name)) {
            throw new IllegalArgumentException("a datasource name must be 1 to 1024 UTF-8 bytes of valid Unicode");
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>(Keys.of(organizationId, name));
        item.put("createdAt", AttributeValues.string(clock.instant().toString()));
        if (knownTables != null) {
            item.put("tables", AttributeValues.list(knownTables.stream().map(DatasourceRepository::table).toList()));
        }
        dynamoDb.putItem(request -> request.tableName(tables.datasources()).item(item));
    }

    private static AttributeValue table(DatasourceTable table) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        if (table.schemaName() != null) {
            map.put("schemaName", AttributeValues.string(table.schemaName()));
        }
        map.put("name", AttributeValues.string(table.name()));
        map.put("columns", AttributeValues.list(table.columns().stream().map(AttributeValues::string).toList()));
        return AttributeValues.map(map);
    }
}
