package io.datamart.domain;

import java.util.List;

/** A datasource table exposed by a datamart. A null optional field was not sent. */
public record Table(
        String name,
        String schemaName,
        String clientColumn,
        String label,
        String indexPattern,
        Boolean isHide,
        List<Column> columns) {

    public Table {
        columns = List.copyOf(columns);
    }
}
