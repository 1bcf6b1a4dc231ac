package io.datamart.domain;

import java.util.List;

/** A table a datasource is known to hold, with its columns; {@code schemaName} may be null. */
public record DatasourceTable(String schemaName, String name, List<DatasourceColumn> columns) {
    public DatasourceTable {
        columns = List.copyOf(columns);
    }
}
