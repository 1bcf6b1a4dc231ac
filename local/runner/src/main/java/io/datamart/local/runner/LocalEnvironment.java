package io.datamart.local.runner;

import io.datamart.events.EventBridgePublisher;
import io.datamart.local.LocalAws;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.FunctionDefinition;
import io.datamart.persistence.DynamoDbClients;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.provisioning.ProvisioningForwarder;
import io.datamart.persistence.TableNames;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What `sam local` would give: moto as the local AWS (the tables in memory or in a data
 * folder), template.yaml's tables, queues and event bus created there, the seed loaded,
 * and each function started on first use with the environment the template gives it,
 * pointed at moto.
 */
public final class LocalEnvironment implements AutoCloseable {
    private final TemplateModel template;
    private final LocalAws aws;
    private final PrintStream logs;
    private final LocalEventFlow events;
    private final Map<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private final List<ScheduledExecutorService> pollers = new CopyOnWriteArrayList<>();

    private LocalEnvironment(TemplateModel template, LocalAws aws, PrintStream logs) {
        this.template = template;
        this.aws = aws;
        this.logs = logs;
        this.events = new LocalEventFlow(template, aws, this::function, logs);
    }

    /**
     * Starts moto, creates the template's resources, loads the seed.
     *
     * @param dataDir null to keep everything in memory
     * @param logs    where the functions' log lines go
     */
    public static LocalEnvironment start(Path templateFile, Path seedFile, Path dataDir, PrintStream logs) {
        return start(templateFile, seedFile, dataDir, 0, logs);
    }

    /**
     * The same, with moto on the given port of 127.0.0.1 (0: any free one).
     *
     * @throws io.datamart.local.MotoServer.UnavailableException when moto cannot run, saying why in one line
     */
    public static LocalEnvironment start(Path templateFile, Path seedFile, Path dataDir, int awsPort,
            PrintStream logs) {
        TemplateModel template = TemplateModel.load(templateFile);
        SeedFile seed = SeedFile.load(seedFile); // refuse a broken seed before starting anything
        LocalAws aws = LocalAws.start(dataDir, awsPort);
        try {
            aws.createResources(template);
            seed.apply(aws.dynamoDb(), tableNames(template),
                    template.variable(ProducerGrantRepository.TABLE_VARIABLE).orElse(null), Clock.systemUTC());
            return new LocalEnvironment(template, aws, logs);
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
    }

    public TemplateModel template() {
        return template;
    }

    /** The local AWS: moto's endpoint and clients of it. */
    public LocalAws aws() {
        return aws;
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

    /** The environment Lambda would give the function, pointed at the local AWS. */
    Map<String, String> environment(FunctionDefinition definition) {
        Map<String, String> environment = aws.withQueueUrls(definition.environment());
        String endpoint = aws.endpoint().toString();
        environment.put(DynamoDbClients.ENDPOINT_VARIABLE, endpoint);
        environment.put(EventBridgePublisher.ENDPOINT_VARIABLE, endpoint);
        environment.put(ProvisioningForwarder.ENDPOINT_VARIABLE, endpoint);
        environment.put("AWS_REGION", LocalAws.REGION.id());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", definition.logicalId());
        return environment;
    }

    /** Locally each table is named by its logical id, which is what the template's Refs resolve to. */
    static TableNames tableNames(TemplateModel template) {
        FunctionDefinition any = template.functions().values().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException(template.file() + " has no functions"));
        return TableNames.fromEnvironment(any.environment());
    }

    /**
     * Delivers what is still pending (the queues and the bus are not kept across runs),
     * then stops the functions and the local AWS.
     */
    @Override
    public void close() {
        for (ScheduledExecutorService poller : pollers) {
            poller.shutdown();
            try {
                poller.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            events.drain();
        } catch (RuntimeException failure) {
            logs.println("local events: not delivered before stopping: " + failure);
        }
        functions.values().forEach(LocalFunction::close);
        aws.close();
    }
}
