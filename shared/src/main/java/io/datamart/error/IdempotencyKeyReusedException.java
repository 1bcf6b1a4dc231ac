package io.datamart.error;

/** The Idempotency-Key (or correlation id) was first used for a different request. */
public final class IdempotencyKeyReusedException extends DatamartException {
    public IdempotencyKeyReusedException() {
        super("Idempotency-Key was used for a different request");
    }
}
