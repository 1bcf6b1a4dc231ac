package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * template.yaml read as data. It uses only long-form intrinsics, so it is plain YAML,
 * and tests can check the deployed wiring against the code instead of trusting a copy.
 */
public final class Template {
    private final JsonNode root;

    private Template(JsonNode root) {
        this.root = root;
    }

    public static Template load() {
        try {
            return new Template(new ObjectMapper(new YAMLFactory()).readTree(ProjectFiles.template().toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode root() {
        return root;
    }

    public JsonNode resource(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
        }
        return resource;
    }

    /** Logical ids of the resources of one type, in template order. */
    public List<String> resourcesOfType(String type) {
        List<String> ids = new ArrayList<>();
        root.path("Resources").fields().forEachRemaining(resource -> {
            if (type.equals(resource.getValue().path("Type").asText())) {
                ids.add(resource.getKey());
            }
        });
        return ids;
    }

    /** Each DynamoDB table of the template as a CreateTableRequest, named by its logical id. */
    public Map<String, CreateTableRequest> tables() {
        Map<String, CreateTableRequest> tables = new LinkedHashMap<>();
        for (String id : resourcesOfType("AWS::DynamoDB::Table")) {
            JsonNode properties = resource(id).path("Properties");
            List<AttributeDefinition> attributes = new ArrayList<>();
            properties.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                    .attributeName(a.path("AttributeName").asText())
                    .attributeType(a.path("AttributeType").asText()).build()));
            List<KeySchemaElement> keys = new ArrayList<>();
            properties.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                    .attributeName(k.path("AttributeName").asText())
                    .keyType(k.path("KeyType").asText()).build()));
            tables.put(id, CreateTableRequest.builder().tableName(id).attributeDefinitions(attributes)
                    .keySchema(keys).billingMode(BillingMode.PAY_PER_REQUEST).build());
        }
        return tables;
    }
}
