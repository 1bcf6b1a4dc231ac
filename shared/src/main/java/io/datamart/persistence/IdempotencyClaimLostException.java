package io.datamart.persistence;

/**
 * The claim on an idempotency record was no longer this request's when its change was to
 * commit (it outlived its lease and another request took it over): nothing was written.
 */
public final class IdempotencyClaimLostException extends RuntimeException {
    public IdempotencyClaimLostException() {
        super("the idempotency claim was taken over before the change committed", null, false, false);
    }
}
