package io.datamart.testing;

import io.datamart.local.DynamoDbStreamEvents;
import io.datamart.local.LocalAws;
import io.datamart.local.TemplateModel;
import io.datamart.persistence.DatamartVersionRepository;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.persistence.ParkedDatamartRepository;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.persistence.ProvisioningAttemptRepository;
import io.datamart.persistence.TableNames;
import io.datamart.throttling.OrganizationRequestLimit;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * The DynamoDB tables of the test run, on {@link TestAws} (moto unless told otherwise),
 * as template.yaml declares them. The functions reach them through the same
 * URL-connection client they use on Lambda.
 */
public final class LocalDynamoDb {
    private static LocalDynamoDb instance;

    private final LocalAws aws;
    private final Map<String, CreateTableRequest> definitions;
    private final Map<String, String> environment;
    private final TableNames tables;
    private final String producerGrantsTable;
    private final String requestCountersTable;
    private final String parkedDatamartsTable;
    private final String provisioningAttemptsTable;
    private final String idempotencyKeysTable;
    private final String datamartVersionsTable;

    private LocalDynamoDb(LocalAws aws, TemplateModel template) {
        this.aws = aws;
        this.definitions = template.tables();
        // What template.yaml gives the functions, its table Refs resolved to the local tables.
        this.environment = new HashMap<>(template.functions().values().iterator().next().environment());
        environment.put("TOKEN_CACHE_TTL_SECONDS", "0");
        // Thousands of tests act for the demo organization within minutes; the tests of the
        // limit turn it on with a small one (RequestLimitTest).
        environment.put(OrganizationRequestLimit.LIMIT_VARIABLE, "0");
        this.tables = TableNames.fromEnvironment(environment);
        this.producerGrantsTable = template.variable(ProducerGrantRepository.TABLE_VARIABLE).orElseThrow();
        this.requestCountersTable = template.variable(OrganizationRequestLimit.TABLE_VARIABLE).orElseThrow();
        this.parkedDatamartsTable = template.variable(ParkedDatamartRepository.TABLE_VARIABLE).orElseThrow();
        this.provisioningAttemptsTable = template.variable(ProvisioningAttemptRepository.TABLE_VARIABLE)
                .orElseThrow();
        this.idempotencyKeysTable = template.variable(IdempotencyRecordRepository.TABLE_VARIABLE).orElseThrow();
        this.datamartVersionsTable = template.variable(DatamartVersionRepository.TABLE_VARIABLE).orElseThrow();
    }

    /** The one instance of this test run. */
    public static synchronized LocalDynamoDb instance() {
        if (instance == null) {
            instance = new LocalDynamoDb(TestAws.instance(), TestAws.template());
        }
        return instance;
    }

    public DynamoDbClient client() {
        return aws.dynamoDb();
    }

    public TableNames tables() {
        return tables;
    }

    /** The table of producer grants, as the template names it locally. */
    public String producerGrantsTable() {
        return producerGrantsTable;
    }

    /** The table of per-organization request counts, as the template names it locally. */
    public String requestCountersTable() {
        return requestCountersTable;
    }

    /** The provisioning function's own tables: parked datamarts, and failed tries per message. */
    public List<String> provisioningStateTables() {
        return List.of(parkedDatamartsTable, provisioningAttemptsTable);
    }

    public String parkedDatamartsTable() {
        return parkedDatamartsTable;
    }

    /** The table of idempotency records (HTTP keys, provisioning correlation ids). */
    public String idempotencyKeysTable() {
        return idempotencyKeysTable;
    }

    /** The table of datamarts' kept versions. */
    public String datamartVersionsTable() {
        return datamartVersionsTable;
    }

    public URI endpoint() {
        return aws.endpoint();
    }

    /** The environment template.yaml gives a function, pointed at these tables; the token cache off. */
    public Map<String, String> environment() {
        return new HashMap<>(environment);
    }

    /** Every table made again, empty, so a test starts from nothing. */
    public void reset() {
        for (String table : allTables()) {
            recreate(table);
        }
    }

    /** One table made again: empty, and with a stream that starts afresh. */
    void recreate(String table) {
        aws.recreateTable(definitions.get(table));
    }

    /** The raw stored item, for byte-for-byte comparisons; null if absent. */
    public Map<String, AttributeValue> rawDatamart(String organizationId, String name) {
        Map<String, AttributeValue> item = client().getItem(r -> r.tableName(tables.datamarts()).consistentRead(true)
                .key(Map.of("organizationId", AttributeValue.fromS(organizationId),
                        "name", AttributeValue.fromS(name)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** A reader of the datamarts table's stream, from its oldest record on, as Lambda would deliver it. */
    public DynamoDbStreamEvents datamartsStream() {
        return DynamoDbStreamEvents.of(aws, tables.datamarts());
    }

    /** Every item of every table, for "nothing changed" assertions. */
    public Map<String, Object> snapshot() {
        Map<String, Object> all = new HashMap<>();
        for (String table : allTables()) {
            all.put(table, new HashSet<>(client().scanPaginator(r -> r.tableName(table).consistentRead(true))
                    .items().stream().toList()));
        }
        return all;
    }

    /** The same, without the idempotency records: what a request's own change left, its record apart. */
    public Map<String, Object> snapshotOfData() {
        Map<String, Object> data = snapshot();
        data.remove(idempotencyKeysTable);
        return data;
    }

    private String[] allTables() {
        return new String[] {tables.datamarts(), tables.datasources(), tables.serviceTokens(), producerGrantsTable(),
            requestCountersTable(), parkedDatamartsTable, provisioningAttemptsTable, idempotencyKeysTable,
            datamartVersionsTable};
    }
}
