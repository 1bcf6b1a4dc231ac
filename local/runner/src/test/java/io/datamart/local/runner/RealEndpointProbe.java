package io.datamart.local.runner;

import io.datamart.persistence.DynamoDbClients;
import java.util.Map;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.endpoints.DynamoDbEndpointParams;
import software.amazon.awssdk.services.dynamodb.endpoints.DynamoDbEndpointProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Run by {@link JarContentsTest} in a fresh JVM on a function jar: the functions' DynamoDB
 * client with no endpoint override, as on Lambda, making one call. Prints the endpoint
 * DynamoDB's rules resolve and how the call failed, with every cause.
 */
public final class RealEndpointProbe {
    private RealEndpointProbe() {
    }

    public static void main(String[] args) {
        System.out.println("endpoint " + DynamoDbEndpointProvider.defaultProvider()
                .resolveEndpoint(DynamoDbEndpointParams.builder().region(Region.of(System.getenv("AWS_REGION")))
                        .build()).join().url());
        try (DynamoDbClient client = DynamoDbClients.fromEnvironment(System.getenv())) {
            client.getItem(request -> request.tableName("probe").key(Map.of("name", AttributeValue.fromS("probe"))));
            System.out.println("answered");
        } catch (Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                System.out.println((cause == failure ? "failed with " : "caused by ") + cause);
            }
        }
    }
}
