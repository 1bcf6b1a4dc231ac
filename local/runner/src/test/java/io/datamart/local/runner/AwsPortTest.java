package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.local.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bin/local-api --aws-port N: the local AWS (moto) where bin/admin --endpoint can find it. */
class AwsPortTest {

    @Test
    void startsTheLocalAwsOnTheGivenPortWithTheTemplatesResources() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (LocalEnvironment environment = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(), null,
                port, new PrintStream(new ByteArrayOutputStream(), true))) {
            assertEquals(URI.create("http://127.0.0.1:" + port), environment.aws().endpoint());
            assertEquals(List.of("DatamartVersionsTable", "DatamartsTable", "DatasourcesTable", "IdempotencyKeysTable",
                    "ParkedDatamartsTable", "ProducerGrantsTable", "ProvisioningAttemptsTable", "RequestCountersTable",
                    "ServiceTokensTable"),
                    environment.aws().dynamoDb().listTables().tableNames().stream().sorted().toList());
            assertEquals(List.of("ChangeEventsDeadLetterQueue", "DatamartEventBus-local-tap",
                    "ProvisioningDeadLetterQueue.fifo", "ProvisioningForwardingDeadLetterQueue",
                    "ProvisioningQueue.fifo"), environment.aws().sqs().listQueues().queueUrls().stream()
                    .map(url -> url.substring(url.lastIndexOf('/') + 1)).sorted().toList());
            assertTrue(environment.aws().eventBridge().listEventBuses(r -> r.namePrefix("DatamartEventBus"))
                    .eventBuses().stream().anyMatch(bus -> bus.name().equals("DatamartEventBus")));
        }
    }

    @Test
    void refusesAPortOutOfRange() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = LocalCli.run(new String[] {"serve", "--aws-port", "70000"},
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(LocalCli.CONFIGURATION_ERROR, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--aws-port must be 0 to 65535, not 70000"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void saysInOneLineWhenThePortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            String[] serve = {"serve", "--port", "0", "--aws-port", String.valueOf(taken.getLocalPort())};
            int exit = LocalCli.run(serve, new PrintStream(new ByteArrayOutputStream(), true),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            String said = err.toString(StandardCharsets.UTF_8);
            assertEquals(LocalCli.CONFIGURATION_ERROR, exit, said);
            assertEquals(1, said.lines().count(), said);
            assertEquals("error: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is in use or not allowed\n", said);
        }
    }
}
