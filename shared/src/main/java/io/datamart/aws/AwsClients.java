package io.datamart.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Builds every AWS client the functions use the same way. The URL-connection HTTP
 * client is the JDK's own: no extra threads, no native code, the smallest jar and the
 * fastest init of the SDK's clients, which is what a function serving one request at a
 * time wants. An endpoint variable points a client at a local emulator (moto, on a
 * laptop or in the tests) instead of AWS.
 */
public final class AwsClients {
    private AwsClients() {
    }

    /** A client with the SDK's default retry strategy over the JDK's HTTP client. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder,
            Map<String, String> environment, String endpointVariable) {
        return build(builder, environment, endpointVariable, null, httpClient());
    }

    /**
     * A client with the given retry strategy (null: the SDK's default) over the given HTTP
     * client: the functions pass {@link #httpClient()}; tests pass one that fails on the wire,
     * below the SDK's retries.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder,
            Map<String, String> environment, String endpointVariable, RetryStrategy retries, SdkHttpClient http) {
        String endpoint = environment.get(endpointVariable);
        builder.httpClient(http)
                .region(Region.of(environment.getOrDefault("AWS_REGION", "us-east-1")))
                .overrideConfiguration(config -> {
                    config.apiCallTimeout(Duration.ofSeconds(8));
                    if (retries != null) {
                        config.retryStrategy(retries);
                    }
                });
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint)).credentialsProvider(localCredentials(environment));
        } else {
            // Resolved lazily, so it works both from environment variables and, under
            // SnapStart, from the container credentials endpoint after restore.
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }

    /** The JDK's HTTP client, with the connection and socket timeouts every function uses. */
    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A variable the function cannot run without (a queue URL, a bus name). */
    public static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    /** Local stand-ins accept any credentials; real ones are used when present. */
    private static AwsCredentialsProvider localCredentials(Map<String, String> environment) {
        if (environment.containsKey("AWS_ACCESS_KEY_ID")) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
}
