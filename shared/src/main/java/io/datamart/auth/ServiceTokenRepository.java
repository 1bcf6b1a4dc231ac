package io.datamart.auth;

import io.datamart.persistence.TableNames;
import java.time.Instant;
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

    public Optional<ServiceToken> find(String tokenHash) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request
                .tableName(table)
                .key(Map.of(TOKEN_HASH, AttributeValue.fromS(tokenHash)))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServiceToken(item.get(TOKEN_HASH).s(), item.get("tokenId").s(),
                item.get("organizationId").s(), instant(item, "createdAt"), instant(item, "expiresAt"),
                instant(item, "revokedAt")));
    }

    public void save(ServiceToken token) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(TOKEN_HASH, AttributeValue.fromS(token.tokenHash()));
        item.put("tokenId", AttributeValue.fromS(token.tokenId()));
        item.put("organizationId", AttributeValue.fromS(token.organizationId()));
        item.put("createdAt", AttributeValue.fromS(token.createdAt().toString()));
        if (token.expiresAt() != null) {
            item.put("expiresAt", AttributeValue.fromS(token.expiresAt().toString()));
        }
        if (token.revokedAt() != null) {
            item.put("revokedAt", AttributeValue.fromS(token.revokedAt().toString()));
        }
        dynamoDb.putItem(request -> request.tableName(table).item(item));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : Instant.parse(value.s());
    }
}
