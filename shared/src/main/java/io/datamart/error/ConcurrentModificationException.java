package io.datamart.error;

/**
 * A request lost, every time it tried within its bounded retries, to other changes of the
 * same datamart (other updates, or a delete and a create): the client may simply retry.
 */
public final class ConcurrentModificationException extends DatamartException {
    public ConcurrentModificationException() {
        super("Datamart changed while this request ran; retry");
    }
}
