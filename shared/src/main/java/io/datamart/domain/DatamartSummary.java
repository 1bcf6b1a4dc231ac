package io.datamart.domain;

import java.time.Instant;

/** A datamart listed without its details: what {@code expandDetails=false} asks for. */
public record DatamartSummary(String name, Instant createdAt, Instant updatedAt) {
}
