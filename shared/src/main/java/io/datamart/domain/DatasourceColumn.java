package io.datamart.domain;

/** A column a datasource table is known to have; {@code dataType} is null when not known. */
public record DatasourceColumn(String name, String dataType) {
}
