package io.datamart.domain;

/**
 * How tenants are isolated. {@code tenancyLevel} is null only for an update that sent
 * tenancy settings without one. {@code primaryDatabase} is always stored, null when
 * absent, and is forced to null for {@code TABLE} tenancy (see {@link #of}).
 */
public record TenancySettings(
        TenancyLevel tenancyLevel,
        ClientColumnType clientColumnType,
        String schemaName,
        String tableName,
        String tableClientNameColumn,
        String tablePrimaryKeyColumn,
        String primaryDatabase) {

    /**
     * Applies the documented rule: only {@code DATABASE} and {@code MULTI_DATABASE} keep a
     * primary database; {@code TABLE}, or settings without a level, clear it.
     */
    public static TenancySettings of(TenancyLevel tenancyLevel, ClientColumnType clientColumnType,
            String schemaName, String tableName, String tableClientNameColumn,
            String tablePrimaryKeyColumn, String primaryDatabase) {
        boolean keepsPrimaryDatabase = tenancyLevel == TenancyLevel.DATABASE
                || tenancyLevel == TenancyLevel.MULTI_DATABASE;
        return new TenancySettings(tenancyLevel, clientColumnType, schemaName, tableName,
                tableClientNameColumn, tablePrimaryKeyColumn, keepsPrimaryDatabase ? primaryDatabase : null);
    }
}
