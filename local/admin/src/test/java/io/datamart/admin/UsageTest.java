package io.datamart.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.admin.LocalAdmin.Run;
import io.datamart.local.MotoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line itself: help everywhere, exit codes, where the connection options may go. */
class UsageTest {
    private static LocalAdmin local;

    @BeforeAll
    static void startLocalAws() {
        local = LocalAdmin.start();
    }


    private static Run run(String... args) {
        return LocalAdmin.run(Clock.systemUTC(), Map.of(), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "token", "token issue", "token list", "token revoke", "datasource",
        "datasource put", "datasource list", "datasource delete", "producer", "producer grant", "producer revoke",
        "producer list"})
    void everyCommandHasHelp(String command) {
        String[] words = command.isEmpty() ? new String[0] : command.split(" ");
        for (String help : new String[] {"--help", "-h"}) {
            String[] args = Stream.concat(Arrays.stream(words), Stream.of(help)).toArray(String[]::new);

            Run run = run(args);

            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.stdout().startsWith("Usage: bin/admin" + (command.isEmpty() ? "" : " " + command) + " "),
                    run.stdout());
            for (String option : new String[] {"--endpoint=URL", "--region=REGION", "--tokens-table=TABLE",
                "--datasources-table=TABLE", "--producers-table=TABLE", "--parked-table=TABLE", "--help"}) {
                assertTrue(run.stdout().contains(option), command + " help shows " + option + ":\n" + run.stdout());
            }
            assertTrue(!run.stdout().contains("--datamarts-table"), "bin/admin never touches datamarts");
            assertEquals("", run.stderr());
        }
    }

    @Test
    void theTopLevelHelpListsTheCommandsAndTheExitCodes() {
        String help = run("--help").stdout();

        assertTrue(help.contains("  token         Issues, lists and revokes the service tokens of an organization."),
                help);
        assertTrue(help.contains("  datasource    Registers, lists and deletes the datasources"), help);
        assertTrue(help.contains("  provisioning  Lists and releases the datamarts whose provisioning requests"),
                help);
        assertTrue(help.contains("Exit codes:"), help);
        assertTrue(help.contains("  2   usage or configuration error"), help);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "token issue                          | Missing required option: '--org=ORG'",
        "token list                           | Missing required option: '--org=ORG'",
        "token revoke --org o                 | Missing required option: '--id=ID'",
        "datasource put --org o               | Missing required option: '--name=NAME'",
        "datasource list                      | Missing required option: '--org=ORG'",
        "datasource delete --name n           | Missing required option: '--org=ORG'",
        "token issue --org                    | Missing required parameter for option '--org'",
        "token issue --org o --bogus          | Unknown option: '--bogus'",
        "tokens list --org o                  | Unmatched arguments from index 0: 'tokens'",
        "token                                | Missing a command: issue, list, revoke or rotate",
        "token rotate --org o                 | Missing required option: '--id=ID'",
        "datasource                           | Missing a command: put, list or delete",
        "producer                             | Missing a command: grant, revoke or list",
    })
    void usageErrorsExitWithTwo(String command, String message) {
        Run run = run(command.split(" "));

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains(message), run.stderr());
        assertEquals("", run.stdout());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "token list --org o                   | name the table: --tokens-table or $SERVICE_TOKENS_TABLE",
        "datasource list --org o              | name the table: --datasources-table or $DATASOURCES_TABLE",
        "producer list --org o                | name the table: --producers-table or $PRODUCER_GRANTS_TABLE",
        "provisioning parked --org o          | name the table: --parked-table or $PARKED_DATAMARTS_TABLE",
    })
    void againstAwsRefusesToGuessATableName(String command, String message) {
        Run run = LocalAdmin.run(Clock.systemUTC(), Map.of("AWS_REGION", "eu-west-1"), command.split(" +"));

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("against AWS, " + message), run.stderr());
    }

    @Test
    void againstAwsRefusesToGuessTheRegion() {
        Run run = LocalAdmin.run(Clock.systemUTC(), Map.of("SERVICE_TOKENS_TABLE", "prod-tokens"),
                "token", "list", "--org", "o");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("against AWS, name the region: --region, $AWS_REGION or "
                + "$AWS_DEFAULT_REGION"), run.stderr());
    }

    @Test
    void againstALocalEndpointFallsBackToTheLocalNamesAndRegion() {
        Run run = run("token", "list", "--org", LocalAdmin.newOrganization(), "--endpoint", local.endpoint());

        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void aBlankOrganizationIsAUsageError() {
        Run run = run("token", "issue", "--org", " ", "--endpoint", local.endpoint());

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("error: --org must not be blank\n", run.stderr());
        assertEquals("", run.stdout());
    }

    @Test
    void noCommandIsAUsageError() {
        Run run = run();

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("Missing a command: token, datasource, producer or provisioning"), run.stderr());
        assertTrue(run.stderr().contains("Usage: bin/admin"), run.stderr());
    }

    @Test
    void connectionOptionsGoBeforeOrAfterTheCommand() {
        String organization = LocalAdmin.newOrganization();
        Run before = run("--endpoint", local.endpoint(), "--datasources-table", "DatasourcesTable",
                "datasource", "put", "--org", organization, "--name", "d");
        Run between = run("datasource", "--endpoint", local.endpoint(), "list", "--org", organization);
        Run after = run("datasource", "list", "--org", organization, "--endpoint", local.endpoint());

        assertEquals(0, before.exitCode(), before.toString());
        assertEquals("NAME  SCHEMA\nd     schema unknown\n", between.stdout(), between.toString());
        assertEquals(between.stdout(), after.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1:8000", "127.0.0.1:8000", "http:///nohost"})
    void anEndpointThatIsNotAnHttpUrlIsAUsageError(String endpoint) {
        Run run = run("token", "list", "--org", "o", "--endpoint", endpoint);

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("--endpoint must be an http(s) URL"), run.stderr());
    }

    @Test
    void anEndpointNothingListensOnIsAConfigurationError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Run run = run("token", "list", "--org", "o", "--endpoint", "http://127.0.0.1:" + closedPort);

        assertEquals(2, run.exitCode(), run.toString());
        // Where moto is missing (a machine without it, or a test run against another endpoint) it says how to get it.
        String getMoto = MotoServer.missing().map(why -> why + ", then ").orElse("");
        assertEquals("error: nothing answers at http://127.0.0.1:" + closedPort + ": " + getMoto
                + "start the local AWS there with bin/local-api --aws-port " + closedPort + "\n", run.stderr(),
                "one line, saying what to do");
    }

    @Test
    void aRegionThatIsNoRegionNameIsAUsageError() {
        Run run = run("token", "list", "--org", "o", "--region", "Mars 1", "--endpoint", local.endpoint());

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("--region must be a region name such as us-east-1, not 'Mars 1'"),
                run.stderr());
    }
}
