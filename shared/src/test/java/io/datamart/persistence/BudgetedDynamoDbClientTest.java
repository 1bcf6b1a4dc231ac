package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.aws.AwsClients;
import io.datamart.aws.CallBudget;
import io.datamart.error.ServiceUnavailableException;
import io.datamart.testing.Databases;
import io.datamart.testing.Failures;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.TestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * The functions' DynamoDB client: a DynamoDB that never answers (a loopback socket that
 * accepts and stays silent) is given up on when the invocation's budget says so, not
 * after the client's own 8 s; failures nobody is at fault for become 503s.
 */
class BudgetedDynamoDbClientTest {
    private ServerSocket silent;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startASilentDynamoDb() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-dynamodb");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        silent.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    private DynamoDbClient silentClient() {
        return new BudgetedDynamoDbClient(AwsClients.build(DynamoDbClient.builder(),
                Map.of(DynamoDbClients.ENDPOINT_VARIABLE, "http://127.0.0.1:" + silent.getLocalPort()),
                DynamoDbClients.ENDPOINT_VARIABLE));
    }

    private static <T> T withinSeconds(double seconds, CallBudget.Work<T, RuntimeException> work) {
        return CallBudget.within(new TestContext().remainingTimeMillis((int) (seconds * 1000)), Duration.ZERO, work);
    }

    @Test
    void givesUpOnAnUnansweredReadWhenTheBudgetEnds() {
        try (DynamoDbClient client = silentClient()) {
            long started = System.nanoTime();
            ServiceUnavailableException refused = assertThrows(ServiceUnavailableException.class,
                    () -> withinSeconds(1.5, () -> client.getItem(r -> r.tableName("t")
                            .key(Map.of("k", AttributeValue.fromS("v"))))));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertEquals(ServiceUnavailableException.unanswered(new IllegalStateException()).getMessage(),
                    refused.getMessage());
            // The budget, not the client's own limit, ended the call.
            assertTrue(took.compareTo(CallBudget.MAX_CALL) < 0, () -> "took " + took);
        }
    }

    @Test
    void saysAnUnansweredWriteMayHaveBeenApplied() {
        try (DynamoDbClient client = silentClient()) {
            ServiceUnavailableException refused = assertThrows(ServiceUnavailableException.class,
                    () -> withinSeconds(1, () -> client.deleteItem(r -> r.tableName("t")
                            .key(Map.of("k", AttributeValue.fromS("v"))))));

            assertTrue(refused.getMessage().contains("may or may not have been applied"), refused::getMessage);
        }
    }

    @Test
    void makesNoCallWhenTooLittleIsLeft() {
        try (DynamoDbClient client = silentClient()) {
            assertThrows(ServiceUnavailableException.class, () -> withinSeconds(0.2, () -> client.getItem(r -> r
                    .tableName("t").key(Map.of("k", AttributeValue.fromS("v"))))));
            assertEquals(0, accepted.size(), "no connection was even opened");
        }
    }

    @ParameterizedTest
    @EnumSource(Failures.StorageFailure.class)
    void tellsFailuresNobodyIsAtFaultFromTheRest(Failures.StorageFailure failure) {
        LocalDynamoDb db = Databases.fresh();
        FaultInjectingDynamoDbClient faulty = new FaultInjectingDynamoDbClient(db.client())
                .fail(FaultInjectingDynamoDbClient.Operation.PUT_ITEM, 1, failure::create);
        DynamoDbClient client = new BudgetedDynamoDbClient(faulty);

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> client.putItem(r -> r
                .tableName(db.tables().datamarts())
                .item(Map.of("organizationId", AttributeValue.fromS("o"), "name", AttributeValue.fromS("n")))));

        if (failure.unavailable()) {
            assertEquals(failure.unavailableMessage(true), thrown.getMessage());
            assertTrue(((ServiceUnavailableException) thrown).internalCause().contains(Failures.INTERNAL_TEXT)
                    || failure == Failures.StorageFailure.TIMED_OUT, "the cause is kept for the logs");
        } else {
            assertEquals(failure.create().getClass(), thrown.getClass(), "passed through as it was");
        }
    }

    @Test
    void passesAFailedConditionThroughAsDynamoDbReportedIt() {
        LocalDynamoDb db = Databases.fresh();
        DynamoDbClient client = new BudgetedDynamoDbClient(db.client());
        assertThrows(ConditionalCheckFailedException.class, () -> withinSeconds(10, () -> client.putItem(r -> r
                .tableName(db.tables().datamarts())
                .item(Map.of("organizationId", AttributeValue.fromS("o"), "name", AttributeValue.fromS("n")))
                .conditionExpression("attribute_exists(organizationId)"))));
    }

    private static Map<String, AttributeValue> datamartItem(String label) {
        return Map.of("organizationId", AttributeValue.fromS("o"), "name", AttributeValue.fromS("n"),
                "label", AttributeValue.fromS(label));
    }

    @Test
    void answersEachCallWithWhatDynamoDbAnswered() {
        LocalDynamoDb db = Databases.fresh();
        String table = db.tables().datamarts();
        DynamoDbClient client = new BudgetedDynamoDbClient(db.client());
        client.putItem(r -> r.tableName(table).item(datamartItem("first")));

        assertEquals(datamartItem("first"), client.putItem(r -> r.tableName(table).item(datamartItem("second"))
                .returnValues(ReturnValue.ALL_OLD)).attributes(), "the item the put replaced");
        assertEquals(List.of(datamartItem("second")), client.scan(r -> r.tableName(table)).items());
        assertEquals(datamartItem("second"), client.deleteItem(r -> r.tableName(table)
                .key(Map.of("organizationId", AttributeValue.fromS("o"), "name", AttributeValue.fromS("n")))
                .returnValues(ReturnValue.ALL_OLD)).attributes(), "the item the delete removed");
        TransactWriteItemsResponse committed = client.transactWriteItems(r -> r.transactItems(TransactWriteItem
                .builder().put(p -> p.tableName(table).item(datamartItem("third"))).build()));
        assertNotNull(committed, "a committed transaction is answered, not left without an answer");
        assertEquals(List.of(datamartItem("third")), client.scan(r -> r.tableName(table)).items());
        assertEquals("dynamodb", client.serviceName());
    }

    @Test
    void givesOnlyReadsAnAttemptTimeoutSoAConditionalWriteIsNeverCutShortAndSentAgain() {
        LocalDynamoDb db = Databases.fresh();
        FaultInjectingDynamoDbClient counted = new FaultInjectingDynamoDbClient(db.client());
        DynamoDbClient client = new BudgetedDynamoDbClient(counted);

        withinSeconds(10, () -> client.putItem(r -> r.tableName(db.tables().datamarts()).item(datamartItem("l"))));
        withinSeconds(10, () -> client.getItem(r -> r.tableName(db.tables().datamarts())
                .key(Map.of("organizationId", AttributeValue.fromS("o"), "name", AttributeValue.fromS("n")))));

        assertEquals(List.of(Optional.empty(), Optional.of(CallBudget.MAX_ATTEMPT)), counted.attemptTimeouts());
    }

    @Test
    void passesAWritesTransactionConflictThroughButAnswersAReadsAsBusy() {
        LocalDynamoDb db = Databases.fresh();
        FaultInjectingDynamoDbClient faulty = new FaultInjectingDynamoDbClient(db.client())
                .fail(FaultInjectingDynamoDbClient.Operation.PUT_ITEM, 1, Failures::transactionConflict)
                .fail(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 1, Failures::transactionConflict);
        DynamoDbClient client = new BudgetedDynamoDbClient(faulty);

        // The repository answers a write's conflict as a concurrent modification, so it must see it.
        assertThrows(TransactionConflictException.class,
                () -> client.putItem(r -> r.tableName(db.tables().datamarts()).item(datamartItem("l"))));
        ServiceUnavailableException busy = assertThrows(ServiceUnavailableException.class,
                () -> client.getItem(r -> r.tableName(db.tables().datamarts())
                        .key(Map.of("organizationId", AttributeValue.fromS("o"), "name", AttributeValue.fromS("n")))));
        assertEquals(Failures.StorageFailure.THROTTLED.unavailableMessage(false), busy.getMessage());
    }

    @Test
    void closesTheClientItWraps() {
        boolean[] closed = {false};
        DynamoDbClient wrapped = new DynamoDbClient() {
            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };

        new BudgetedDynamoDbClient(wrapped).close();

        assertTrue(closed[0], "its connections are released with it");
    }
}
