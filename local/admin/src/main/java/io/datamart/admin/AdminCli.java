package io.datamart.admin;

import io.datamart.auth.ServiceTokenRepository;
import io.datamart.local.MotoServer;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.persistence.DynamoDbClients;
import io.datamart.persistence.ParkedDatamartRepository;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.persistence.TableNames;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * {@code bin/admin}: what an operator provisions for an organization, written straight
 * into the tables the functions read: service tokens (only their SHA-256 hash is stored)
 * and datasources with their known schema. Works on the local AWS of {@code bin/local-api}
 * ({@code --endpoint}) or on a deployed stack's tables (default credentials chain).
 *
 * <p>The connection options are inherited by every command, so they may come before or
 * after the command's name.
 */
@Command(name = "bin/admin",
        subcommands = {TokenCommands.class, DatasourceCommands.class, ProducerCommands.class,
            ProvisioningCommands.class},
        description = "Manages the service tokens, datasources, provisioning producers and parked datamarts of "
                + "an organization in "
                + "the Datamart API's DynamoDB tables (the local AWS of bin/local-api with --endpoint, else AWS with "
                + "the default credentials).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the operation failed (no such token or datasource, DynamoDB refused)",
            "2:usage or configuration error (options, schema file, table, endpoint, credentials)"})
public final class AdminCli implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String LOCAL_DATASOURCES_TABLE = "DatasourcesTable";
    static final String LOCAL_SERVICE_TOKENS_TABLE = "ServiceTokensTable";
    static final String LOCAL_PRODUCER_GRANTS_TABLE = "ProducerGrantsTable";
    static final String LOCAL_PARKED_DATAMARTS_TABLE = "ParkedDatamartsTable";
    static final String DEFAULT_REGION = "us-east-1";

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--endpoint", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "DynamoDB endpoint, e.g. http://127.0.0.1:8000 for bin/local-api --aws-port 8000 "
                    + "(dummy credentials unless AWS_ACCESS_KEY_ID is set). Default: AWS itself.")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION", scope = ScopeType.INHERIT,
            description = "AWS region (default: $AWS_REGION, else $AWS_DEFAULT_REGION; with --endpoint, else "
                    + DEFAULT_REGION + ").")
    String region;

    @Option(names = "--datasources-table", paramLabel = "TABLE", scope = ScopeType.INHERIT,
            description = "Datasources table (default: $DATASOURCES_TABLE; with --endpoint, else " + LOCAL_DATASOURCES_TABLE + ").")
    String datasourcesTable;

    @Option(names = "--tokens-table", paramLabel = "TABLE", scope = ScopeType.INHERIT,
            description = "Service tokens table (default: $SERVICE_TOKENS_TABLE; with --endpoint, else "
                    + LOCAL_SERVICE_TOKENS_TABLE + ").")
    String tokensTable;

    @Option(names = "--producers-table", paramLabel = "TABLE", scope = ScopeType.INHERIT,
            description = "Producer grants table (default: $" + ProducerGrantRepository.TABLE_VARIABLE + "; with --endpoint, else "
                    + LOCAL_PRODUCER_GRANTS_TABLE + ").")
    String producersTable;

    @Option(names = "--parked-table", paramLabel = "TABLE", scope = ScopeType.INHERIT,
            description = "Parked datamarts table (default: $" + ParkedDatamartRepository.TABLE_VARIABLE + "; with --endpoint, else "
                    + LOCAL_PARKED_DATAMARTS_TABLE + ").")
    String parkedTable;

    @Spec
    CommandSpec spec;

    final PrintStream out;
    final PrintStream err;
    final Clock clock;
    private final Map<String, String> environment;
    private DynamoDbClient dynamoDb;

    private AdminCli(PrintStream out, PrintStream err, Map<String, String> environment, Clock clock) {
        this.out = out;
        this.err = err;
        this.environment = Map.copyOf(environment);
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv(), Clock.systemUTC()));
    }

    /**
     * Runs one command line. Only {@code token issue} writes a secret, and only to
     * {@code out}; everything else an operator needs to read goes to {@code err} or,
     * for lists, to {@code out}.
     *
     * @param environment where the defaults come from (AWS_REGION, SERVICE_TOKENS_TABLE, ...)
     * @param clock       what "now" is: createdAt, expiresAt, revokedAt and token status
     */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment, Clock clock) {
        AdminCli admin = new AdminCli(out, err, environment, clock);
        CommandLine commandLine = new CommandLine(admin)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((failure, line, parsed) -> {
                    line.getErr().println("error: " + admin.describe(failure));
                    return exitCode(failure);
                });
        try {
            return commandLine.execute(args);
        } finally {
            admin.close();
        }
    }

    /** {@code bin/admin} alone: name a command. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a command: token, datasource, producer or provisioning");
    }

    /** A problem with what the operator gave (a file, an option's value, a table): exit 2. */
    static final class UsageFailure extends RuntimeException {
        UsageFailure(String message) {
            super(message);
        }
    }

    ServiceTokenRepository tokens() {
        return new ServiceTokenRepository(dynamoDb(), new TableNames(null, null, tokensTableName()));
    }

    DatasourceRepository datasources() {
        return new DatasourceRepository(dynamoDb(), new TableNames(null, datasourcesTableName(), null), clock);
    }

    ProducerGrantRepository producerGrants() {
        return new ProducerGrantRepository(dynamoDb(), producerGrantsTableName(), clock);
    }

    String producerGrantsTableName() {
        return table(producersTable, "--producers-table", ProducerGrantRepository.TABLE_VARIABLE,
                LOCAL_PRODUCER_GRANTS_TABLE);
    }

    ParkedDatamartRepository parkedDatamarts() {
        return new ParkedDatamartRepository(dynamoDb(), parkedDatamartsTableName(), clock);
    }

    String parkedDatamartsTableName() {
        return table(parkedTable, "--parked-table", ParkedDatamartRepository.TABLE_VARIABLE,
                LOCAL_PARKED_DATAMARTS_TABLE);
    }

    String tokensTableName() {
        return table(tokensTable, "--tokens-table", TableNames.SERVICE_TOKENS_VARIABLE, LOCAL_SERVICE_TOKENS_TABLE);
    }

    String datasourcesTableName() {
        return table(datasourcesTable, "--datasources-table", TableNames.DATASOURCES_VARIABLE,
                LOCAL_DATASOURCES_TABLE);
    }

    /**
     * Runs a call on one table, turning "no such table" (wrong name, region or endpoint)
     * and "no such index" (a table from an older template) into a usage failure that
     * says which table and which option sets it.
     */
    <T> T onTable(String table, String option, String variable, Supplier<T> call) {
        try {
            return call.get();
        } catch (ResourceNotFoundException missing) {
            throw new UsageFailure("table '" + table + "' does not exist in " + where()
                    + "; set " + option + " or $" + variable + " (and --region / --endpoint)");
        } catch (AwsServiceException refused) {
            String message = refused.awsErrorDetails() == null ? null : refused.awsErrorDetails().errorMessage();
            if (message != null && message.contains("specified index")) {
                throw new UsageFailure("table '" + table + "' in " + where() + " has no '"
                        + ServiceTokenRepository.BY_ORGANIZATION_INDEX
                        + "' index; deploy the current template.yaml (" + message + ")");
            }
            throw refused;
        }
    }

    private String where() {
        return endpoint != null ? endpoint + " (region " + region() + ")" : "region " + region();
    }

    /**
     * The table's name: the option, else the variable, else (only against a local
     * endpoint) the name the template's table has locally. Against AWS the local name
     * would be a guess at a table of some other stack, or of none, so it is refused.
     */
    private String table(String given, String option, String variable, String local) {
        if (given != null) {
            if (given.isBlank()) {
                throw new UsageFailure(option + " must not be blank");
            }
            return given;
        }
        String fromEnvironment = environment.get(variable);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        if (endpoint == null) {
            throw new UsageFailure("against AWS, name the table: " + option + " or $" + variable
                    + " (the stack's outputs hold the names; see docs/operating.md, Operating: bin/admin)");
        }
        return local;
    }

    /** The region: the option, else the variables, else (only against a local endpoint) us-east-1. */
    String region() {
        if (region != null) {
            return region;
        }
        for (String variable : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        if (endpoint == null) {
            throw new UsageFailure("against AWS, name the region: --region, $AWS_REGION or $AWS_DEFAULT_REGION");
        }
        return DEFAULT_REGION;
    }

    /** One client per run, built on first use, configured as the functions configure theirs. */
    private DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            Map<String, String> configuration = new HashMap<>();
            if (endpoint != null) {
                configuration.put(DynamoDbClients.ENDPOINT_VARIABLE, endpointUrl().toString());
            }
            String chosen = region();
            if (chosen.isBlank() || !chosen.matches("[a-z0-9-]+")) {
                throw new UsageFailure("--region must be a region name such as "
                        + DEFAULT_REGION + ", not '" + chosen + "'");
            }
            configuration.put("AWS_REGION", chosen);
            // Against an endpoint, real credentials only when the environment holds some (as the functions do).
            if (environment.containsKey("AWS_ACCESS_KEY_ID")) {
                configuration.put("AWS_ACCESS_KEY_ID", environment.get("AWS_ACCESS_KEY_ID"));
            }
            dynamoDb = DynamoDbClients.fromEnvironment(configuration);
        }
        return dynamoDb;
    }

    private URI endpointUrl() {
        URI url;
        try {
            url = new URI(endpoint);
        } catch (URISyntaxException malformed) {
            url = null;
        }
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || url.getHost() == null) {
            throw new UsageFailure("--endpoint must be an http(s) URL such as http://127.0.0.1:8000, not '"
                    + endpoint + "'");
        }
        return url;
    }

    private void close() {
        if (dynamoDb != null) {
            dynamoDb.close();
        }
    }

    private String describe(Exception failure) {
        if (failure instanceof UsageFailure) {
            return failure.getMessage();
        }
        if (failure instanceof SdkClientException && endpoint != null && refusedOnThisMachine(failure)) {
            URI url = endpointUrl();
            int port = url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
            String start = "start the local AWS there with bin/local-api --aws-port " + port;
            return "nothing answers at " + endpoint + ": "
                    + MotoServer.missing().map(why -> why + ", then " + start).orElse(start);
        }
        if (failure instanceof SdkClientException) {
            return "cannot use DynamoDB (check --endpoint, --region and the AWS credentials): "
                    + failure.getMessage();
        }
        if (failure instanceof AwsServiceException refused && refused.awsErrorDetails() != null) {
            return "DynamoDB refused: " + refused.awsErrorDetails().errorMessage()
                    + " (" + refused.awsErrorDetails().errorCode() + ")";
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    /** A connection refused by this machine: nothing listens at a loopback --endpoint. */
    private boolean refusedOnThisMachine(Throwable failure) {
        String host = endpointUrl().getHost();
        if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("[::1]")) {
            return false;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static int exitCode(Exception failure) {
        return failure instanceof UsageFailure || failure instanceof SdkClientException ? USAGE : FAILED;
    }
}
