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
import org.junit.jupiter.api.Test;

/** bin/local-api --dynamodb-port N: DynamoDB Local where bin/admin --endpoint can find it. */
class DynamoDbPortTest {

    @Test
    void startsDynamoDbLocalOnTheGivenPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (LocalEnvironment environment = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(), null, port,
                new PrintStream(new ByteArrayOutputStream(), true))) {
            assertEquals(URI.create("http://127.0.0.1:" + port), environment.dynamoDb().endpoint());
            assertEquals(3, environment.dynamoDb().client().listTables().tableNames().size());
        }
    }

    @Test
    void refusesAPortOutOfRange() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = LocalCli.run(new String[] {"serve", "--dynamodb-port", "70000"},
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(LocalCli.CONFIGURATION_ERROR, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--dynamodb-port must be 0 to 65535, not 70000"),
                err.toString(StandardCharsets.UTF_8));
    }
}
