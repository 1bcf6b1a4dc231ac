package io.datamart.persistence;

import io.datamart.aws.AwsClients;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the DynamoDB client the functions use (see {@link AwsClients} for how). */
public final class DynamoDbClients {
    /** Points the functions at another DynamoDB, such as moto on a laptop. */
    public static final String ENDPOINT_VARIABLE = "DYNAMODB_ENDPOINT";

    private DynamoDbClients() {
    }

    /** The client, retrying as {@link DynamoDbRetryPolicy} says. */
    public static DynamoDbClient fromEnvironment(Map<String, String> environment) {
        return fromEnvironment(environment, AwsClients.httpClient());
    }

    /** The same client over another HTTP client: how tests fail calls on the wire, under the SDK's retries. */
    public static DynamoDbClient fromEnvironment(Map<String, String> environment, SdkHttpClient http) {
        return AwsClients.build(DynamoDbClient.builder(), environment, ENDPOINT_VARIABLE,
                DynamoDbRetryPolicy.strategy(), http);
    }
}
