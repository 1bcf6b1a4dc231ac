package io.datamart.persistence;

import io.datamart.aws.AwsClients;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The kept versions of each datamart, in a table of their own so that the datamart's own
 * item (and its 400 KB limit) is unaffected. One partition per datamart name; one entry
 * per version, sorted by incarnation ({@code createdAt}) and then version, so that a
 * datamart deleted and created again never overwrites the entries of the one before.
 * The entries are written by {@link DatamartRepository} in the same transaction as the
 * change they record; this class builds them and reads them back.
 */
public final class DatamartVersionRepository {
    public static final String TABLE_VARIABLE = "DATAMART_VERSIONS_TABLE";
    public static final String KEPT_VARIABLE = "DATAMART_VERSIONS_KEPT";
    static final int DEFAULT_KEPT = 20;
    /**
     * A delete's transaction holds the delete, an update per kept entry and an idempotency
     * record: DynamoDB takes at most 100 items in one transaction.
     */
    static final int MAX_KEPT = 98;
    /** How long the history of a deleted datamart stays, so it can be created again from it. */
    public static final Duration KEPT_AFTER_DELETE = Duration.ofDays(30);

    static final String PARTITION = "datamart";
    static final String ENTRY = "entry";
    private static final String ORGANIZATION_ID = "organizationId";
    private static final String NAME = "name";
    private static final String VERSION = "version";
    private static final String CREATED_AT = "createdAt";
    private static final String UPDATED_AT = "updatedAt";
    private static final String BODY = "body";
    private static final String CHANGED_BY = "changedBy";
    static final String EXPIRES_AT = "expiresAt";
    /** Names cannot hold control characters (the validator refuses them), so this separator is unambiguous. */
    private static final String SEPARATOR = "\u001f";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final int kept;
    private final Clock clock;
    private final Function<Datamart, String> json;

    /**
     * @param kept how many versions of each incarnation are kept
     * @param json a datamart's full JSON, as the read routes render it: what an entry stores
     */
    public DatamartVersionRepository(DynamoDbClient dynamoDb, String table, int kept, Clock clock,
            Function<Datamart, String> json) {
        if (kept < 1 || kept > MAX_KEPT) {
            throw new IllegalArgumentException("versions kept must be 1 to " + MAX_KEPT + ": " + kept);
        }
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.kept = kept;
        this.clock = clock;
        this.json = json;
    }

    /**
     * The repository of the table and limit the environment names.
     *
     * @throws IllegalStateException the table is not named, or the limit is not a whole number from 1 to 98
     */
    public static DatamartVersionRepository fromEnvironment(DynamoDbClient dynamoDb, Map<String, String> environment,
            Clock clock, Function<Datamart, String> json) {
        String table = AwsClients.required(environment, TABLE_VARIABLE);
        return new DatamartVersionRepository(dynamoDb, table, kept(environment), clock, json);
    }

    static int kept(Map<String, String> environment) {
        String value = environment.get(KEPT_VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT_KEPT;
        }
        try {
            int kept = Integer.parseInt(value.strip());
            if (kept >= 1 && kept <= MAX_KEPT) {
                return kept;
            }
        } catch (NumberFormatException notANumber) {
            // refused below, with the accepted range
        }
        throw new IllegalStateException(KEPT_VARIABLE + " must be a whole number from 1 to " + MAX_KEPT
                + " (versions kept per datamart), not '" + value + "'");
    }

    /** The Put of {@code datamart}'s entry, its full JSON gzipped, made by {@code changedBy} (null: not known). */
    TransactWriteItem put(Datamart datamart, String changedBy) {
        Map<String, AttributeValue> item = new HashMap<>(key(datamart.organizationId(), datamart.definition().name(),
                datamart.createdAt(), datamart.version()));
        item.put(ORGANIZATION_ID, AttributeValues.string(datamart.organizationId()));
        item.put(NAME, AttributeValues.string(datamart.definition().name()));
        item.put(VERSION, AttributeValues.number(datamart.version()));
        item.put(CREATED_AT, AttributeValues.string(datamart.createdAt().toString()));
        item.put(UPDATED_AT, AttributeValues.string(datamart.updatedAt().toString()));
        item.put(BODY, AttributeValue.fromB(SdkBytes.fromByteArray(gzip(json.apply(datamart)))));
        if (changedBy != null) {
            item.put(CHANGED_BY, AttributeValues.string(changedBy));
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build();
    }

    /**
     * The Delete of the entry that falls out of the kept ones once {@code datamart} is
     * written, or empty while the incarnation has no more than that many.
     */
    Optional<TransactWriteItem> deleteBeyondKept(Datamart datamart) {
        long beyond = datamart.version() - kept;
        if (beyond < 1) {
            return Optional.empty();
        }
        return Optional.of(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(key(datamart.organizationId(), datamart.definition().name(), datamart.createdAt(), beyond))
                .build()).build());
    }

    /**
     * The Updates that make the entries of {@code datamart}'s incarnation expire
     * {@link #KEPT_AFTER_DELETE} from now, each conditional on its entry still being there
     * (so none is created anew). Read with strong consistency; every entry of the
     * incarnation up to {@link #MAX_KEPT} (more than the number kept now when that number
     * was lowered), so that none outlives the datamart; the transaction holds 100 items.
     */
    List<TransactWriteItem> expireIncarnation(Datamart datamart) {
        String prefix = sortKeyPrefix(datamart.createdAt());
        long expiresAt = clock.instant().plus(KEPT_AFTER_DELETE).getEpochSecond();
        return dynamoDb.queryPaginator(QueryRequest.builder().tableName(table)
                        .keyConditionExpression("#datamart = :datamart AND begins_with(#entry, :incarnation)")
                        .expressionAttributeNames(Map.of("#datamart", PARTITION, "#entry", ENTRY))
                        .expressionAttributeValues(Map.of(
                                ":datamart", partition(datamart.organizationId(), datamart.definition().name()),
                                ":incarnation", AttributeValues.string(prefix)))
                        .projectionExpression("#datamart, #entry")
                        .scanIndexForward(false)
                        .consistentRead(true)
                        .build())
                .items().stream().limit(MAX_KEPT)
                .map(entry -> TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(Map.of(PARTITION, entry.get(PARTITION), ENTRY, entry.get(ENTRY)))
                        .updateExpression("SET #expiresAt = :expiresAt")
                        .conditionExpression("attribute_exists(#entry)")
                        .expressionAttributeNames(Map.of("#expiresAt", EXPIRES_AT, "#entry", ENTRY))
                        .expressionAttributeValues(Map.of(":expiresAt", AttributeValues.number(expiresAt)))
                        .build()).build())
                .toList();
    }

    /**
     * The kept versions of the datamart of this name, newest first (the newest incarnation's,
     * then older ones'), without those whose time after a delete has run out.
     */
    public List<DatamartVersion> list(String organizationId, String name) {
        return entries(organizationId, name, "#entry, #version, #createdAt, #updatedAt, #expiresAt, #changedBy", null)
                .map(entry -> new DatamartVersion(Long.parseLong(entry.get(VERSION).n()),
                        Instant.parse(entry.get(CREATED_AT).s()), Instant.parse(entry.get(UPDATED_AT).s()),
                        entry.containsKey(CHANGED_BY) ? entry.get(CHANGED_BY).s() : null))
                .toList();
    }

    /** The full JSON of version {@code version} of the newest incarnation that has it. */
    public Optional<String> find(String organizationId, String name, long version) {
        return entries(organizationId, name, null, version).findFirst()
                .map(entry -> gunzip(entry.get(BODY).b().asByteArray()));
    }

    private Stream<Map<String, AttributeValue>> entries(String organizationId, String name, String projection,
            Long version) {
        Map<String, String> names = new HashMap<>(Map.of("#datamart", PARTITION));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":datamart", partition(organizationId, name)));
        QueryRequest.Builder request = QueryRequest.builder().tableName(table)
                .keyConditionExpression("#datamart = :datamart")
                .scanIndexForward(false)
                .consistentRead(true);
        if (projection != null) {
            names.putAll(Map.of("#entry", ENTRY, "#version", VERSION, "#createdAt", CREATED_AT,
                    "#updatedAt", UPDATED_AT, "#expiresAt", EXPIRES_AT, "#changedBy", CHANGED_BY));
            request.projectionExpression(projection);
        }
        if (version != null) {
            names.put("#version", VERSION);
            values.put(":version", AttributeValues.number(version));
            request.filterExpression("#version = :version");
        }
        long now = clock.instant().getEpochSecond();
        // TTL deletes expired items within days, not at once: until then they are skipped here.
        return dynamoDb.queryPaginator(request.expressionAttributeNames(names).expressionAttributeValues(values)
                        .build())
                .items().stream()
                .filter(entry -> !entry.containsKey(EXPIRES_AT) || Long.parseLong(entry.get(EXPIRES_AT).n()) > now);
    }

    private static Map<String, AttributeValue> key(String organizationId, String name, Instant createdAt,
            long version) {
        return Map.of(PARTITION, partition(organizationId, name),
                ENTRY, AttributeValues.string(sortKeyPrefix(createdAt) + String.format("%010d", version)));
    }

    private static AttributeValue partition(String organizationId, String name) {
        return AttributeValues.string(organizationId + SEPARATOR + name);
    }

    /** The sort keys of one incarnation begin with its creation time, in milliseconds, so they sort by time. */
    private static String sortKeyPrefix(Instant createdAt) {
        return String.format("%015d#", createdAt.toEpochMilli());
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    private static String gunzip(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException corrupt) {
            throw new UncheckedIOException("a kept version's body is not gzip", corrupt);
        }
    }
}
