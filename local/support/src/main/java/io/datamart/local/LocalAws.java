package io.datamart.local;

import io.datamart.local.TemplateModel.QueueDefinition;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The AWS services of a local run or a test run, behind one endpoint: moto started here
 * ({@link #start}), or an endpoint already running ({@link #connect}), such as a moto or
 * LocalStack started by hand, or a sandbox account. It creates template.yaml's tables,
 * queues and buses there, and hands out clients built like the functions' own (the
 * URL-connection HTTP client), with any credentials unless AWS_ACCESS_KEY_ID is set.
 */
public final class LocalAws implements AutoCloseable {
    /** {@code -Ddatamart.endpoint=URL}: the tests use that endpoint instead of starting moto. */
    public static final String ENDPOINT_PROPERTY = "datamart.endpoint";
    /** The same switch as an environment variable, the name the AWS CLI and SDKs read too. */
    public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";
    /**
     * The region of every local run, the one the functions' clients default to as well; moto
     * (through serve.py) answers every region from the same data anyway.
     */
    public static final Region REGION = Region.US_EAST_1;

    private final MotoServer server;
    private final URI endpoint;
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final EventBridgeClient eventBridge;

    private LocalAws(MotoServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.dynamoDb = client(DynamoDbClient.builder(), endpoint);
        this.streams = client(DynamoDbStreamsClient.builder(), endpoint);
        this.sqs = client(SqsClient.builder(), endpoint);
        this.eventBridge = client(EventBridgeClient.builder(), endpoint);
    }

    /**
     * Starts moto on 127.0.0.1.
     *
     * @param dataDir where to keep the tables across restarts, or null to keep them in memory
     * @param port    the port, or 0 for any free one
     * @throws MotoServer.UnavailableException when moto cannot run here, saying why in one line
     */
    public static LocalAws start(Path dataDir, int port) {
        MotoServer server = MotoServer.start(dataDir, port);
        return new LocalAws(server, server.endpoint());
    }

    /** Uses an endpoint that is already running; closing this leaves it running. */
    public static LocalAws connect(URI endpoint) {
        return new LocalAws(null, endpoint);
    }

    /**
     * The endpoint {@value #ENDPOINT_PROPERTY} or {@value #ENDPOINT_VARIABLE} names, else
     * moto started here on a free port, in memory: what the tests run against.
     */
    public static LocalAws configured() {
        String endpoint = configuredEndpoint();
        return endpoint == null ? start(null, 0) : connect(URI.create(endpoint));
    }

    static String configuredEndpoint() {
        String property = System.getProperty(ENDPOINT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property.strip();
        }
        String variable = System.getenv(ENDPOINT_VARIABLE);
        return variable == null || variable.isBlank() ? null : variable.strip();
    }

    /** The client of one service at this endpoint. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
            URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)).build())
                .build();
    }

    private static AwsCredentialsProvider credentials() {
        if (System.getenv("AWS_ACCESS_KEY_ID") != null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Whether this run started moto itself (rather than using a running endpoint). */
    public boolean startedHere() {
        return server != null;
    }

    /** For a log line: which engine, where. */
    public String describe() {
        return (server != null ? "moto (local/moto/serve.py)" : "the endpoint given") + " at " + endpoint;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public DynamoDbStreamsClient streams() {
        return streams;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public EventBridgeClient eventBridge() {
        return eventBridge;
    }

    /** template.yaml's tables, queues and event buses, each created unless it exists. */
    public void createResources(TemplateModel template) {
        createTables(template.tables().values());
        createQueues(template.queues().values());
        template.eventBuses().forEach(this::createEventBus);
    }

    /**
     * Creates each table that does not exist yet (a kept data folder already has them),
     * and brings a kept table made by an older template up to date: its stream turned on,
     * its missing indexes added.
     */
    public void createTables(Collection<CreateTableRequest> tables) {
        Set<String> existing = new HashSet<>(dynamoDb.listTablesPaginator(r -> { }).tableNames().stream().toList());
        for (CreateTableRequest table : tables) {
            if (!existing.contains(table.tableName())) {
                create(table);
                continue;
            }
            TableDescription kept = dynamoDb.describeTable(r -> r.tableName(table.tableName())).table();
            if (table.streamSpecification() != null && kept.streamSpecification() == null) {
                dynamoDb.updateTable(r -> r.tableName(table.tableName())
                        .streamSpecification(table.streamSpecification()));
            }
            Set<String> keptIndexes = new HashSet<>();
            kept.globalSecondaryIndexes().forEach(index -> keptIndexes.add(index.indexName()));
            for (GlobalSecondaryIndex index : table.globalSecondaryIndexes()) {
                if (!keptIndexes.contains(index.indexName())) {
                    dynamoDb.updateTable(r -> r.tableName(table.tableName())
                            .attributeDefinitions(table.attributeDefinitions())
                            .globalSecondaryIndexUpdates(update -> update.create(create -> create
                                    .indexName(index.indexName())
                                    .keySchema(index.keySchema())
                                    .projection(index.projection()))));
                }
            }
        }
    }

    /**
     * The table deleted, if it exists, and created again: empty, with a stream that starts
     * afresh. Cheaper than deleting every item, and it keeps the table's stream short,
     * which moto copies whole into every transaction that touches the table.
     */
    public void recreateTable(CreateTableRequest table) {
        try {
            dynamoDb.deleteTable(r -> r.tableName(table.tableName()));
        } catch (ResourceNotFoundException absent) {
            // nothing to delete
        }
        create(table);
    }

    /** Creates the table and waits until it is ACTIVE: at once on moto, after a while elsewhere. */
    private void create(CreateTableRequest table) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                if (dynamoDb.createTable(table).tableDescription().tableStatus() == TableStatus.ACTIVE) {
                    return;
                }
                break;
            } catch (ResourceInUseException stillDeleting) {
                pause(deadline, table.tableName() + " is still being deleted");
            }
        }
        while (status(table.tableName()) != TableStatus.ACTIVE) {
            pause(deadline, table.tableName() + " did not become ACTIVE");
        }
    }

    private TableStatus status(String table) {
        return dynamoDb.describeTable(r -> r.tableName(table)).table().tableStatus();
    }

    private static void pause(long deadline, String giveUp) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(giveUp + " within 2 minutes");
        }
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting: " + giveUp, e);
        }
    }

    /**
     * Creates each queue (CreateQueue is idempotent for the same attributes), the
     * dead-letter queues first, then gives each queue its redrive policy.
     */
    public void createQueues(Collection<QueueDefinition> queues) {
        Map<String, String> urls = new HashMap<>();
        for (QueueDefinition queue : queues) {
            Map<String, String> attributes = queue.attributes();
            urls.put(queue.logicalId(), sqs.createQueue(r -> r.queueName(queue.localName())
                    .attributesWithStrings(attributes)).queueUrl());
        }
        for (QueueDefinition queue : queues) {
            if (queue.deadLetterQueueId() == null) {
                continue;
            }
            String deadLetterArn = queueArn(urls.get(queue.deadLetterQueueId()));
            String policy = "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":"
                    + queue.maxReceiveCount() + "}";
            sqs.setQueueAttributes(r -> r.queueUrl(urls.get(queue.logicalId()))
                    .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy)));
        }
    }

    /**
     * The variables with each queue URL a template Ref resolved to (see
     * {@link TemplateModel#LOCAL_QUEUE_URL_PREFIX}) replaced by the URL this endpoint gives
     * that queue: moto reads only the name, other endpoints read the account too.
     */
    public Map<String, String> withQueueUrls(Map<String, String> variables) {
        Map<String, String> resolved = new LinkedHashMap<>(variables);
        resolved.replaceAll((name, value) -> value.startsWith(TemplateModel.LOCAL_QUEUE_URL_PREFIX)
                ? queueUrl(value.substring(TemplateModel.LOCAL_QUEUE_URL_PREFIX.length())) : value);
        return resolved;
    }

    /** The URL of the queue with this local name, as this endpoint gives it. */
    public String queueUrl(String localName) {
        return sqs.getQueueUrl(r -> r.queueName(localName)).queueUrl();
    }

    public String queueArn(String queueUrl) {
        return sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Creates the bus unless it exists. */
    public void createEventBus(String name) {
        List<String> existing = eventBridge.listEventBuses(r -> r.namePrefix(name)).eventBuses().stream()
                .map(bus -> bus.name()).toList();
        if (!existing.contains(name)) {
            eventBridge.createEventBus(r -> r.name(name));
        }
    }

    @Override
    public void close() {
        dynamoDb.close();
        streams.close();
        sqs.close();
        eventBridge.close();
        if (server != null) {
            server.close();
        }
    }
}
