package io.datamart.domain;

import java.time.Instant;

/**
 * One kept version of a datamart: which incarnation it belongs to ({@code createdAt}: a
 * datamart deleted and created again counts its versions from 1 again), its number, and
 * when it was written, and who wrote it ({@code changedBy}: the name of the service token,
 * or the provisioning producer, that made the change; null where that is not known).
 */
public record DatamartVersion(long version, Instant createdAt, Instant updatedAt, String changedBy) {
}
