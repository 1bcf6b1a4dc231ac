package io.datamart.wiring;

import io.datamart.api.ApiGatewayHandler;
import io.datamart.api.DatamartJson;
import io.datamart.api.Operation;

import io.datamart.auth.ServiceTokenAuthenticator;
import io.datamart.auth.ServiceTokenRepository;
import io.datamart.persistence.DatamartRepository;
import io.datamart.persistence.DatamartVersionRepository;
import io.datamart.persistence.DatasourceRepository;
import io.datamart.persistence.BudgetedDynamoDbClient;
import io.datamart.aws.AwsClients;
import io.datamart.persistence.DynamoDbClients;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.persistence.TableNames;
import io.datamart.service.DatamartService;
import io.datamart.throttling.OrganizationRequestLimit;
import io.datamart.validation.DatamartValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The composition root: the wiring of one function (its DynamoDB client, tables, token
 * authenticator, service, and the API pipeline), above every layer it wires, so that no
 * layer imports another's wiring. The provisioning function's pipeline is wired on top of
 * this by {@link DatamartProvisioning}, so that nothing here refers to the event-driven
 * code the API functions' jars leave out. Built once per execution
 * environment, during init, which is what SnapStart snapshots; tests build it around the
 * local tables through {@link #create}.
 */
public final class DatamartApi {
    public static final String TOKEN_CACHE_TTL_VARIABLE = "TOKEN_CACHE_TTL_SECONDS";
    static final Duration DEFAULT_TOKEN_CACHE_TTL = Duration.ofSeconds(30);

    /** The operations that check a datamart against its datasource, and so need the datasources table. */
    private static final Set<Operation> READ_DATASOURCES = EnumSet.of(Operation.CREATE, Operation.UPDATE);

    private final TableNames tables;
    private final ServiceTokenAuthenticator authenticator;
    private final OrganizationRequestLimit requestLimit;
    private final DatamartService service;
    private final Map<String, String> environment;
    private final DynamoDbClient dynamoDb;
    private final Clock clock;

    private DatamartApi(TableNames tables, ServiceTokenAuthenticator authenticator,
            OrganizationRequestLimit requestLimit, DatamartService service, Map<String, String> environment,
            DynamoDbClient dynamoDb, Clock clock) {
        this.tables = tables;
        this.authenticator = authenticator;
        this.requestLimit = requestLimit;
        this.service = service;
        this.environment = Map.copyOf(environment);
        this.dynamoDb = dynamoDb;
        this.clock = clock;
    }

    /** The wiring Lambda uses: everything from the function's environment variables. */
    public static DatamartApi fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The same wiring from given variables: how the local runner starts a function. */
    public static DatamartApi fromEnvironment(Map<String, String> environment) {
        return create(DynamoDbClients.fromEnvironment(environment), environment, Clock.systemUTC());
    }

    public static DatamartApi create(DynamoDbClient client, Map<String, String> environment, Clock clock) {
        DynamoDbClient dynamoDb = new BudgetedDynamoDbClient(client);
        TableNames tables = TableNames.fromEnvironment(environment);
        ServiceTokenAuthenticator authenticator = new ServiceTokenAuthenticator(
                new ServiceTokenRepository(dynamoDb, tables), clock, tokenCacheTtl(environment));
        DatamartVersionRepository versions = versions(dynamoDb, environment, clock);
        DatamartService service = new DatamartService(new DatamartValidator(),
                new DatamartRepository(dynamoDb, tables, clock, versions),
                new DatasourceRepository(dynamoDb, tables, clock), versions);
        return new DatamartApi(tables, authenticator,
                OrganizationRequestLimit.fromEnvironment(dynamoDb, environment, clock), service, environment,
                dynamoDb, clock);
    }

    /**
     * The kept versions of the environment's table and limit, each entry the datamart as
     * the read routes render it, so that it reads back the same.
     *
     * @throws IllegalStateException the table is not named, or the limit is not a number it takes
     */
    public static DatamartVersionRepository versions(DynamoDbClient dynamoDb, Map<String, String> environment,
            Clock clock) {
        return DatamartVersionRepository.fromEnvironment(dynamoDb, environment, clock,
                datamart -> DatamartJson.full(datamart).toString());
    }

    /**
     * The request pipeline of a function serving these operations.
     *
     * @throws IllegalStateException a table the operations use is not named in the environment
     */
    public ApiGatewayHandler handler(Operation first, Operation... more) {
        Set<Operation> operations = EnumSet.of(first, more);
        tables.require(TableNames.Table.DATAMARTS, TableNames.Table.SERVICE_TOKENS);
        if (operations.stream().anyMatch(READ_DATASOURCES::contains)) {
            tables.require(TableNames.Table.DATASOURCES);
        }
        IdempotencyRecordRepository records = null;
        if (operations.stream().anyMatch(Operation::writes)) {
            records = new IdempotencyRecordRepository(dynamoDb,
                    AwsClients.required(environment, IdempotencyRecordRepository.TABLE_VARIABLE), clock);
        }
        return ApiGatewayHandler.of(operations, authenticator, requestLimit, service, records);
    }

    public DatamartService service() {
        return service;
    }

    TableNames tables() {
        return tables;
    }

    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    Map<String, String> environment() {
        return environment;
    }

    Clock clock() {
        return clock;
    }

    static Duration tokenCacheTtl(Map<String, String> environment) {
        String seconds = environment.get(TOKEN_CACHE_TTL_VARIABLE);
        if (seconds == null || seconds.isBlank()) {
            return DEFAULT_TOKEN_CACHE_TTL;
        }
        try {
            long value = Long.parseLong(seconds.strip());
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return Duration.ofSeconds(value);
        } catch (NumberFormatException invalid) {
            throw new IllegalStateException(TOKEN_CACHE_TTL_VARIABLE + " must be a whole number of seconds, not '"
                    + seconds + "'", invalid);
        }
    }
}
