package io.datamart.error;

/** Another request with the same Idempotency-Key (or message id) is still running. */
public final class IdempotencyKeyInUseException extends DatamartException {
    public IdempotencyKeyInUseException() {
        super("A request with this Idempotency-Key is in progress");
    }
}
