package io.datamart.persistence;

import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartSummary;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.VersionMatch;
import io.datamart.aws.CallBudget;
import io.datamart.error.ConcurrentModificationException;
import io.datamart.error.DatamartAlreadyExistsException;
import io.datamart.error.DatamartNotFoundException;
import io.datamart.error.DatasourceNotFoundException;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.PreconditionFailedException;
import io.datamart.error.ServiceUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Datamarts in DynamoDB, keyed by organization and name. Every change is one
 * conditional transaction, so DynamoDB itself decides races: a change made from what was
 * read is conditional on it still being as read. Each transaction also writes the kept
 * versions ({@link DatamartVersionRepository}), so history and datamart never disagree.
 */
public final class DatamartRepository {
    /**
     * The datamarts table's index of names alone (template.yaml: keys only), which makes
     * finding where a page starts cheap.
     */
    public static final String NAMES_INDEX = "NamesOnly";

    private static final String EXISTS = "attribute_exists(#organizationId)";
    private static final String NOT_EXISTS = "attribute_not_exists(#organizationId)";
    private static final Map<String, String> KEY_NAME = Map.of("#organizationId", Keys.ORGANIZATION_ID);

    /** How often an update or delete is made again from a fresh read when the datamart changed in between. */
    static final int MAX_CHANGED_ATTEMPTS = 3;

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;
    private final DatamartVersionRepository versions;

    public DatamartRepository(DynamoDbClient dynamoDb, TableNames tables, Clock clock,
            DatamartVersionRepository versions) {
        this.dynamoDb = dynamoDb;
        this.tables = tables;
        this.clock = clock;
        this.versions = versions;
    }

    /**
     * Stores a new datamart in one transaction: the put succeeds only if no datamart of
     * that name exists in the organization, and only if the datasource exists there.
     * Of any number of concurrent creates of one name, exactly one succeeds.
     */
    public void create(String organizationId, DatamartDefinition definition) {
        create(organizationId, definition, null);
    }

    /** The same, with {@code with} (null: nothing) committed in the same transaction. */
    public void create(String organizationId, DatamartDefinition definition, CommittedWith with) {
        create(organizationId, definition, with, null);
    }

    /**
     * The same, the datasource required at {@code datasourceRevision}, the revision the
     * definition was validated against (null: any): a datasource changed since is caught
     * by the transaction itself.
     *
     * @throws DatasourceChangedException the datasource is not at that revision (or gone)
     */
    public void create(String organizationId, DatamartDefinition definition, CommittedWith with,
            String datasourceRevision) {
        create(organizationId, definition, with, datasourceRevision, null);
    }

    /** The same, its version entry saying the change was made by {@code changedBy} (null: not known). */
    public void create(String organizationId, DatamartDefinition definition, CommittedWith with,
            String datasourceRevision, String changedBy) {
        if (!Keys.isStorableName(definition.datasourceName())) {
            throw new DatasourceNotFoundException();
        }
        Instant now = now();
        Map<String, AttributeValue> item = DatamartItems.newItem(organizationId, definition, now);
        requireFits(ItemSize.of(item));
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().put(Put.builder()
                        .tableName(tables.datamarts())
                        .item(item)
                        .conditionExpression(NOT_EXISTS)
                        .expressionAttributeNames(KEY_NAME)
                        .build()).build(),
                datasourceCheck(organizationId, definition.datasourceName(), datasourceRevision),
                versions.put(new Datamart(organizationId, definition, now, now, 1), changedBy)));
        transact(writes, with, definition.name(), "the datamart", reasons -> {
            if (failedCondition(reasons, 1)) {
                throw datasourceRevision == null ? new DatasourceNotFoundException() : new DatasourceChangedException();
            }
            if (failedCondition(reasons, 0)) {
                throw new DatamartAlreadyExistsException();
            }
        });
    }

    /** The datasource exists, at {@code revision} when one is given ("": saved before revisions were kept). */
    private TransactWriteItem datasourceCheck(String organizationId, String datasourceName, String revision) {
        ConditionCheck.Builder check = ConditionCheck.builder()
                .tableName(tables.datasources())
                .key(Keys.of(organizationId, datasourceName));
        if (revision == null) {
            check.conditionExpression(EXISTS).expressionAttributeNames(KEY_NAME);
        } else if (revision.isEmpty()) {
            check.conditionExpression(EXISTS + " AND attribute_not_exists(#revision)")
                    .expressionAttributeNames(Map.of("#organizationId", Keys.ORGANIZATION_ID,
                            "#revision", DatasourceRepository.REVISION));
        } else {
            check.conditionExpression(EXISTS + " AND #revision = :revision")
                    .expressionAttributeNames(Map.of("#organizationId", Keys.ORGANIZATION_ID,
                            "#revision", DatasourceRepository.REVISION))
                    .expressionAttributeValues(Map.of(":revision", AttributeValues.string(revision)));
        }
        return TransactWriteItem.builder().conditionCheck(check.build()).build();
    }

    /**
     * Commits {@code writes}, and {@code with}'s item for {@code name} after them, in one
     * transaction. {@code onFailedCondition} turns a failed condition of one of the writes
     * into its outcome; a failed condition of {@code with} means its claim was lost.
     */
    private void transact(List<TransactWriteItem> writes, CommittedWith with, String name, String tooLargeSubject,
            Consumer<List<CancellationReason>> onFailedCondition) {
        List<TransactWriteItem> items = new ArrayList<>(writes);
        if (with != null) {
            items.add(with.itemFor(name));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                // The token makes the SDK's own retries of this call idempotent: a retry after a
                // lost response succeeds instead of failing its own conditions.
                dynamoDb.transactWriteItems(request -> request
                        .transactItems(items)
                        .clientRequestToken(UUID.randomUUID().toString()));
                return;
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (with != null && failedCondition(reasons, writes.size())) {
                    throw new IdempotencyClaimLostException();
                }
                onFailedCondition.accept(reasons);
                // DynamoDB reports an item over 400 KB inside a transaction as a cancellation reason.
                if (reasons.stream().anyMatch(DatamartRepository::isItemTooLarge)) {
                    throw tooLarge(tooLargeSubject);
                }
                boolean conflict = reasons.stream().anyMatch(reason -> "TransactionConflict".equals(reason.code()));
                boolean throttled = reasons.stream().anyMatch(reason -> "ThrottlingError".equals(reason.code()));
                if (!conflict && !throttled) {
                    throw cancelled;
                }
                // Cancelled, so nothing was written: try again, as DynamoDbRetryPolicy says.
                if (attempt == DynamoDbRetryPolicy.MAX_TRANSACTION_ATTEMPTS || !backOff(attempt)) {
                    // Other writes of this datamart kept winning, or DynamoDB kept throttling: the client may retry.
                    throw conflict ? new ConcurrentModificationException() : ServiceUnavailableException.busy(cancelled);
                }
            } catch (DynamoDbException rejected) {
                // Our estimate of the size and DynamoDB's may differ by a byte at the limit.
                if (isItemTooLarge(rejected)) {
                    throw tooLarge(tooLargeSubject);
                }
                throw rejected;
            }
        }
    }

    /**
     * Replaces the parts the update carries and bumps the version, in one write that
     * requires the datamart to exist: an update can never create (or resurrect) one.
     */
    public void update(String organizationId, DatamartUpdate update) {
        update(organizationId, update, null);
    }

    /**
     * The same, applied only to the datamart exactly as {@code validatedAgainst} was read
     * (null: whatever is stored): the same incarnation ({@code createdAt}) at the same
     * {@code version}. An update validated against what was read can then land neither on
     * a datamart deleted and created again nor over another update (a new table list that
     * its relationships were not checked against, say).
     *
     * @throws DatamartChangedException when the datamart exists but is not as it was read
     */
    public void update(String organizationId, DatamartUpdate update, Datamart validatedAgainst) {
        update(organizationId, update, validatedAgainst, null);
    }

    /**
     * The same, with {@code with} (null: nothing) committed in the same transaction.
     * Without {@code validatedAgainst}, the datamart is read first: its version entry needs
     * the full definition the update makes.
     */
    public void update(String organizationId, DatamartUpdate update, Datamart validatedAgainst, CommittedWith with) {
        update(organizationId, update, validatedAgainst, with, null);
    }

    /** The same, its version entry saying the change was made by {@code changedBy} (null: not known). */
    public void update(String organizationId, DatamartUpdate update, Datamart validatedAgainst, CommittedWith with,
            String changedBy) {
        if (!Keys.isStorableName(update.datamartName())) {
            throw new DatamartNotFoundException();
        }
        if (validatedAgainst != null) {
            update(update, validatedAgainst, with, changedBy);
            return;
        }
        for (int attempt = 1; ; attempt++) {
            Datamart stored = find(organizationId, update.datamartName()).orElseThrow(DatamartNotFoundException::new);
            try {
                update(update, stored, with, changedBy);
                return;
            } catch (DatamartChangedException changed) {
                if (attempt == MAX_CHANGED_ATTEMPTS) {
                    throw new ConcurrentModificationException();
                }
            }
        }
    }

    /**
     * One transaction: the datamart updated on condition that it is still {@code read}, the
     * entry of its new version put, and the entry that falls out of the kept ones deleted.
     */
    private void update(DatamartUpdate update, Datamart read, CommittedWith with, String changedBy) {
        String organizationId = read.organizationId();
        Instant now = now();
        Map<String, String> names = new HashMap<>(KEY_NAME);
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder("SET #updatedAt = :now, #version = #version + :one");
        names.put("#updatedAt", DatamartItems.UPDATED_AT);
        names.put("#version", DatamartItems.VERSION);
        values.put(":now", AttributeValues.string(now.toString()));
        values.put(":one", AttributeValues.number(1));
        if (update.tableList() != null) {
            assign(set, names, values, DatamartItems.TABLE_LIST, DatamartItems.tableList(update.tableList()));
        }
        if (update.tenancySettings() != null) {
            assign(set, names, values, DatamartItems.TENANCY_SETTINGS,
                    DatamartItems.tenancySettings(update.tenancySettings()));
        }
        if (update.relationships() != null) {
            assign(set, names, values, DatamartItems.RELATIONSHIPS,
                    DatamartItems.relationships(update.relationships()));
        }
        Map<String, AttributeValue> key = Keys.of(organizationId, update.datamartName());
        requireFits(ItemSize.of(key) + ItemSize.of(values));
        names.put("#createdAt", DatamartItems.CREATED_AT);
        values.put(":createdAt", AttributeValues.string(read.createdAt().toString()));
        values.put(":read", AttributeValues.number(read.version()));
        Datamart written = new Datamart(organizationId, update.appliedTo(read.definition()), read.createdAt(), now,
                read.version() + 1);
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().update(Update.builder()
                        .tableName(tables.datamarts())
                        .key(key)
                        .updateExpression(set.toString())
                        .conditionExpression(EXISTS + " AND #createdAt = :createdAt AND #version = :read")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values).build()).build(),
                versions.put(written, changedBy)));
        versions.deleteBeyondKept(written).ifPresent(writes::add);
        transact(writes, with, update.datamartName(), "with the parts it keeps, the updated datamart", reasons -> {
            if (failedCondition(reasons, 0)) {
                throw changedOrMissing(organizationId, update.datamartName());
            }
        });
    }

    /** An update's condition failed: the datamart is not as it was read, or it is gone. */
    private RuntimeException changedOrMissing(String organizationId, String name) {
        if (find(organizationId, name).isPresent()) {
            return new DatamartChangedException();
        }
        return new DatamartNotFoundException();
    }

    /**
     * Deletes a datamart, and sets its incarnation's kept versions to expire, in one
     * transaction conditional on the datamart still being as read just before (the read
     * tells which versions to keep): a change landing in between makes it read again, up to
     * {@link #MAX_CHANGED_ATTEMPTS} times, then {@link ConcurrentModificationException}.
     */
    public void delete(String organizationId, String name) {
        delete(organizationId, name, null);
    }

    /** The same, with {@code with} (null: nothing) committed in the same transaction. */
    public void delete(String organizationId, String name, CommittedWith with) {
        delete(organizationId, name, with, VersionMatch.ANY);
    }

    /**
     * The same, only while the datamart is at a version {@code ifMatch} accepts: the version
     * read is checked, and the delete's condition requires it, so no change can land between
     * the check and the delete.
     *
     * @throws PreconditionFailedException it is at another version (the one read)
     */
    public void delete(String organizationId, String name, CommittedWith with, VersionMatch ifMatch) {
        if (!Keys.isStorableName(name)) {
            throw new DatamartNotFoundException();
        }
        for (int attempt = 1; ; attempt++) {
            Datamart stored = find(organizationId, name).orElseThrow(DatamartNotFoundException::new);
            if (!ifMatch.matches(stored.version())) {
                throw new PreconditionFailedException(stored.version());
            }
            if (delete(stored, with)) {
                return;
            }
            if (attempt == MAX_CHANGED_ATTEMPTS) {
                throw new ConcurrentModificationException();
            }
        }
    }

    /**
     * One transaction: the datamart deleted on condition that it is still {@code read}
     * (the same incarnation at the same version, so no update lands unseen), and each of
     * its incarnation's kept versions set to expire.
     *
     * @return false when the datamart (or one of its entries) changed since it was read: nothing was written
     */
    private boolean delete(Datamart read, CommittedWith with) {
        String name = read.definition().name();
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().delete(Delete.builder()
                .tableName(tables.datamarts())
                .key(Keys.of(read.organizationId(), name))
                .conditionExpression(EXISTS + " AND #createdAt = :createdAt AND #version = :read")
                .expressionAttributeNames(Map.of("#organizationId", Keys.ORGANIZATION_ID,
                        "#createdAt", DatamartItems.CREATED_AT, "#version", DatamartItems.VERSION))
                .expressionAttributeValues(Map.of(":createdAt", AttributeValues.string(read.createdAt().toString()),
                        ":read", AttributeValues.number(read.version())))
                .build()).build());
        writes.addAll(versions.expireIncarnation(read));
        try {
            transact(writes, with, name, "the datamart", reasons -> {
            });
            return true;
        } catch (TransactionCanceledException cancelled) {
            for (int index = 0; index < writes.size(); index++) {
                if (failedCondition(cancelled.cancellationReasons(), index)) {
                    return false;
                }
            }
            throw cancelled;
        }
    }

    /**
     * The storage path of a request, run for priming before a snapshot and writing nothing:
     * a definition mapped to an item and back, and a read of a datamart that cannot exist.
     *
     * @return the definition as it would read back
     */
    public Datamart prime(String organizationId, DatamartDefinition definition) {
        Datamart mapped = DatamartItems.fromItem(DatamartItems.newItem(organizationId, definition, now()));
        find(organizationId, definition.name());
        return mapped;
    }

    /** Whether a datamart could be stored under this name (DynamoDB's limits on a sort key). */
    public static boolean isStorableName(String name) {
        return Keys.isStorableName(name);
    }

    /** The stored datamart, read with strong consistency. */
    public Optional<Datamart> find(String organizationId, String name) {
        if (!Keys.isStorableName(name)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request
                .tableName(tables.datamarts())
                .key(Keys.of(organizationId, name))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(DatamartItems.fromItem(item));
    }

    /**
     * An organization's datamarts in name order, those after {@code afterName} (null: from
     * the first), at most {@code limit}: one Query on the organization's partition, never a
     * Scan, read lazily page by page, so a caller that stops early reads no further.
     */
    public Stream<Datamart> listAfter(String organizationId, String afterName, int limit) {
        return query(organizationId, null, afterName, limit).map(DatamartItems::fromItem);
    }

    /** The same, reading only names and timestamps. */
    public Stream<DatamartSummary> listSummariesAfter(String organizationId, String afterName, int limit) {
        return query(organizationId, "#name, #createdAt, #updatedAt", afterName, limit)
                .map(item -> new DatamartSummary(item.get(Keys.NAME).s(),
                        Instant.parse(item.get(DatamartItems.CREATED_AT).s()),
                        Instant.parse(item.get(DatamartItems.UPDATED_AT).s())));
    }

    /**
     * The name of the organization's {@code position}-th datamart in name order (1-based),
     * or empty when it has fewer. Read from {@link #NAMES_INDEX}, whose entries hold only
     * the keys: DynamoDB charges a Query by the size of the entries it reads, so finding
     * where page 1,000 starts costs about as much as reading one page of full datamarts,
     * not 999 pages. The index is eventually consistent: a datamart created or deleted in
     * the last moment may shift the boundary by one, as any offset-based page may.
     */
    public Optional<String> nameAt(String organizationId, int position) {
        if (position < 1) {
            throw new IllegalArgumentException("position is 1-based: " + position);
        }
        Map<String, AttributeValue> startAfter = null;
        int left = position;
        String last = null;
        while (left > 0) {
            int wanted = left;
            Map<String, AttributeValue> from = startAfter;
            QueryResponse page = dynamoDb.query(request -> request
                    .tableName(tables.datamarts())
                    .indexName(NAMES_INDEX)
                    .keyConditionExpression("#organizationId = :organizationId")
                    .expressionAttributeNames(KEY_NAME)
                    .expressionAttributeValues(Map.of(":organizationId", AttributeValues.string(organizationId)))
                    .limit(wanted)
                    .exclusiveStartKey(from));
            if (page.count() > 0) {
                left -= page.count();
                last = page.items().get(page.items().size() - 1).get(Keys.NAME).s();
            }
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                break;
            }
            startAfter = page.lastEvaluatedKey();
        }
        return left <= 0 ? Optional.of(last) : Optional.empty();
    }

    private Stream<Map<String, AttributeValue>> query(String organizationId, String projection, String afterName,
            int limit) {
        Map<String, String> names = new HashMap<>(KEY_NAME);
        if (projection != null) {
            names.put("#name", Keys.NAME);
            names.put("#createdAt", DatamartItems.CREATED_AT);
            names.put("#updatedAt", DatamartItems.UPDATED_AT);
        }
        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(tables.datamarts())
                .keyConditionExpression("#organizationId = :organizationId")
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":organizationId", AttributeValues.string(organizationId)))
                .consistentRead(true);
        if (projection != null) {
            request.projectionExpression(projection);
        }
        if (afterName != null) {
            if (!Keys.isStorableName(afterName)) {
                throw new IllegalArgumentException("not a name a datamart can have: " + afterName.length() + " chars");
            }
            request.exclusiveStartKey(Keys.of(organizationId, afterName));
        }
        if (limit < Integer.MAX_VALUE) {
            // Each page reads no more than the caller still wants; the paginator asks again for the rest.
            request.limit(limit);
        }
        return dynamoDb.queryPaginator(request.build()).items().stream().limit(limit);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void assign(StringBuilder set, Map<String, String> names, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        set.append(", #").append(attribute).append(" = :").append(attribute);
        names.put("#" + attribute, attribute);
        values.put(":" + attribute, value);
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static boolean isItemTooLarge(DynamoDbException exception) {
        String message = exception.awsErrorDetails() == null ? null : exception.awsErrorDetails().errorMessage();
        return exception.statusCode() == 400 && message != null && message.toLowerCase(Locale.ROOT).contains("item size");
    }

    private static boolean isItemTooLarge(CancellationReason reason) {
        return "ValidationError".equals(reason.code()) && reason.message() != null
                && reason.message().toLowerCase(Locale.ROOT).contains("size");
    }

    private static void requireFits(long size) {
        if (size > ItemSize.MAX_ITEM_BYTES) {
            throw tooLarge("the datamart is " + size + " bytes, and it");
        }
    }

    private static InvalidRequestException tooLarge(String subject) {
        return InvalidRequestException.of("Datamart is too large to store: " + subject
                + " exceeds DynamoDB's item limit of 400 KB (" + ItemSize.MAX_ITEM_BYTES + " bytes)");
    }

    /** Waits before the next attempt; false, without waiting, when the wait and a call no longer fit the budget. */
    private static boolean backOff(int attempt) {
        Duration pause = DynamoDbRetryPolicy.transactionBackoff(attempt);
        if (CallBudget.shorterThan(pause.plus(CallBudget.MIN_CALL))) {
            return false;
        }
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a cancelled transaction", interrupted);
        }
    }
}
