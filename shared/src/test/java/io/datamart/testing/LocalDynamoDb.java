package io.datamart.testing;

import io.datamart.persistence.TableNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, Amazon's own engine, started in this JVM on a loopback port once per
 * test run, with the tables template.yaml declares. The functions reach it through
 * the same URL-connection client they use on Lambda.
 */
public final class LocalDynamoDb {
    private static LocalDynamoDb instance;

    private final DynamoDbClient client;
    private final TableNames tables;
    private final URI endpoint;

    private LocalDynamoDb(URI endpoint) {
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        Template.load().tables().values().forEach(client::createTable);
        this.tables = new TableNames("DatamartsTable", "DatasourcesTable", "ServiceTokensTable");
    }

    /** The one instance of this test run, started on first use and stopped when the JVM exits. */
    public static synchronized LocalDynamoDb instance() {
        if (instance == null) {
            int port = freePort();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-port", Integer.toString(port)});
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.stop();
                    } catch (Exception ignored) {
                        // the JVM is exiting either way
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start", e);
            }
            instance = new LocalDynamoDb(URI.create("http://127.0.0.1:" + port));
        }
        return instance;
    }

    public DynamoDbClient client() {
        return client;
    }

    public TableNames tables() {
        return tables;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The environment template.yaml gives a function, pointed at these tables; the token cache off. */
    public Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put(TableNames.DATAMARTS_VARIABLE, tables.datamarts());
        environment.put(TableNames.DATASOURCES_VARIABLE, tables.datasources());
        environment.put(TableNames.SERVICE_TOKENS_VARIABLE, tables.serviceTokens());
        environment.put("TOKEN_CACHE_TTL_SECONDS", "0");
        return environment;
    }

    /** Empties every table, so each test starts from nothing. */
    public void reset() {
        for (String table : new String[] {tables.datamarts(), tables.datasources(), tables.serviceTokens()}) {
            var keyNames = client.describeTable(r -> r.tableName(table)).table().keySchema().stream()
                    .map(KeySchemaElement::attributeName).toList();
            client.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(item -> {
                Map<String, AttributeValue> key = new HashMap<>();
                keyNames.forEach(name -> key.put(name, item.get(name)));
                client.deleteItem(r -> r.tableName(table).key(key));
            });
        }
    }

    /** The raw stored item, for byte-for-byte comparisons; null if absent. */
    public Map<String, AttributeValue> rawDatamart(String organizationId, String name) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(tables.datamarts()).consistentRead(true)
                .key(Map.of("organizationId", AttributeValue.fromS(organizationId),
                        "name", AttributeValue.fromS(name)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** Every item of every table, for "nothing changed" assertions. */
    public Map<String, Object> snapshot() {
        Map<String, Object> all = new HashMap<>();
        for (String table : new String[] {tables.datamarts(), tables.datasources(), tables.serviceTokens()}) {
            all.put(table, new java.util.HashSet<>(client.scan(r -> r.tableName(table).consistentRead(true)).items()));
        }
        return all;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
