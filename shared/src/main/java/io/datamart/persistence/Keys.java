package io.datamart.persistence;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Key attributes shared by the datamarts and datasources tables. */
final class Keys {
    static final String ORGANIZATION_ID = "organizationId";
    static final String NAME = "name";

    /** DynamoDB's limit on a sort key value. */
    private static final int MAX_SORT_KEY_BYTES = 1024;

    private Keys() {
    }

    static Map<String, AttributeValue> of(String organizationId, String name) {
        return Map.of(ORGANIZATION_ID, AttributeValues.string(organizationId), NAME, AttributeValues.string(name));
    }

    /**
     * Whether a name can be a sort key at all. A name that cannot was never stored, so
     * looking it up is answered without asking DynamoDB, which would reject the key
     * with a ValidationException rather than report a miss.
     */
    static boolean isStorableName(String name) {
        return !name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= MAX_SORT_KEY_BYTES
                && io.datamart.validation.Strings.isWellFormedUnicode(name);
    }
}
