package io.datamart.domain;

import java.util.List;

/**
 * A datasource of an organization. {@code tables} is its known schema (the catalog),
 * or null when the schema is not known, in which case schema-aware checks are skipped.
 */
public record Datasource(String organizationId, String name, List<DatasourceTable> tables) {
    public Datasource {
        tables = tables == null ? null : List.copyOf(tables);
    }
}
