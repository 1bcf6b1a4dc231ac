package io.datamart.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The least a create could do: the event parsed, the body's name read, one conditional
 * PutItem, a response written. No authentication, validation, limits or budgets. The
 * benchmarks run it beside the create function, in the same run, as the baseline their
 * ratios are taken against; it is never deployed.
 */
public final class OnePutItemHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamoDb;
    private final String table;

    public OnePutItemHandler() {
        this(System.getenv());
    }

    /** The seam the local runner loads handlers through: the environment passed in. */
    public OnePutItemHandler(Map<String, String> environment) {
        this.table = environment.get("DATAMARTS_TABLE");
        this.dynamoDb = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5)).build())
                .region(Region.of(environment.getOrDefault("AWS_REGION", "us-east-1")))
                .endpointOverride(URI.create(environment.get("DYNAMODB_ENDPOINT")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        String name = JSON.readTree(event.path("body").asText()).path("name").asText();
        int status = 200;
        try {
            dynamoDb.putItem(request -> request.tableName(table)
                    .item(Map.of("organizationId", AttributeValue.fromS("baseline"), "name", AttributeValue.fromS(name)))
                    .conditionExpression("attribute_not_exists(#name)")
                    .expressionAttributeNames(Map.of("#name", "name")));
        } catch (ConditionalCheckFailedException taken) {
            status = 400; // as the create function answers a name already taken
        }
        ObjectNode response = JSON.createObjectNode().put("statusCode", status);
        response.putObject("headers").put("Content-Type", "application/json");
        response.put("body", JSON.createObjectNode().put("id", name).toString());
        JSON.writeValue(output, response);
    }
}
