package io.datamart.persistence;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the DynamoDB client. The URL-connection HTTP client is the JDK's own: no
 * extra threads, no native code, the smallest jar and the fastest init of the SDK's
 * clients, which is what a function serving one request at a time wants.
 */
public final class DynamoDbClients {
    /** Points the functions at another DynamoDB, such as DynamoDB Local on a laptop. */
    public static final String ENDPOINT_VARIABLE = "DYNAMODB_ENDPOINT";

    private DynamoDbClients() {
    }

    public static DynamoDbClient fromEnvironment(Map<String, String> environment) {
        String endpoint = environment.get(ENDPOINT_VARIABLE);
        String region = environment.getOrDefault("AWS_REGION", "us-east-1");
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5))
                        .build())
                .region(Region.of(region))
                .overrideConfiguration(config -> config.apiCallTimeout(Duration.ofSeconds(8)));
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint)).credentialsProvider(localCredentials(environment));
        } else {
            // Resolved lazily, so it works both from environment variables and, under
            // SnapStart, from the container credentials endpoint after restore.
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }

    /** DynamoDB Local accepts any credentials; real ones are used when present. */
    private static AwsCredentialsProvider localCredentials(Map<String, String> environment) {
        if (environment.containsKey("AWS_ACCESS_KEY_ID")) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
}
