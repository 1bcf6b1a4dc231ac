package io.datamart.auth;

import io.datamart.persistence.TableNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Service tokens by hash. The functions only read; {@link #save} is for provisioning. */
public final class ServiceTokenRepository {
    static final String TOKEN_HASH = "tokenHash";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public ServiceTokenRepository(DynamoDbClient dynamoDb, TableNames tables) {
        this.dynamoDb = dynamoDb;
        this.table = tables.serviceTokens();
    }

    /**
     * The token stored under this hash. An item an operator wrote by hand without an
     * organization, or with a date that does not parse, is treated as no token at all:
     * authentication fails closed rather than with a 500.
     */
    public Optional<ServiceToken> find(String tokenHash) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request
                .tableName(table)
                .key(Map.of(TOKEN_HASH, AttributeValue.fromS(tokenHash)))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || string(item, "organizationId") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServiceToken(tokenHash, string(item, "tokenId"), string(item, "organizationId"),
                    instant(item, "createdAt"), instant(item, "expiresAt"), instant(item, "revokedAt")));
        } catch (DateTimeParseException malformed) {
            return Optional.empty();
        }
    }

    public void save(ServiceToken token) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(TOKEN_HASH, AttributeValue.fromS(token.tokenHash()));
        if (token.tokenId() != null) {
            item.put("tokenId", AttributeValue.fromS(token.tokenId()));
        }
        item.put("organizationId", AttributeValue.fromS(token.organizationId()));
        if (token.createdAt() != null) {
            item.put("createdAt", AttributeValue.fromS(token.createdAt().toString()));
        }
        if (token.expiresAt() != null) {
            item.put("expiresAt", AttributeValue.fromS(token.expiresAt().toString()));
        }
        if (token.revokedAt() != null) {
            item.put("revokedAt", AttributeValue.fromS(token.revokedAt().toString()));
        }
        dynamoDb.putItem(request -> request.tableName(table).item(item));
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Instant.parse(value);
    }
}
