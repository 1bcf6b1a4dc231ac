package io.datamart.auth;

import java.time.Instant;

/**
 * What is stored about a service token: its SHA-256 hash, never the token. A token
 * is valid while it is not revoked and, if it has an expiry, not expired. Its
 * {@code name} (null: none) is what an operator called it when issuing it, and what the
 * versions a request through it wrote say made the change.
 */
public record ServiceToken(
        String tokenHash,
        String tokenId,
        String name,
        String organizationId,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt) {

    public boolean isValidAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** Who a change made through this token is recorded as: its name, or its id when it has none. */
    public String changeAuthor() {
        return name != null ? name : tokenId;
    }
}
