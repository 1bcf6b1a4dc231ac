package io.datamart.auth;

import io.datamart.persistence.TableNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Service tokens by hash. The functions only read ({@link #find}); saving, listing and
 * revoking are for operators (bin/admin), listing and revoking through the
 * {@code byOrganization} index (organizationId, tokenId).
 */
public final class ServiceTokenRepository {
    static final String TOKEN_HASH = "tokenHash";
    /** The global secondary index template.yaml declares: organizationId (hash), tokenId (range), all attributes. */
    public static final String BY_ORGANIZATION_INDEX = "byOrganization";

    /** What {@link #expireBy} did; {@code expiresAt} is the token's expiry after the call. */
    public record Expiry(Outcome outcome, Instant expiresAt) {
        public enum Outcome { SHORTENED, ALREADY_SOONER, REVOKED, NOT_FOUND }
    }

    /** What {@link #revoke} did. {@code revokedAt} is when the token was revoked, by this call or an earlier one. */
    public record Revocation(Outcome outcome, Instant revokedAt) {
        public enum Outcome { REVOKED, ALREADY_REVOKED, NOT_FOUND }
    }

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;

    public ServiceTokenRepository(DynamoDbClient dynamoDb, TableNames tables) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
    }

    /**
     * The token stored under this hash. An item an operator wrote by hand without an
     * organization, or with a date that does not parse, is treated as no token at all:
     * authentication fails closed rather than with a 500.
     */
    public Optional<ServiceToken> find(String tokenHash) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request
                .tableName(tables.serviceTokens())
                .key(Map.of(TOKEN_HASH, AttributeValue.fromS(tokenHash)))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || string(item, "organizationId") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServiceToken(tokenHash, string(item, "tokenId"), name(item),
                    string(item, "organizationId"), instant(item, "createdAt"), instant(item, "expiresAt"), instant(item, "revokedAt")));
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
        if (token.name() != null) {
            item.put("name", AttributeValue.fromS(token.name()));
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
        dynamoDb.putItem(request -> request.tableName(tables.serviceTokens()).item(item));
    }

    /**
     * The organization's tokens in token id order: a Query on the {@code byOrganization}
     * index, which is eventually consistent (a token saved a moment ago may not be listed
     * yet) and holds only tokens that have a {@code tokenId}.
     *
     * @throws IllegalStateException a stored date does not parse
     */
    public List<ServiceToken> listByOrganization(String organizationId) {
        return dynamoDb.queryPaginator(request -> request
                        .tableName(tables.serviceTokens())
                        .indexName(BY_ORGANIZATION_INDEX)
                        .keyConditionExpression("organizationId = :organizationId")
                        .expressionAttributeValues(Map.of(":organizationId", AttributeValue.fromS(organizationId))))
                .items().stream().map(ServiceTokenRepository::listed).toList();
    }

    /**
     * Revokes the organization's token with this id: found through the
     * {@code byOrganization} index, then one conditional UpdateItem on its hash (still of
     * this organization, not yet revoked), so an earlier revocation date is never
     * overwritten and a token of another organization is never touched.
     */
    public Revocation revoke(String organizationId, String tokenId, Instant now) {
        Revocation result = new Revocation(Revocation.Outcome.NOT_FOUND, null);
        // A token id is random and unique in practice; should two tokens share one, both go.
        for (String hash : hashesOf(organizationId, tokenId)) {
            Revocation one = revokeHash(hash, organizationId, now);
            if (one.outcome().ordinal() < result.outcome().ordinal()) {
                result = one;
            }
        }
        return result;
    }

    /**
     * Makes the organization's token with this id expire at {@code at} at the latest (a
     * token that expires sooner keeps its expiry): the old token's overlap in a rotation.
     * One read through the {@code byOrganization} index, then an UpdateItem conditioned on
     * the token being unchanged since (same organization, not revoked, same expiry).
     */
    public Expiry expireBy(String organizationId, String tokenId, Instant at) {
        return expireBy(organizationId, tokenId, at, 3);
    }

    private Expiry expireBy(String organizationId, String tokenId, Instant at, int attemptsLeft) {
        // The index only finds the hash (it is eventually consistent); the token is read by it.
        Map<String, AttributeValue> item = hashesOf(organizationId, tokenId).stream().findFirst()
                .map(hash -> dynamoDb.getItem(request -> request.tableName(tables.serviceTokens())
                        .key(Map.of(TOKEN_HASH, AttributeValue.fromS(hash))).consistentRead(true)).item())
                .filter(found -> found != null && organizationId.equals(string(found, "organizationId")))
                .orElse(null);
        if (item == null) {
            return new Expiry(Expiry.Outcome.NOT_FOUND, null);
        }
        if (string(item, "revokedAt") != null) {
            return new Expiry(Expiry.Outcome.REVOKED, lenientInstant(item, "expiresAt"));
        }
        Instant current = lenientInstant(item, "expiresAt");
        if (current != null && !current.isAfter(at)) {
            return new Expiry(Expiry.Outcome.ALREADY_SOONER, current);
        }
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":at", AttributeValue.fromS(at.toString()));
        values.put(":organizationId", AttributeValue.fromS(organizationId));
        String unchanged = "organizationId = :organizationId AND attribute_not_exists(revokedAt) AND ";
        if (item.containsKey("expiresAt")) {
            values.put(":current", item.get("expiresAt"));
            unchanged += "expiresAt = :current";
        } else {
            unchanged += "attribute_not_exists(expiresAt)";
        }
        String condition = unchanged;
        try {
            dynamoDb.updateItem(request -> request
                    .tableName(tables.serviceTokens())
                    .key(Map.of(TOKEN_HASH, item.get(TOKEN_HASH)))
                    .updateExpression("SET expiresAt = :at")
                    .conditionExpression(condition)
                    .expressionAttributeValues(values));
            return new Expiry(Expiry.Outcome.SHORTENED, at);
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            // Revoked or given another expiry a moment ago: read it again and judge that.
            if (attemptsLeft <= 1) {
                throw new IllegalStateException("token " + tokenId + " of organization " + organizationId
                        + " kept changing while its expiry was being set; try again", changedMeanwhile);
            }
            return expireBy(organizationId, tokenId, at, attemptsLeft - 1);
        }
    }

    /** The hashes of the organization's tokens with this id: a Query on the {@code byOrganization} index. */
    private List<String> hashesOf(String organizationId, String tokenId) {
        return dynamoDb.queryPaginator(request -> request
                        .tableName(tables.serviceTokens())
                        .indexName(BY_ORGANIZATION_INDEX)
                        .keyConditionExpression("organizationId = :organizationId AND tokenId = :tokenId")
                        .expressionAttributeValues(Map.of(
                                ":organizationId", AttributeValue.fromS(organizationId),
                                ":tokenId", AttributeValue.fromS(tokenId))))
                .items().stream().map(item -> item.get(TOKEN_HASH).s()).toList();
    }

    private Revocation revokeHash(String tokenHash, String organizationId, Instant now) {
        try {
            dynamoDb.updateItem(request -> request
                    .tableName(tables.serviceTokens())
                    .key(Map.of(TOKEN_HASH, AttributeValue.fromS(tokenHash)))
                    .updateExpression("SET revokedAt = :now")
                    .conditionExpression("organizationId = :organizationId AND attribute_not_exists(revokedAt)")
                    .expressionAttributeValues(Map.of(
                            ":now", AttributeValue.fromS(now.toString()),
                            ":organizationId", AttributeValue.fromS(organizationId)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Revocation(Revocation.Outcome.REVOKED, now);
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> old = refused.hasItem() ? refused.item() : Map.of();
            if (organizationId.equals(string(old, "organizationId")) && string(old, "revokedAt") != null) {
                return new Revocation(Revocation.Outcome.ALREADY_REVOKED, lenientInstant(old, "revokedAt"));
            }
            return new Revocation(Revocation.Outcome.NOT_FOUND, null);
        }
    }

    private static ServiceToken listed(Map<String, AttributeValue> item) {
        try {
            return new ServiceToken(string(item, TOKEN_HASH), string(item, "tokenId"), name(item),
                    string(item, "organizationId"),
                    instant(item, "createdAt"), instant(item, "expiresAt"), instant(item, "revokedAt"));
        } catch (DateTimeParseException malformed) {
            throw new IllegalStateException("token " + string(item, "tokenId") + " of organization "
                    + string(item, "organizationId") + " has a malformed date: " + malformed.getParsedString(),
                    malformed);
        }
    }

    /**
     * The token's name, or null when it has none or one {@link ServiceTokenFormat#isWellFormedName}
     * refuses (written by hand, say): a name is copied into every version its token writes.
     */
    private static String name(Map<String, AttributeValue> item) {
        String name = string(item, "name");
        return ServiceTokenFormat.isWellFormedName(name) ? name : null;
    }

    private static Instant lenientInstant(Map<String, AttributeValue> item, String name) {
        try {
            return instant(item, name);
        } catch (DateTimeParseException malformed) {
            return null;
        }
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
