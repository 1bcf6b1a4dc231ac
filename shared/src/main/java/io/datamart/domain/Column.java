package io.datamart.domain;

/**
 * A column exposed by a datamart table. A null field was not sent and is not stored;
 * an absent {@code isHide} means false, as documented.
 */
public record Column(
        String name,
        String alias,
        String label,
        Boolean isHide,
        Boolean isCustomColumn,
        String sql,
        Boolean isAggregate,
        Boolean isApplyTimezone) {
}
