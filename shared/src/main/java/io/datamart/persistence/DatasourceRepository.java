package io.datamart.persistence;

import io.datamart.domain.Datasource;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Datasources, keyed by organization and name, each with its known schema (the
 * catalog) when there is one. Create checks a datasource's existence inside its own
 * transaction; reading the catalog is for schema-aware validation and for operators.
 */
public final class DatasourceRepository {
    /** How long a catalog read for a create is used again: a change is caught by the create's own write. */
    static final Duration CATALOG_CACHE_TTL = Duration.ofSeconds(30);
    /** The revision of a datasource saved before revisions were kept. */
    static final String NO_REVISION = "";
    /** How many datasources {@link #findRecent} remembers at most: a bound on a warm function's memory. */
    private static final int MAX_CACHED = 1_000;
    static final String REVISION = "revision";

    /**
     * A datasource as read, with the revision its save gave it, when it was read, and
     * whether it came from what {@link #findRecent} remembered rather than from DynamoDB.
     */
    public record Revision(Datasource datasource, String revision, Instant readAt, boolean remembered) {
    }

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;
    private final Map<List<String>, Revision> recent = new ConcurrentHashMap<>();
    private final int maxCached;

    public DatasourceRepository(DynamoDbClient dynamoDb, TableNames tables, Clock clock) {
        this(dynamoDb, tables, clock, MAX_CACHED);
    }

    /** With a smaller memory of recent reads: a test fills it with a few datasources, not a thousand. */
    DatasourceRepository(DynamoDbClient dynamoDb, TableNames tables, Clock clock, int maxCached) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.clock = clock;
        this.maxCached = maxCached;
    }

    /**
     * The datasource as read within the last {@link #CATALOG_CACHE_TTL}, or read now: what
     * a create validates against. Its revision goes into the create's transaction, so a
     * datasource changed or removed since is caught by DynamoDB itself, and then
     * {@link #forget} makes the next call read it again.
     */
    public Optional<Revision> findRecent(String organizationId, String name) {
        List<String> key = List.of(organizationId, name);
        Instant now = clock.instant();
        Revision cached = recent.get(key);
        if (cached != null && now.isBefore(cached.readAt().plus(CATALOG_CACHE_TTL))) {
            return Optional.of(new Revision(cached.datasource(), cached.revision(), cached.readAt(), true));
        }
        Optional<Revision> read = findRevision(organizationId, name);
        if (read.isPresent()) {
            if (recent.size() >= maxCached) {
                recent.clear();
            }
            recent.put(key, read.get());
        } else {
            recent.remove(key);
        }
        return read;
    }

    /** Drops what {@link #findRecent} remembers of a datasource: it was found changed. */
    public void forget(String organizationId, String name) {
        recent.remove(List.of(organizationId, name));
    }

    private Optional<Revision> findRevision(String organizationId, String name) {
        if (!Keys.isStorableName(name)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request
                .tableName(tables.datasources())
                .key(Keys.of(organizationId, name))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue revision = item.get(REVISION);
        return Optional.of(new Revision(fromItem(item), revision == null ? NO_REVISION : revision.s(),
                clock.instant(), false));
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
        // A new revision with every save, checked by the create that validated against it.
        item.put(REVISION, AttributeValues.string(UUID.randomUUID().toString()));
        if (knownTables != null) {
            item.put("tables", AttributeValues.list(knownTables.stream().map(DatasourceRepository::table).toList()));
        }
        dynamoDb.putItem(request -> request.tableName(tables.datasources()).item(item));
    }

    /** The datasource with its known schema, if the organization has it, read now. */
    public Optional<Datasource> find(String organizationId, String name) {
        return findRevision(organizationId, name).map(Revision::datasource);
    }

    /** The organization's datasources in name order: one Query on its partition. */
    public List<Datasource> list(String organizationId) {
        return dynamoDb.queryPaginator(request -> request
                        .tableName(tables.datasources())
                        .keyConditionExpression("#organizationId = :organizationId")
                        .expressionAttributeNames(Map.of("#organizationId", Keys.ORGANIZATION_ID))
                        .expressionAttributeValues(Map.of(":organizationId", AttributeValues.string(organizationId)))
                        .consistentRead(true))
                .items().stream().map(DatasourceRepository::fromItem).toList();
    }

    /** Removes a datasource; false if there was none. Datamarts naming it keep their stored name. */
    public boolean delete(String organizationId, String name) {
        if (!Keys.isStorableName(name)) {
            return false;
        }
        Map<String, AttributeValue> old = dynamoDb.deleteItem(request -> request
                .tableName(tables.datasources())
                .key(Keys.of(organizationId, name))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        return old != null && !old.isEmpty();
    }

    private static Datasource fromItem(Map<String, AttributeValue> item) {
        AttributeValue known = item.get("tables");
        return new Datasource(item.get(Keys.ORGANIZATION_ID).s(), item.get(Keys.NAME).s(),
                known == null ? null : known.l().stream().map(value -> table(value.m())).toList());
    }

    private static AttributeValue table(DatasourceTable table) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        if (table.schemaName() != null) {
            map.put("schemaName", AttributeValues.string(table.schemaName()));
        }
        map.put("name", AttributeValues.string(table.name()));
        map.put("columns", AttributeValues.list(table.columns().stream().map(column -> {
            Map<String, AttributeValue> columnMap = new LinkedHashMap<>();
            columnMap.put("name", AttributeValues.string(column.name()));
            if (column.dataType() != null) {
                columnMap.put("dataType", AttributeValues.string(column.dataType()));
            }
            return AttributeValues.map(columnMap);
        }).toList()));
        return AttributeValues.map(map);
    }

    private static DatasourceTable table(Map<String, AttributeValue> map) {
        return new DatasourceTable(AttributeValues.stringOrNull(map, "schemaName"), map.get("name").s(),
                map.get("columns").l().stream().map(value -> new DatasourceColumn(value.m().get("name").s(),
                        AttributeValues.stringOrNull(value.m(), "dataType"))).toList());
    }
}
