package io.datamart.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, Amazon's own engine, running in this JVM and listening on a loopback
 * port: in memory, or in a folder that keeps the data across restarts. One shared
 * database whatever the credentials or region a client uses.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
    /** Where sqlite4java finds its native library; the build copies it to target/native-libs. */
    public static final String NATIVE_LIBRARY_PROPERTY = "sqlite4java.library.path";

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streamsClient;

    private EmbeddedDynamoDb(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.client = local(DynamoDbClient.builder(), endpoint);
        this.streamsClient = local(DynamoDbStreamsClient.builder(), endpoint);
    }

    /** A client of this DynamoDB Local, which accepts any credentials. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C local(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * Starts DynamoDB Local on 127.0.0.1.
     *
     * @param dataDir where to keep the data, or null to keep it in memory
     * @param port    the port, or 0 for any free one
     */
    public static EmbeddedDynamoDb start(Path dataDir, int port) {
        String nativeLibraries = System.getProperty(NATIVE_LIBRARY_PROPERTY);
        if (nativeLibraries == null || !Files.isDirectory(Path.of(nativeLibraries))) {
            throw new IllegalStateException("DynamoDB Local needs -D" + NATIVE_LIBRARY_PROPERTY
                    + "=<folder with libsqlite4java>; the build puts it in target/native-libs (was: "
                    + nativeLibraries + ")");
        }
        int chosen = port == 0 ? freePort() : port;
        String[] storage;
        if (dataDir == null) {
            storage = new String[] {"-inMemory"};
        } else {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data folder " + dataDir, e);
            }
            storage = new String[] {"-dbPath", dataDir.toAbsolutePath().toString()};
        }
        // -disableTelemetry: no usage reports, and no metadata file left in the working directory.
        String[] arguments = new String[storage.length + 4];
        System.arraycopy(storage, 0, arguments, 0, storage.length);
        arguments[storage.length] = "-sharedDb";
        arguments[storage.length + 1] = "-disableTelemetry";
        arguments[storage.length + 2] = "-port";
        arguments[storage.length + 3] = Integer.toString(chosen);
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(arguments);
            server.start();
            return new EmbeddedDynamoDb(server, URI.create("http://127.0.0.1:" + chosen));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + chosen + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    public DynamoDbStreamsClient streamsClient() {
        return streamsClient;
    }

    /**
     * Creates each table that does not exist yet (a kept data folder already has them),
     * and turns on the stream of a kept table that was made before it had one.
     */
    public void createTables(Collection<CreateTableRequest> tables) {
        Set<String> existing = new HashSet<>(client.listTablesPaginator(r -> { }).tableNames().stream().toList());
        for (CreateTableRequest table : tables) {
            if (!existing.contains(table.tableName())) {
                client.createTable(table);
            } else if (table.streamSpecification() != null && client.describeTable(r -> r.tableName(table.tableName()))
                    .table().streamSpecification() == null) {
                client.updateTable(r -> r.tableName(table.tableName()).streamSpecification(table.streamSpecification()));
            }
        }
    }

    @Override
    public void close() {
        client.close();
        streamsClient.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
