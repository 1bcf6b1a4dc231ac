package io.datamart.persistence;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The datamarts whose provisioning requests are parked: one of their requests failed for
 * good and went to the dead-letter queue, so the later ones must not run ahead of it.
 * One item per datamart (organizationId, name), written by the provisioning function,
 * listed and released by operators ({@code bin/admin provisioning parked|release}).
 */
public final class ParkedDatamartRepository {
    /** The table's name, as template.yaml passes it to the provisioning function. */
    public static final String TABLE_VARIABLE = "PARKED_DATAMARTS_TABLE";

    /** Why and since when a datamart's requests are parked, and the request that went to the dead-letter queue. */
    public record Parking(String organizationId, String name, String parkedAt, String messageId, String reason) {
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public ParkedDatamartRepository(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    /** The parking of the datamart, if its requests are parked; one consistent read. */
    public Optional<Parking> find(String organizationId, String name) {
        if (!Keys.isStorableName(organizationId) || !Keys.isStorableName(name)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(table)
                .key(Keys.of(organizationId, name)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(parking(item));
    }

    /**
     * Parks the datamart's requests behind {@code messageId}. Parking it again keeps the
     * first parking: that is the request an operator must look at first.
     */
    public Parking park(String organizationId, String name, String messageId, String reason) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(Keys.of(organizationId, name));
        item.put("parkedAt", AttributeValues.string(clock.instant().toString()));
        item.put("messageId", AttributeValues.string(messageId));
        item.put("reason", AttributeValues.string(reason));
        try {
            dynamoDb.putItem(request -> request.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#organizationId)")
                    .expressionAttributeNames(Map.of("#organizationId", Keys.ORGANIZATION_ID)));
            return parking(item);
        } catch (ConditionalCheckFailedException alreadyParked) {
            return find(organizationId, name).orElseGet(() -> parking(item));
        }
    }

    /** Lets the datamart's requests run again; empty if they were not parked. */
    public Optional<Parking> release(String organizationId, String name) {
        Map<String, AttributeValue> old = dynamoDb.deleteItem(request -> request.tableName(table)
                .key(Keys.of(organizationId, name)).returnValues(ReturnValue.ALL_OLD)).attributes();
        return old == null || old.isEmpty() ? Optional.empty() : Optional.of(parking(old));
    }

    /** The organization's parked datamarts by name: one Query on its partition. */
    public List<Parking> list(String organizationId) {
        List<Parking> parked = new ArrayList<>();
        dynamoDb.queryPaginator(request -> request.tableName(table).consistentRead(true)
                        .keyConditionExpression("#organizationId = :organizationId")
                        .expressionAttributeNames(Map.of("#organizationId", Keys.ORGANIZATION_ID))
                        .expressionAttributeValues(Map.of(":organizationId", AttributeValues.string(organizationId))))
                .items().forEach(item -> parked.add(parking(item)));
        return parked;
    }

    private static Parking parking(Map<String, AttributeValue> item) {
        return new Parking(text(item, Keys.ORGANIZATION_ID), text(item, "name"), text(item, "parkedAt"),
                text(item, "messageId"), text(item, "reason"));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
