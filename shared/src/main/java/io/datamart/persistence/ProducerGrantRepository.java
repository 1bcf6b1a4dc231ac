package io.datamart.persistence;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which organizations each provisioning producer may act for: one item per (producer,
 * organization), written by operators ({@code bin/admin producer grant}), read by the
 * provisioning function before it applies a request. A producer is named as
 * {@code io.datamart.provisioning.ProducerIdentity} names it.
 */
public final class ProducerGrantRepository {
    /** The table's name, as template.yaml passes it to the provisioning function. */
    public static final String TABLE_VARIABLE = "PRODUCER_GRANTS_TABLE";
    static final String PRODUCER = "producer";
    static final String ORGANIZATION_ID = "organizationId";

    /** A grant as stored: the producer, the organization and when it was granted (ISO-8601). */
    public record Grant(String producer, String organizationId, String grantedAt) {
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public ProducerGrantRepository(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    /** Whether {@code producer} may act for {@code organizationId}; one consistent read. */
    public boolean mayActFor(String producer, String organizationId) {
        if (producer == null || organizationId == null || !Keys.isStorableName(producer)
                || !Keys.isStorableName(organizationId)) {
            return false;
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(table)
                .key(key(producer, organizationId)).consistentRead(true)).item();
        return item != null && !item.isEmpty();
    }

    /** Lets {@code producer} act for {@code organizationId} (again: a no-op but for the time). */
    public void grant(String producer, String organizationId) {
        Map<String, AttributeValue> item = new java.util.LinkedHashMap<>(key(producer, organizationId));
        item.put("grantedAt", AttributeValues.string(clock.instant().toString()));
        dynamoDb.putItem(request -> request.tableName(table).item(item));
    }

    /** Takes the grant back; false if there was none. */
    public boolean revoke(String producer, String organizationId) {
        Map<String, AttributeValue> old = dynamoDb.deleteItem(request -> request.tableName(table)
                .key(key(producer, organizationId))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
        return old != null && !old.isEmpty();
    }

    /** Every grant of an organization, by producer; a scan, which is fine for a table of grants. */
    public List<Grant> list(String organizationId) {
        List<Grant> grants = new ArrayList<>();
        dynamoDb.scanPaginator(request -> request.tableName(table).consistentRead(true)
                .filterExpression("#organizationId = :organizationId")
                .expressionAttributeNames(Map.of("#organizationId", ORGANIZATION_ID))
                .expressionAttributeValues(Map.of(":organizationId", AttributeValues.string(organizationId))))
                .items().forEach(item -> grants.add(new Grant(item.get(PRODUCER).s(), item.get(ORGANIZATION_ID).s(),
                        item.containsKey("grantedAt") ? item.get("grantedAt").s() : null)));
        grants.sort(java.util.Comparator.comparing(Grant::producer));
        return grants;
    }

    private static Map<String, AttributeValue> key(String producer, String organizationId) {
        return Map.of(PRODUCER, AttributeValues.string(producer), ORGANIZATION_ID, AttributeValues.string(organizationId));
    }
}
