package io.datamart.domain;

import java.util.List;

/**
 * A validated update: each non-null part replaces the stored one, each null part was
 * not sent and stays as stored. At least one part is non-null.
 */
public record DatamartUpdate(
        String datamartName,
        List<Table> tableList,
        TenancySettings tenancySettings,
        List<Relationship> relationships) {

    public DatamartUpdate {
        tableList = tableList == null ? null : List.copyOf(tableList);
        relationships = relationships == null ? null : List.copyOf(relationships);
        if (tableList == null && tenancySettings == null && relationships == null) {
            throw new IllegalArgumentException("an update changes at least one part");
        }
    }

    /** The full definition this update makes of {@code stored}: each part it carries replaces the stored one. */
    public DatamartDefinition appliedTo(DatamartDefinition stored) {
        return new DatamartDefinition(stored.name(), stored.datasourceName(),
                tableList != null ? tableList : stored.tableList(),
                tenancySettings != null ? tenancySettings : stored.tenancySettings(),
                relationships != null ? relationships : stored.relationships());
    }
}
