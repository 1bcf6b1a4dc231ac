package io.datamart.local.runner;

import io.datamart.events.EventBridgePublisher;
import io.datamart.local.DynamoDbStreamEvents;
import io.datamart.local.EmbeddedDynamoDb;
import io.datamart.local.LocalMessaging;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.FunctionDefinition;
import io.datamart.persistence.DynamoDbClients;
import io.datamart.provisioning.ProvisioningForwarder;
import io.datamart.persistence.TableNames;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What `sam local` would give: template.yaml's tables in DynamoDB Local (in memory or in
 * a data folder), the seed loaded, and each function started on first use with the
 * environment the template gives it, pointed at DynamoDB Local.
 */
public final class LocalEnvironment implements AutoCloseable {
    private final TemplateModel template;
    private final EmbeddedDynamoDb dynamoDb;
    private final PrintStream logs;
    private final LocalMessaging messaging;
    private final LocalEventFlow events;
    private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private final List<ScheduledExecutorService> pollers = new CopyOnWriteArrayList<>();

    private LocalEnvironment(TemplateModel template, EmbeddedDynamoDb dynamoDb, LocalMessaging messaging,
            PrintStream logs) {
        this.template = template;
        this.dynamoDb = dynamoDb;
        this.messaging = messaging;
        this.logs = logs;
        this.events = new LocalEventFlow(template, messaging, table -> DynamoDbStreamEvents.of(dynamoDb, table),
                this::function, logs);
    }

    /**
     * Starts DynamoDB Local, creates the template's tables, loads the seed.
     *
     * @param dataDir null to keep everything in memory
     * @param logs    where the functions' log lines go
     */
    public static LocalEnvironment start(Path templateFile, Path seedFile, Path dataDir, PrintStream logs) {
        return start(templateFile, seedFile, dataDir, 0, logs);
    }

    /** The same, with DynamoDB Local on the given port of 127.0.0.1 (0: any free one). */
    public static LocalEnvironment start(Path templateFile, Path seedFile, Path dataDir, int dynamoDbPort,
            PrintStream logs) {
        TemplateModel template = TemplateModel.load(templateFile);
        SeedFile seed = SeedFile.load(seedFile); // refuse a broken seed before starting anything
        EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.start(dataDir, dynamoDbPort);
        LocalMessaging messaging = LocalMessaging.start();
        try {
            dynamoDb.createTables(template.tables().values());
            seed.apply(dynamoDb.client(), tableNames(template), Clock.systemUTC());
            return new LocalEnvironment(template, dynamoDb, messaging, logs);
        } catch (RuntimeException e) {
            messaging.close();
            dynamoDb.close();
            throw e;
        }
    }

    public TemplateModel template() {
        return template;
    }

    public EmbeddedDynamoDb dynamoDb() {
        return dynamoDb;
    }

    /** The function with this logical id, loaded and initialised on first use. */
    public LocalFunction function(String logicalId) {
        return functions.computeIfAbsent(logicalId, id -> {
            FunctionDefinition definition = template.function(id, true).orElseThrow();
            return LocalFunction.load(definition, environment(definition), logs);
        });
    }

    /** Loads every function now, so a broken handler or jar stops startup rather than a request. */
    public void loadAllFunctions() {
        template.functions().keySet().forEach(this::function);
    }

    /** The local bus and queue the event-driven functions talk to. */
    public LocalMessaging messaging() {
        return messaging;
    }

    /**
     * Delivers what is pending on the local queues and the table streams to the functions
     * that consume them, and what that causes in turn, until nothing is left.
     */
    public void deliverPendingEvents() {
        events.drain();
    }

    /**
     * From now until {@link #close()}, delivers pending events every {@code interval} on a
     * background thread, as Lambda's pollers would: what `bin/local-api` does, so each
     * change made over HTTP publishes its change event while the server runs.
     */
    public void deliverEventsEvery(Duration interval) {
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "local-events");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                events.drain();
            } catch (RuntimeException failure) {
                logs.println("local events: " + failure);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        pollers.add(poller);
    }

    private Map<String, String> environment(FunctionDefinition definition) {
        Map<String, String> environment = new LinkedHashMap<>(definition.environment());
        environment.put(DynamoDbClients.ENDPOINT_VARIABLE, dynamoDb.endpoint().toString());
        environment.put(EventBridgePublisher.ENDPOINT_VARIABLE, messaging.endpoint().toString());
        environment.put(ProvisioningForwarder.ENDPOINT_VARIABLE, messaging.endpoint().toString());
        environment.put("AWS_REGION", "us-east-1");
        environment.put("AWS_LAMBDA_FUNCTION_NAME", definition.logicalId());
        return environment;
    }

    /** Locally each table is named by its logical id, which is what the template's Refs resolve to. */
    static TableNames tableNames(TemplateModel template) {
        FunctionDefinition any = template.functions().values().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException(template.file() + " has no functions"));
        return TableNames.fromEnvironment(any.environment());
    }

    @Override
    public void close() {
        pollers.forEach(ScheduledExecutorService::shutdownNow);
        functions.values().forEach(LocalFunction::close);
        messaging.close();
        dynamoDb.close();
    }
}
