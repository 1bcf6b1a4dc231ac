package io.datamart.domain;

import java.util.List;

/**
 * What a client defines when it creates a datamart. {@code tenancySettings} and
 * {@code relationships} are null when they were not sent (an empty relationship list
 * is kept as empty).
 */
public record DatamartDefinition(
        String name,
        String datasourceName,
        List<Table> tableList,
        TenancySettings tenancySettings,
        List<Relationship> relationships) {

    public DatamartDefinition {
        tableList = List.copyOf(tableList);
        relationships = relationships == null ? null : List.copyOf(relationships);
    }
}
