package io.datamart.wiring;

import io.datamart.aws.AwsClients;
import io.datamart.events.EventBridgePublisher;
import io.datamart.events.EventPublisher;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.persistence.ParkedDatamartRepository;
import io.datamart.persistence.ProducerGrantRepository;
import io.datamart.persistence.ProvisioningAttemptRepository;
import io.datamart.persistence.TableNames;
import io.datamart.provisioning.ProvisioningPipeline;
import io.datamart.provisioning.ProvisioningQueue;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The provisioning function's part of the composition root: its pipeline over the same
 * service, tables and clients as the API's ({@link DatamartApi}), its outcomes published to
 * a bus. Apart from DatamartApi because the API functions' jars leave the event-driven
 * code out, and a class that names it must not be loaded there.
 */
public final class DatamartProvisioning {
    private DatamartProvisioning() {
    }

    /** The pipeline Lambda runs: outcomes go to the bus the environment names. */
    public static ProvisioningPipeline pipeline(DatamartApi api) {
        requireTables(api); // a missing table is the first thing a misconfigured function reports
        return pipeline(api, EventBridgePublisher.fromEnvironment(api.environment()));
    }

    /**
     * The same pipeline with where outcomes are published given: how tests make the bus
     * refuse them.
     *
     * @throws IllegalStateException a table the pipeline uses is not named in the environment
     */
    public static ProvisioningPipeline pipeline(DatamartApi api, EventPublisher outcomes) {
        requireTables(api);
        DynamoDbClient dynamoDb = api.dynamoDb();
        Map<String, String> environment = api.environment();
        Clock clock = api.clock();
        ProvisioningPipeline.State state = new ProvisioningPipeline.State(
                new ProducerGrantRepository(dynamoDb,
                        AwsClients.required(environment, ProducerGrantRepository.TABLE_VARIABLE), clock),
                new ParkedDatamartRepository(dynamoDb,
                        AwsClients.required(environment, ParkedDatamartRepository.TABLE_VARIABLE), clock),
                new ProvisioningAttemptRepository(dynamoDb,
                        AwsClients.required(environment, ProvisioningAttemptRepository.TABLE_VARIABLE), clock),
                new IdempotencyRecordRepository(dynamoDb,
                        AwsClients.required(environment, IdempotencyRecordRepository.TABLE_VARIABLE), clock),
                ProvisioningQueue.fromEnvironment(environment));
        return new ProvisioningPipeline(api.service(), outcomes, state,
                ProvisioningPipeline.Settings.fromEnvironment(environment));
    }

    private static void requireTables(DatamartApi api) {
        api.tables().require(TableNames.Table.DATAMARTS, TableNames.Table.DATASOURCES);
    }
}
