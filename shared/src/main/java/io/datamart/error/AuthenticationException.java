package io.datamart.error;

/** Missing, malformed, unknown, revoked or expired service token. */
public final class AuthenticationException extends DatamartException {
    public AuthenticationException(String message) {
        super(message);
    }
}
