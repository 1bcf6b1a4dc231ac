package io.datamart.auth;

import io.datamart.validation.Strings;

/** The one way a token becomes the key it is stored under. */
public final class ServiceTokenHashes {
    private ServiceTokenHashes() {
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
    public static String sha256(String token) {
        return Strings.sha256Hex(token);
    }
}
