package io.datamart.persistence;

import java.util.Map;

/**
 * The DynamoDB tables of one deployment, as template.yaml passes them to the functions.
 * A function is given only the tables it uses, so a name may be absent (null); asking
 * for an absent one fails naming its variable, and each function's wiring asks for
 * its tables up front ({@link #require}), so a missing variable stops it at init.
 */
public record TableNames(String datamarts, String datasources, String serviceTokens) {
    public static final String DATAMARTS_VARIABLE = "DATAMARTS_TABLE";
    public static final String DATASOURCES_VARIABLE = "DATASOURCES_TABLE";
    public static final String SERVICE_TOKENS_VARIABLE = "SERVICE_TOKENS_TABLE";

    /** Which of the tables a function needs. */
    public enum Table { DATAMARTS, DATASOURCES, SERVICE_TOKENS }

    public static TableNames fromEnvironment(Map<String, String> environment) {
        return new TableNames(given(environment, DATAMARTS_VARIABLE), given(environment, DATASOURCES_VARIABLE),
                given(environment, SERVICE_TOKENS_VARIABLE));
    }

    @Override
    public String datamarts() {
        return required(datamarts, DATAMARTS_VARIABLE);
    }

    @Override
    public String datasources() {
        return required(datasources, DATASOURCES_VARIABLE);
    }

    @Override
    public String serviceTokens() {
        return required(serviceTokens, SERVICE_TOKENS_VARIABLE);
    }

    /**
     * These names, having checked that every table a function needs is named.
     *
     * @throws IllegalStateException naming the first variable that is not set
     */
    public TableNames require(Table... needed) {
        for (Table table : needed) {
            switch (table) {
                case DATAMARTS -> datamarts();
                case DATASOURCES -> datasources();
                case SERVICE_TOKENS -> serviceTokens();
            }
        }
        return this;
    }

    private static String given(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static String required(String value, String variable) {
        if (value == null) {
            throw new IllegalStateException("environment variable " + variable + " is not set");
        }
        return value;
    }
}
