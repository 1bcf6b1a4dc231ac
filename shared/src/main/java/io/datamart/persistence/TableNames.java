package io.datamart.persistence;

import java.util.Map;
import java.util.Objects;

/** The DynamoDB tables of one deployment, as template.yaml passes them to the functions. */
public record TableNames(String datamarts, String datasources, String serviceTokens) {
    public static final String DATAMARTS_VARIABLE = "DATAMARTS_TABLE";
    public static final String DATASOURCES_VARIABLE = "DATASOURCES_TABLE";
    public static final String SERVICE_TOKENS_VARIABLE = "SERVICE_TOKENS_TABLE";

    public TableNames {
        Objects.requireNonNull(datamarts, "datamarts");
        Objects.requireNonNull(datasources, "datasources");
        Objects.requireNonNull(serviceTokens, "serviceTokens");
    }

    public static TableNames fromEnvironment(Map<String, String> environment) {
        return new TableNames(required(environment, DATAMARTS_VARIABLE), required(environment, DATASOURCES_VARIABLE),
                required(environment, SERVICE_TOKENS_VARIABLE));
    }

    private static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
