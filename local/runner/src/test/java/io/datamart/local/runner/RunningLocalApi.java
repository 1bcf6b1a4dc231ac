package io.datamart.local.runner;

import io.datamart.local.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * bin/local-api's server for one test class: moto, the template's resources, the demo
 * seed, every function loaded, on a free port; stopped after the class. Its log lines
 * (the server's and the functions') are kept for the tests to read.
 */
final class RunningLocalApi implements BeforeAllCallback, AfterAllCallback {
    private final boolean deliversEvents;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private LocalEnvironment environment;
    private LocalApiServer server;

    private RunningLocalApi(boolean deliversEvents) {
        this.deliversEvents = deliversEvents;
    }

    /** The server alone. */
    static RunningLocalApi server() {
        return new RunningLocalApi(false);
    }

    /** The server, and the queue, stream and bus delivered every 100 ms, as bin/local-api does. */
    static RunningLocalApi deliveringEvents() {
        return new RunningLocalApi(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        environment = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(), null, logStream());
        environment.loadAllFunctions();
        server = LocalApiServer.start(environment, 0, logStream());
        if (deliversEvents) {
            environment.deliverEventsEvery(Duration.ofMillis(100));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
        environment.close();
    }

    URI url() {
        return server.url();
    }

    /** Where a test's own environment may log, beside the server's lines. */
    PrintStream logStream() {
        return new PrintStream(logs, true);
    }

    /** Every line logged so far. */
    String logs() {
        return logs.toString(StandardCharsets.UTF_8);
    }
}
