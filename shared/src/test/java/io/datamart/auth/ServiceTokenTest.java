package io.datamart.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a stored token says about itself: whether it is valid at an instant, and whom its changes name. */
class ServiceTokenTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private static ServiceToken token(String name, Instant expiresAt, Instant revokedAt) {
        return new ServiceToken("hash", "tok-1", name, "demo", NOW.minusSeconds(3600), expiresAt, revokedAt);
    }

    @Test
    void recordsChangesUnderTheTokensName() {
        assertEquals("nightly-loader", token("nightly-loader", null, null).changeAuthor());
    }

    @Test
    void recordsChangesUnderTheTokensIdWhenItHasNoName() {
        assertEquals("tok-1", token(null, null, null).changeAuthor());
    }

    @Test
    void isValidWithoutExpiryOrRevocation() {
        assertTrue(token(null, null, null).isValidAt(NOW));
    }

    @Test
    void isValidUntilTheMomentItExpires() {
        assertTrue(token(null, NOW.plusMillis(1), null).isValidAt(NOW));
        assertFalse(token(null, NOW, null).isValidAt(NOW), "expired at exactly now");
        assertFalse(token(null, NOW.minusSeconds(1), null).isValidAt(NOW));
    }

    @Test
    void isInvalidOnceRevoked() {
        assertFalse(token(null, null, NOW.minusSeconds(60)).isValidAt(NOW));
        assertFalse(token(null, NOW.plusSeconds(3600), NOW.minusSeconds(60)).isValidAt(NOW),
                "revoked before it would have expired");
    }
}
