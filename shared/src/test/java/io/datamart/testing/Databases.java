package io.datamart.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link Fixtures#freshDatabase()}, made cheap enough to run before each of hundreds of
 * tests: the first call loads the fixtures; later calls only make the datamarts table
 * again, unless the tokens, datasources or producer grants differ from the fixtures, in which case
 * everything is loaded again. Either way each test starts from exactly the fixtures, and
 * from a datamarts table whose stream holds nothing yet, no kept version of any datamart,
 * and no request counted against any organization's limit.
 */
public final class Databases {
    private static Set<Map<String, AttributeValue>> fixtureTokens;
    private static Set<Map<String, AttributeValue>> fixtureDatasources;
    private static Set<Map<String, AttributeValue>> fixtureGrants;

    private Databases() {
    }

    public static synchronized LocalDynamoDb fresh() {
        LocalDynamoDb db = LocalDynamoDb.instance();
        if (fixtureTokens == null || !fixtureTokens.equals(items(db, db.tables().serviceTokens()))
                || !fixtureDatasources.equals(items(db, db.tables().datasources()))
                || !fixtureGrants.equals(items(db, db.producerGrantsTable()))) {
            Fixtures.freshDatabase();
            fixtureTokens = items(db, db.tables().serviceTokens());
            fixtureDatasources = items(db, db.tables().datasources());
            fixtureGrants = items(db, db.producerGrantsTable());
        } else {
            db.recreate(db.tables().datamarts());
        }
        // Empty unless a test counted requests, parked a datamart, used idempotency keys or
        // kept versions of datamarts: then those start afresh.
        List<String> transientTables = new ArrayList<>(db.provisioningStateTables());
        transientTables.add(db.requestCountersTable());
        transientTables.add(db.idempotencyKeysTable());
        transientTables.add(db.datamartVersionsTable());
        for (String table : transientTables) {
            if (!db.client().scan(r -> r.tableName(table).limit(1)).items().isEmpty()) {
                db.recreate(table);
            }
        }
        return db;
    }

    private static Set<Map<String, AttributeValue>> items(LocalDynamoDb db, String table) {
        return new HashSet<>(scan(db, table));
    }

    private static List<Map<String, AttributeValue>> scan(LocalDynamoDb db, String table) {
        return db.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream().toList();
    }
}
