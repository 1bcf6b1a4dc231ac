package io.datamart.domain;

/** A join between two tables; {@code cardinality} and {@code join} may be null. */
public record Relationship(
        String parentTableName,
        String parentColumnName,
        String childTableName,
        String childColumnName,
        String relationshipName,
        Cardinality cardinality,
        JoinType join) {
}
