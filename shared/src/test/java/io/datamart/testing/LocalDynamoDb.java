package io.datamart.testing;

import io.datamart.local.EmbeddedDynamoDb;
import io.datamart.local.TemplateModel;
import io.datamart.persistence.TableNames;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * DynamoDB Local, Amazon's own engine, started in this JVM on a loopback port once per
 * test run, with the tables template.yaml declares. The functions reach it through
 * the same URL-connection client they use on Lambda.
 */
public final class LocalDynamoDb {
    private static LocalDynamoDb instance;

    private final EmbeddedDynamoDb dynamoDb;
    private final Map<String, String> environment;
    private final TableNames tables;

    private LocalDynamoDb(EmbeddedDynamoDb dynamoDb) {
        TemplateModel template = Template.load();
        this.dynamoDb = dynamoDb;
        dynamoDb.createTables(template.tables().values());
        // What template.yaml gives the functions, its table Refs resolved to the local tables.
        this.environment = new HashMap<>(template.functions().values().iterator().next().environment());
        environment.put("TOKEN_CACHE_TTL_SECONDS", "0");
        this.tables = TableNames.fromEnvironment(environment);
    }

    /** The one instance of this test run, started on first use and stopped when the JVM exits. */
    public static synchronized LocalDynamoDb instance() {
        if (instance == null) {
            EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.start(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(dynamoDb::close));
            instance = new LocalDynamoDb(dynamoDb);
        }
        return instance;
    }

    public DynamoDbClient client() {
        return dynamoDb.client();
    }

    public TableNames tables() {
        return tables;
    }

    public URI endpoint() {
        return dynamoDb.endpoint();
    }

    /** The environment template.yaml gives a function, pointed at these tables; the token cache off. */
    public Map<String, String> environment() {
        return new HashMap<>(environment);
    }

    /** Empties every table, so each test starts from nothing. */
    public void reset() {
        for (String table : new String[] {tables.datamarts(), tables.datasources(), tables.serviceTokens()}) {
            var keyNames = client().describeTable(r -> r.tableName(table)).table().keySchema().stream()
                    .map(KeySchemaElement::attributeName).toList();
            client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(item -> {
                Map<String, AttributeValue> key = new HashMap<>();
                keyNames.forEach(name -> key.put(name, item.get(name)));
                client().deleteItem(r -> r.tableName(table).key(key));
            });
        }
    }

    /** The raw stored item, for byte-for-byte comparisons; null if absent. */
    public Map<String, AttributeValue> rawDatamart(String organizationId, String name) {
        Map<String, AttributeValue> item = client().getItem(r -> r.tableName(tables.datamarts()).consistentRead(true)
                .key(Map.of("organizationId", AttributeValue.fromS(organizationId),
                        "name", AttributeValue.fromS(name)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** A reader of the datamarts table's stream, from its oldest record on, as Lambda would deliver it. */
    public io.datamart.local.DynamoDbStreamEvents datamartsStream() {
        return io.datamart.local.DynamoDbStreamEvents.of(dynamoDb, tables.datamarts());
    }

    /** Every item of every table, for "nothing changed" assertions. */
    public Map<String, Object> snapshot() {
        Map<String, Object> all = new HashMap<>();
        for (String table : new String[] {tables.datamarts(), tables.datasources(), tables.serviceTokens()}) {
            all.put(table, new java.util.HashSet<>(client().scan(r -> r.tableName(table).consistentRead(true)).items()));
        }
        return all;
    }
}
