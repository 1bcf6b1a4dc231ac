package io.datamart.auth;

import java.time.Instant;

/**
 * What is stored about a service token: its SHA-256 hash, never the token. A token
 * is valid while it is not revoked and, if it has an expiry, not expired.
 */
public record ServiceToken(
        String tokenHash,
        String tokenId,
        String organizationId,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt) {

    public boolean isValidAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
