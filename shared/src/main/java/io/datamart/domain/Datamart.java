package io.datamart.domain;

import java.time.Instant;

/** A stored datamart: its definition plus what the store keeps about it. */
public record Datamart(
        String organizationId,
        DatamartDefinition definition,
        Instant createdAt,
        Instant updatedAt,
        long version) {
}
