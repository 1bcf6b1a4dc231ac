package io.datamart.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import io.datamart.auth.ServiceToken;
import io.datamart.auth.ServiceTokenHashes;
import io.datamart.auth.ServiceTokenRepository;
import io.datamart.domain.DatasourceColumn;
import io.datamart.domain.DatasourceTable;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.wiring.DatamartApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The organizations, tokens and datasources every test starts from, and the documented
 * request bodies. The demo organization matches the sample events in events/.
 */
public final class Fixtures {
    public static final String DEMO_ORG = "demo";
    public static final String DEMO_TOKEN = "dbn_live_local_demo_token";
    public static final String DATASOURCE = "postgres-main";
    public static final String OTHER_ORG = "acme";
    public static final String OTHER_TOKEN = "dbn_live_acme_token";
    /** Tokens of the demo organization that must be refused. */
    public static final String REVOKED_TOKEN = "dbn_live_revoked_token";
    public static final String EXPIRED_TOKEN = "dbn_live_expired_token";

    /** The "Prepare your table structure" example of the Create Datamart page. */
    public static final String DOCUMENTED_CREATE_BODY = """
            {
              "name": "sales-analytics",
              "datasourceName": "postgres-main",
              "tableList": [
                {
                  "schemaName": "public",
                  "name": "orders",
                  "label": "Customer Orders",
                  "clientColumn": "tenant_id",
                  "isHide": false,
                  "columns": [
                    {"name": "order_id", "alias": "id", "label": "Order ID", "isHide": false},
                    {"name": "customer_id", "label": "Customer", "isHide": false},
                    {"name": "order_date", "alias": "date", "label": "Order Date", "isHide": false}
                  ]
                }
              ],
              "tenancySettings": {
                "tenancyLevel": "TABLE",
                "clientColumnType": "STRING",
                "schemaName": "public",
                "tableName": "client_mapping",
                "tableClientNameColumn": "client_id",
                "tablePrimaryKeyColumn": "id"
              },
              "relationships": [
                {
                  "parentTableName": "orders",
                  "parentColumnName": "customer_id",
                  "childTableName": "customers",
                  "childColumnName": "id",
                  "relationshipName": "orders_to_customers",
                  "cardinality": "ManyToOne",
                  "join": "LEFT JOIN"
                }
              ]
            }
            """;

    /**
     * The producers that may provision for the demo organization: the role of the test
     * records and the sample events, the bus sources of the sample events, and the one
     * sender moto gives every message (what the forwarder's role resolves to locally).
     */
    public static final List<String> PRODUCERS = List.of("role:AROAEXAMPLEID", "source:datamart.producer.tenants",
            "source:datamart.producer.warehouse", "role:" + io.datamart.local.TemplateModel.LOCAL_PRINCIPAL_ID);

    /** A datasource of the demo organization whose schema is known, so schema-aware checks apply. */
    public static final String WAREHOUSE = "warehouse";

    /**
     * The warehouse's schema: the tables and columns the documented examples use, plus a
     * table name found in two schemas.
     */
    public static final List<DatasourceTable> CATALOG = List.of(
            table("public", "orders", "order_id", "customer_id", "order_date", "tenant_id", "quantity",
                    "unit_price", "status"),
            table("public", "customers", "id", "first_name", "last_name", "email", "status", "tenant_id"),
            table("public", "client_mapping", "id", "client_id", "client_name"),
            table("public", "events", "event_id", "occurred_at"),
            table("audit", "events", "event_id", "actor"));

    private Fixtures() {
    }

    private static DatasourceTable table(String schemaName, String name, String... columns) {
        return new DatasourceTable(schemaName, name,
                java.util.Arrays.stream(columns).map(c -> new DatasourceColumn(c, null)).toList());
    }

    /** Every table made again, empty, then the two organizations with their tokens and datasources. */
    public static LocalDynamoDb freshDatabase() {
        LocalDynamoDb db = LocalDynamoDb.instance();
        db.reset();
        Clock clock = Clock.systemUTC();
        ServiceTokenRepository tokens = new ServiceTokenRepository(db.client(), db.tables());
        Instant now = Instant.now();
        tokens.save(token(DEMO_TOKEN, DEMO_ORG, now, null, null));
        tokens.save(token(OTHER_TOKEN, OTHER_ORG, now, null, null));
        tokens.save(token(REVOKED_TOKEN, DEMO_ORG, now, null, now.minusSeconds(60)));
        tokens.save(token(EXPIRED_TOKEN, DEMO_ORG, now.minusSeconds(7200), now.minusSeconds(3600), null));
        DatasourceRepository datasources = new DatasourceRepository(db.client(), db.tables(), clock);
        datasources.save(DEMO_ORG, DATASOURCE);
        datasources.save(OTHER_ORG, DATASOURCE);
        datasources.save(DEMO_ORG, WAREHOUSE, CATALOG);
        ProducerGrantRepository grants = new ProducerGrantRepository(db.client(), db.producerGrantsTable(), clock);
        PRODUCERS.forEach(producer -> grants.grant(producer, DEMO_ORG));
        return db;
    }

    public static ServiceToken token(String token, String organizationId, Instant createdAt, Instant expiresAt,
            Instant revokedAt) {
        return new ServiceToken(ServiceTokenHashes.sha256(token), "tok-" + token.hashCode(), null, organizationId,
                createdAt, expiresAt, revokedAt);
    }

    /** The functions' wiring against the local tables, as Lambda would build it from template.yaml's environment. */
    public static DatamartApi api(LocalDynamoDb db) {
        return api(db, db.client());
    }

    /** The same wiring over another client, such as one that injects faults. */
    public static DatamartApi api(LocalDynamoDb db, DynamoDbClient client) {
        return DatamartApi.create(client, db.environment(), Clock.systemUTC());
    }

    /** A fresh, mutable copy of the documented create body. */
    public static ObjectNode documentedCreateBody() {
        return object(DOCUMENTED_CREATE_BODY);
    }

    /** The documented create body under another name. */
    public static ObjectNode createBody(String name) {
        ObjectNode body = documentedCreateBody();
        body.put("name", name);
        return body;
    }

    public static ObjectNode object(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
